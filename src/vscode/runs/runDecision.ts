// The one owner of a run's decision. The pipeline's gate waits here (`awaitDecision`); every person's
// action on the proposed change — apply, reject, send back, apply a reviewer's suggestion, dismiss a
// finding — goes through here, and each answers the gate or reports what it did as an event the run
// model folds in. The gate's answer to apply carries the plan to write, with the accepted suggestions
// in it, so what the diff shows is what lands on disk. vscode-free: unit-tested in plain Node.
import type { ResolvedPlan } from '../../core/edits/editPlan';
import type { GateAnswer } from '../../core/pipeline/runTypes';
import { SeveritySchema, type Finding } from '../../core/review/reviewSchema';
import type { FindingView } from '../../protocol/panelProtocol';

/** What a person did to the proposed change, as the run model and the review surfaces see it. */
export type DecisionEvent =
  /** The gate opened on a change; `codes`/`reasons` are the rules that stopped it there (none: a plain confirmation). */
  | { type: 'change-ready'; files: string[]; codes: string[]; reasons: string[] }
  | { type: 'suggestion-applied'; findingId: string; file: string }
  | { type: 'finding-dismissed'; findingId: string }
  | { type: 'sent-back'; findingIds: string[]; note: string }
  | { type: 'decided'; how: 'apply' | 'reject' | 'cancel' };

export interface ApplyReport {
  applied: boolean;
  message: string;
}

interface OpenGate {
  /** The plan as it stands: the reviewed one, with the suggestions a person applied. */
  plan: ResolvedPlan;
  resolve(answer: GateAnswer): void;
}

export function displayPath(f: ResolvedPlan['files'][number]): string {
  return f.op === 'rename' && f.newPath ? f.newPath : f.path;
}

export class RunDecision {
  private gate: OpenGate | undefined;
  private applying: { plan: ResolvedPlan; settle(r: ApplyReport): void } | undefined;
  /** The last plan a person saw (kept after the gate closes, so the diff can still be looked at). */
  private lastPlan: ResolvedPlan | undefined;
  /** Apply or reject was answered: the pipeline is finishing on its own. */
  private answered = false;

  constructor(private readonly emit: (e: DecisionEvent) => void) {}

  /** The pipeline waits for a person: resolves with their answer, or false when `signal` aborts. */
  awaitDecision(
    plan: ResolvedPlan,
    signal: AbortSignal,
    why: { codes: string[]; reasons: string[] } = { codes: [], reasons: [] },
  ): Promise<GateAnswer> {
    this.gate?.resolve(false);
    return new Promise<GateAnswer>((resolve) => {
      const gate: OpenGate = {
        plan: structuredClone(plan),
        resolve: (answer) => {
          if (this.gate !== gate) return;
          this.gate = undefined;
          signal.removeEventListener('abort', onAbort);
          resolve(answer);
        },
      };
      const onAbort = () => {
        gate.resolve(false);
        this.emit({ type: 'decided', how: 'cancel' });
      };
      if (signal.aborted) return resolve(false);
      signal.addEventListener('abort', onAbort, { once: true });
      this.gate = gate;
      this.lastPlan = gate.plan;
      this.answered = false;
      this.emit({ type: 'change-ready', files: gate.plan.files.map(displayPath), ...why });
    });
  }

  /** True while the pipeline waits at the gate for a person. */
  get isOpen(): boolean {
    return this.gate !== undefined;
  }

  /** Apply or reject was answered; the run is finishing (writing, or recording the rejection). */
  get isAnswered(): boolean {
    return this.answered;
  }

  /** The proposed change as a person sees it now (also after the gate closed), if there is one. */
  get plan(): ResolvedPlan | undefined {
    return this.gate?.plan ?? this.applying?.plan ?? this.lastPlan;
  }

  /** Rewrites the finding's lines of the proposed file with its suggestion; returns the updated plan. */
  applySuggestion(f: FindingView): ResolvedPlan {
    const gate = this.requireOpen('apply a suggestion');
    if (f.status !== 'open') throw new Error(`That finding is already ${f.status}.`);
    if (f.suggestion === undefined)
      throw new Error(
        `The reviewer gave no replacement for ${f.file}:${f.startLine}; send it back to the implementer instead.`,
      );
    const file = gate.plan.files.find((x) => displayPath(x) === f.file);
    if (!file) throw new Error(`The finding names ${f.file}, which is not part of this change.`);
    if (file.op === 'delete') throw new Error(`${f.file} is deleted by this change; there is nothing to edit.`);
    file.after = withSuggestion(file.after, f);
    this.emit({ type: 'suggestion-applied', findingId: f.id, file: f.file });
    return gate.plan;
  }

  dismiss(f: FindingView): void {
    if (f.status !== 'open') return;
    this.emit({ type: 'finding-dismissed', findingId: f.id });
  }

  /**
   * Answers the gate with the plan as it stands. Resolves once the host's apply callback reports
   * (`reportApply`) or the run ends (`finish`).
   */
  apply(): Promise<ApplyReport> {
    const gate = this.gate;
    if (!gate) return Promise.resolve({ applied: false, message: this.notOpenReason('apply') });
    const done = new Promise<ApplyReport>((settle) => {
      this.applying = { plan: gate.plan, settle };
    });
    this.answered = true;
    this.emit({ type: 'decided', how: 'apply' });
    gate.resolve({ apply: gate.plan });
    return done;
  }

  /** Rejects the change; `reason` is said in the run's message and record. False when no gate waits. */
  reject(reason: string): boolean {
    const gate = this.gate;
    if (!gate) return false;
    this.answered = true;
    this.emit({ type: 'decided', how: 'reject' });
    gate.resolve({ reject: reason });
    return true;
  }

  /** Hands the change back to this run's implementer with the findings and the person's note. */
  sendBack(note: string, findings: FindingView[]): boolean {
    const gate = this.gate;
    if (!gate) return false;
    this.emit({ type: 'sent-back', findingIds: findings.map((f) => f.id), note });
    gate.resolve({
      sendBack: note || 'A person sent the change back: address these findings.',
      findings: findings.map(toFinding),
    });
    return true;
  }

  /** The run is cancelled or replaced: the gate (if open) answers no. */
  cancel(): void {
    if (!this.gate) return;
    this.emit({ type: 'decided', how: 'cancel' });
    this.gate.resolve(false);
  }

  /** The host's apply callback: what writing the approved plan came to. */
  reportApply(report: ApplyReport): void {
    this.applying?.settle(report);
    this.applying = undefined;
  }

  /** The run ended: an apply still waiting hears the run's outcome; an open gate closes. */
  finish(report: ApplyReport): void {
    this.reportApply(report);
    this.gate?.resolve(false);
  }

  private requireOpen(what: string): OpenGate {
    if (!this.gate) throw new Error(this.notOpenReason(what));
    return this.gate;
  }

  private notOpenReason(what: string): string {
    if (this.answered) return `Cannot ${what}: this change was already decided.`;
    return this.lastPlan
      ? `Cannot ${what}: the run is not waiting for a decision on this change any more.`
      : `Cannot ${what}: the implementer has not produced a change to review yet.`;
  }
}

/** `text` with the finding's lines (1-based, inclusive) replaced by its suggestion, in the file's EOL. */
export function withSuggestion(text: string, f: Pick<FindingView, 'file' | 'startLine' | 'endLine' | 'suggestion'>) {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const lines = text.split(eol);
  // A final newline leaves an empty last element: it is not a line a finding can point at.
  const count = text.endsWith(eol) ? lines.length - 1 : lines.length;
  if (f.startLine < 1 || f.endLine < f.startLine || f.endLine > count)
    throw new Error(
      `The finding points at ${f.file}:${f.startLine}-${f.endLine}, outside the proposed file (${count} lines).`,
    );
  const replacement = (f.suggestion ?? '').replace(/\r?\n$/, '').split(/\r?\n/);
  lines.splice(f.startLine - 1, f.endLine - f.startLine + 1, ...replacement);
  return lines.join(eol);
}

function toFinding(f: FindingView): Finding {
  const severity = SeveritySchema.safeParse(f.severity);
  return {
    file: f.file,
    startLine: f.startLine,
    endLine: f.endLine,
    severity: severity.success ? severity.data : 'minor',
    message: f.message,
    ...(f.suggestion !== undefined ? { suggestion: f.suggestion } : {}),
  };
}
