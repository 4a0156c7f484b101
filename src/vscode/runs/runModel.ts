// One run as the extension shows it, folded from PipelineEvents. The sidebar, the routing panel
// and the comment threads all read this model; it never calls VS Code, so it is unit-tested in
// plain Node. Streamed text is not kept here per token: the panel gets deltas, and the model keeps
// only a capped tail per stage for a panel that opens late.
import type { PipelineEvent, StageSnapshot } from '../../core/pipeline/events';
import type { Plan, Findings, DiffArtifact, Answer } from '../../core/sessions/artifacts';
import type {
  FindingView,
  PanelStage,
  ReviewView,
  RunState,
  RunView,
  StageState,
  StageView,
} from '../../protocol/panelProtocol';
import { PANEL_STAGES } from '../../protocol/panelProtocol';
import { callsView } from './callsView';

/** Enough output for a late-opening panel to show the recent work without holding whole transcripts. */
export const OUTPUT_TAIL_CHARS = 200_000;
/** Per call, how much of what a role was sent the panel shows (the protocol caps text at 20,000). */
export const SAW_TEXT_CAP = 19_000;

export interface RunArtifacts {
  findings?: Findings;
  plan?: Plan;
  diff?: DiffArtifact;
  answer?: Answer;
}

function mapState(s: StageSnapshot['state']): StageState {
  return s === 'pending' ? 'waiting' : s;
}

function emptyStage(stage: PanelStage): StageView {
  return { stage, state: 'waiting', rejected: [], round: 1, inputTokens: 0, outputTokens: 0, costUsd: 0, saw: [] };
}

export class RunModel {
  readonly view: RunView;
  readonly artifacts: RunArtifacts = {};
  readonly outputs = new Map<PanelStage, string>();
  readonly startedAt: number;
  finishedAt?: number;
  /** Cost per stage and round, so a repeated implementer/critic pass adds rather than overwrites. */
  private readonly passCost = new Map<string, { in: number; out: number; cost: number; ms: number }>();
  gateReasons: string[] = [];

  constructor(runId: string, task: string, startedAt = Date.now()) {
    this.startedAt = startedAt;
    this.view = {
      runId,
      task,
      state: 'running',
      signals: [],
      gates: [],
      reasons: [],
      actualCostUsd: 0,
      stages: [],
      diffFiles: [],
    };
  }

  get runId(): string {
    return this.view.runId;
  }

  stage(stage: PanelStage): StageView {
    let s = this.view.stages.find((x) => x.stage === stage);
    if (!s) {
      s = emptyStage(stage);
      this.view.stages.push(s);
      this.view.stages.sort((a, b) => PANEL_STAGES.indexOf(a.stage) - PANEL_STAGES.indexOf(b.stage));
    }
    return s;
  }

  appendOutput(stage: PanelStage, text: string): void {
    const prev = this.outputs.get(stage) ?? '';
    const next = prev + text;
    this.outputs.set(stage, next.length > OUTPUT_TAIL_CHARS ? next.slice(next.length - OUTPUT_TAIL_CHARS) : next);
  }

  private applySnapshot(snap: StageSnapshot): void {
    const s = this.stage(snap.stage);
    s.state = mapState(snap.state);
    s.modelId = snap.modelId;
    s.vendor = snap.vendor;
    s.why = snap.why;
    s.round = snap.round;
    s.rejected = snap.rejected.map((r) => ({ modelId: r.modelId, reason: r.reason }));
    this.passCost.set(`${snap.stage}:${snap.round}`, {
      in: snap.tokensIn,
      out: snap.tokensOut,
      cost: snap.costUsd,
      ms: snap.elapsedMs,
    });
    let tin = 0;
    let tout = 0;
    let cost = 0;
    let ms = 0;
    for (const [key, v] of this.passCost) {
      if (!key.startsWith(`${snap.stage}:`)) continue;
      tin += v.in;
      tout += v.out;
      cost += v.cost;
      ms += v.ms;
    }
    s.inputTokens = tin;
    s.outputTokens = tout;
    s.costUsd = cost;
    s.elapsedMs = Math.round(ms);
    this.view.actualCostUsd = [...this.passCost.values()].reduce((a, v) => a + v.cost, 0);
  }

  private setRunState(state: RunState): void {
    this.view.state = state;
  }

  /** Folds one event in. Returns false for a stream delta (structure unchanged), true otherwise. */
  apply(e: PipelineEvent): boolean {
    switch (e.type) {
      case 'decision-made': {
        const d = e.decision;
        this.view.kind = d.kind;
        this.view.risk = d.risk;
        this.view.signals = d.classification.details.map((sig) => ({ id: sig.label, detail: sig.evidence }));
        this.view.calls = callsView(d);
        // A gate that only repeats why the run cannot start is said once, as the run's message.
        this.view.gates = d.gates.map((g) => g.reason).filter((r) => !d.blockedReason || !d.blockedReason.includes(r));
        this.view.reasons = d.reasons ?? [];
        this.view.estimatedCostUsd = d.estimatedCostUsd;
        for (const sd of d.stages) {
          const s = this.stage(sd.stage);
          s.modelId = sd.modelId;
          s.vendor = sd.vendor;
          s.why =
            sd.unavailableReason && !sd.why.includes(sd.unavailableReason)
              ? `${sd.why} ${sd.unavailableReason}`.trim()
              : sd.why;
          s.rejected = sd.rejected.map((r) => ({ modelId: r.modelId, reason: r.reason }));
          s.estimatedCostUsd = sd.estimate.costUsd;
        }
        if (d.blockedReason) this.view.message = d.blockedReason;
        else if (d.warnings.length) this.view.message = d.warnings.join(' ');
        return true;
      }
      case 'stage-started':
      case 'stage-finished':
        this.applySnapshot(e.snapshot);
        if (e.type === 'stage-started' && e.snapshot.round > 1) {
          // A new round's output follows the previous one; a visible rule keeps them apart.
          this.appendOutput(e.snapshot.stage, `\n\n── round ${e.snapshot.round} ──\n`);
        }
        return true;
      case 'stage-failed':
        this.applySnapshot(e.snapshot);
        this.stage(e.snapshot.stage).error = e.error.message;
        return true;
      case 'stage-skipped': {
        const s = this.stage(e.stage);
        s.state = 'skipped';
        s.why = e.reason;
        return true;
      }
      case 'stage-delta':
        this.appendOutput(e.stage, e.text);
        return false;
      case 'model-call-finished':
        // Per-call facts for telemetry; the stage row's totals come with its snapshot.
        return false;
      case 'fallback-taken': {
        const s = this.stage(e.stage);
        if (e.discardPartial) this.outputs.delete(e.stage);
        s.rejected = [...s.rejected, { modelId: e.fromModelId, reason: `failed at run time: ${e.error.message}` }];
        s.modelId = e.toModelId;
        s.vendor = e.toVendor;
        return true;
      }
      case 'context-sent': {
        const s = this.stage(e.stage);
        s.saw = [
          ...s.saw,
          {
            kind: `round ${e.round} · ${e.modelId}`,
            label: e.artifacts.length ? e.artifacts.join(', ') : 'the task only',
            chars: e.chars,
          },
        ];
        return true;
      }
      case 'artifact-ready': {
        const a = e.artifact;
        if (a.kind === 'diff') {
          this.artifacts.diff = a.value;
          this.view.diffFiles = a.value.files;
        } else if (a.kind === 'plan') this.artifacts.plan = a.value;
        else if (a.kind === 'findings') this.artifacts.findings = a.value;
        else this.artifacts.answer = a.value;
        return true;
      }
      case 'review-ready': {
        const prefix = e.stage === 'finalOwner' ? 'fo' : 'r';
        const findings: FindingView[] = e.review.findings.map((f, i) => ({
          id: `${prefix}${e.round}f${i + 1}`,
          file: f.file,
          startLine: f.startLine,
          endLine: f.endLine,
          severity: f.severity,
          message: f.message,
          suggestion: f.suggestion,
          status: 'open',
        }));
        const review: ReviewView = {
          stage: e.stage,
          verdict: e.review.verdict,
          reviewerModel: e.reviewerModelId,
          reviewerVendor: e.reviewerVendor,
          round: e.round,
          findings,
        };
        this.view.review = review;
        return true;
      }
      case 'verified':
        this.view.verification = { status: e.status, passed: e.passed, summary: e.summary, round: e.round };
        return true;
      case 'escalated':
        this.view.message = `Escalated to ${e.to === 'human' ? 'a person' : 'a stronger model'}: ${e.reasons.join('; ')}`;
        return true;
      case 'gate-waiting':
        // The host's gate sets 'awaiting-approval' once the diff is ready to look at; until then
        // nothing could be applied, so the run still shows as running.
        this.gateReasons = e.reasons;
        return true;
      case 'gate-resolved':
        if (this.view.state === 'awaiting-approval') this.setRunState('running');
        return true;
      case 'applied':
        this.setRunState('applied');
        return true;
      case 'rejected':
        this.setRunState('rejected');
        this.view.message = e.reason;
        return true;
      case 'cancelled':
        this.setRunState('cancelled');
        this.view.message = e.reason;
        for (const s of this.view.stages) if (s.state === 'running' || s.state === 'waiting') s.state = 'cancelled';
        return true;
      case 'run-finished': {
        const map: Record<typeof e.outcome, RunState> = {
          applied: 'applied',
          rejected: 'rejected',
          cancelled: 'cancelled',
          failed: 'failed',
          answered: 'done',
          reviewed: 'done',
        };
        this.setRunState(map[e.outcome]);
        // A stage still waiting when the run ends never ran.
        for (const s of this.view.stages) if (s.state === 'waiting') s.state = 'skipped';
        this.view.actualCostUsd = e.totals.costUsd;
        this.view.message =
          e.error && !e.message.includes(e.error.message) ? `${e.message} (${e.error.message})` : e.message;
        this.finishedAt = e.at;
        return true;
      }
    }
  }

  /** Attaches what each role was actually sent (the ContextBoundary log, in the order it was sent). */
  attachBoundary(
    entries: ReadonlyArray<{
      stage: PanelStage;
      system: string;
      messages: ReadonlyArray<{ role: string; content: string }>;
    }>,
  ): void {
    const seen = new Map<PanelStage, number>();
    for (const e of entries) {
      const i = seen.get(e.stage) ?? 0;
      seen.set(e.stage, i + 1);
      const item = this.view.stages.find((s) => s.stage === e.stage)?.saw[i];
      if (!item) continue;
      const full = [`system: ${e.system}`, ...e.messages.map((m) => `${m.role}: ${m.content}`)].join('\n\n');
      item.text =
        full.length > SAW_TEXT_CAP
          ? `${full.slice(0, SAW_TEXT_CAP)}\n… (${full.length - SAW_TEXT_CAP} more characters)`
          : full;
    }
  }

  /** Why a person must confirm before this change is applied (empty: the Apply click is enough):
   * the pipeline's gate reasons, the decision's gates, and a review that did not approve. */
  humanGateReasons(): string[] {
    const reasons = [...this.gateReasons];
    for (const g of this.view.gates) if (!reasons.includes(g)) reasons.push(g);
    const review = this.view.review;
    if (!review) reasons.push('no reviewer looked at this change');
    else if (review.verdict !== 'approve')
      reasons.push(`the reviewer (${review.reviewerModel}) said "${review.verdict}"`);
    return reasons;
  }

  get finished(): boolean {
    return this.finishedAt !== undefined;
  }

  finding(id: string): FindingView | undefined {
    return this.view.review?.findings.find((f) => f.id === id);
  }
}
