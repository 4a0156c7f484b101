// One run as the extension shows it, folded from PipelineEvents. The sidebar, the routing panel
// and the comment threads all read this model; it never calls VS Code, so it is unit-tested in
// plain Node. Streamed text is not kept here per token: the panel gets deltas, and the model keeps
// only a capped tail per stage for a panel that opens late.
import type { PipelineEvent, StageSnapshot } from '../../core/stage/events';
import type { ToolCall, ToolResultPart } from '../../core/providers/types';
import type { Plan, Findings, DiffArtifact, Answer } from '../../core/sessions/artifacts';
import { ROLE_LABELS } from '../../core/config/stages';
import type { RejectedAlternative } from '../../core/routing/decisionSchema';
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
import type { DecisionEvent } from './runDecision';
import {
  addToolCall,
  emptyStage,
  finishedState,
  finishToolCall,
  foldDecision,
  reviewView,
  SAW_TEXT_CAP,
  sentBackMessage,
  sentText,
  withReview,
} from './runViewParts';

export { SAW_TEXT_CAP } from './runViewParts';

/** Enough output for a late-opening panel to show the recent work without holding whole transcripts. */
export const OUTPUT_TAIL_CHARS = 200_000;

/** What the extension itself says about a run (e.g. it used the last good policy): shown once as a note. */
export type HostEvent = { type: 'note'; text: string };

/** Everything a run's view is folded from. */
export type RunEvent = PipelineEvent | DecisionEvent | HostEvent;

export interface RunArtifacts {
  findings?: Findings;
  plan?: Plan;
  diff?: DiffArtifact;
  answer?: Answer;
}

function mapState(s: StageSnapshot['state']): StageState {
  return s === 'pending' ? 'waiting' : s;
}

export class RunModel {
  readonly view: RunView;
  readonly artifacts: RunArtifacts = {};
  readonly outputs = new Map<PanelStage, string>();
  readonly startedAt: number;
  finishedAt?: number;
  /** Cost per stage and round, so a repeated implementer/critic pass adds rather than overwrites. */
  private readonly passCost = new Map<string, { in: number; out: number; cost: number; ms: number }>();
  /** The rules that stopped the run at its gate (codes and one sentence each); none for a plain confirmation. */
  gate: { codes: string[]; reasons: string[] } = { codes: [], reasons: [] };
  /** The message a send-back put up, replaced once the revised change reaches the gate. */
  private sentBackNotice: string | undefined;
  /** Residency exclusions already shown (stage|model|rule), so each is said once. */
  private readonly residencySeen = new Set<string>();

  constructor(runId: string, task: string, startedAt = Date.now()) {
    this.startedAt = startedAt;
    this.view = {
      runId,
      task,
      state: 'running',
      signals: [],
      gates: [],
      reasons: [],
      residency: [],
      actualCostUsd: 0,
      stages: [],
      reviews: [],
      diffFiles: [],
      notes: [],
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
    this.noteResidency(snap.stage, snap.rejected, 'At run time, ');
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
  apply(e: RunEvent): boolean {
    switch (e.type) {
      case 'note':
        if (!this.view.notes.includes(e.text)) this.view.notes.push(e.text.slice(0, SAW_TEXT_CAP));
        return true;
      case 'change-ready':
        this.view.state = 'awaiting-approval';
        this.gate = { codes: e.codes, reasons: e.codes.length ? e.reasons : [] };
        // "Sent back…" was true until the revision arrived; now the revised change is what waits.
        if (this.sentBackNotice !== undefined && this.view.message === this.sentBackNotice)
          this.view.message = 'The revised change is back: review it, then apply, reject or send it back again.';
        this.sentBackNotice = undefined;
        return true;
      case 'suggestion-applied':
      case 'finding-dismissed': {
        const f = this.finding(e.findingId);
        if (f) f.status = e.type === 'suggestion-applied' ? 'applied' : 'dismissed';
        return true;
      }
      case 'sent-back': {
        for (const id of e.findingIds) {
          const f = this.finding(id);
          if (f) f.status = 'sent-back';
        }
        this.sentBackNotice = sentBackMessage(e.findingIds, e.note);
        this.view.message = this.sentBackNotice;
        return true;
      }
      case 'decided':
        return true;
      case 'decision-made':
        foldDecision(
          this.view,
          e.decision,
          (s) => this.stage(s),
          (s, rejected) => this.noteResidency(s, rejected),
        );
        return true;
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
        const why = e.error.kind === 'residency' ? 'kept out by data residency' : 'failed at run time';
        s.rejected = [...s.rejected, { modelId: e.fromModelId, reason: `${why}: ${e.error.message}` }];
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
      case 'tool-called':
        addToolCall(this.stage(e.stage), e);
        return true;
      case 'tool-result':
        finishToolCall(this.stage(e.stage), e);
        return true;
      case 'artifact-ready': {
        const a = e.artifact;
        if (a.kind === 'diff') {
          this.artifacts.diff = a.value;
          this.view.diffFiles = a.value.files;
          // A new change: the reviews so far were of another diff.
          this.view.reviews = [];
        } else if (a.kind === 'plan') this.artifacts.plan = a.value;
        else if (a.kind === 'findings') this.artifacts.findings = a.value;
        else {
          this.artifacts.answer = a.value;
          this.view.answer =
            a.value.text.length > SAW_TEXT_CAP ? `${a.value.text.slice(0, SAW_TEXT_CAP)}\n\n…` : a.value.text;
        }
        return true;
      }
      case 'review-ready':
        this.view.reviews = withReview(this.view.reviews, reviewView(e));
        return true;
      case 'verified':
        this.view.verification = { status: e.status, passed: e.passed, summary: e.summary, round: e.round };
        return true;
      case 'escalated':
        this.view.message = `Escalated to ${e.to === 'human' ? 'a person' : 'a stronger model'}: ${e.reasons.join('; ')}`;
        return true;
      case 'gate-waiting':
        // 'awaiting-approval' comes with the decision owner's change-ready, once the diff is ready to
        // look at; until then nothing could be applied, so the run still shows as running.
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
        this.setRunState(finishedState(e.outcome));
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

  /** Remembers residency rejections; those found after the decision (files read at run time) get a line of their own. */
  private noteResidency(stage: PanelStage, rejected: readonly RejectedAlternative[], prefix?: string): void {
    for (const r of rejected) {
      const key = `${stage}|${r.modelId}|${r.rule}`;
      if (r.code !== 'residency' || this.residencySeen.has(key)) continue;
      this.residencySeen.add(key);
      if (prefix) this.view.residency.push(`${prefix}${ROLE_LABELS[stage]}: ${r.modelId} kept out — ${r.reason}`);
    }
  }

  /** Attaches what each role was actually sent (the ContextBoundary log, in the order it was sent). */
  attachBoundary(
    entries: ReadonlyArray<{
      stage: PanelStage;
      system: string;
      messages: ReadonlyArray<{
        role: string;
        content: string;
        toolCalls?: ToolCall[];
        toolResults?: ToolResultPart[];
      }>;
    }>,
  ): void {
    const seen = new Map<PanelStage, number>();
    for (const e of entries) {
      const i = seen.get(e.stage) ?? 0;
      seen.set(e.stage, i + 1);
      const item = this.view.stages.find((s) => s.stage === e.stage)?.saw[i];
      if (item) item.text = sentText(e);
    }
  }

  /**
   * Why a person must confirm before this change is applied (empty: the Apply click is enough): the
   * rules that stopped the run at its gate (the pipeline re-checks at the gate what the decision
   * predicted, so the decision's own gate lines would only repeat them in other words), then a review
   * that did not approve, unless a rule already says so. Each reason once.
   */
  humanGateReasons(): string[] {
    const { codes, reasons } = this.gate;
    const out = [...reasons];
    const review = this.finalReview;
    if (!review) {
      if (!codes.includes('no-cross-vendor-reviewer')) out.push('no reviewer looked at this change');
    } else if (review.verdict === 'block' ? !codes.includes('block') : review.verdict !== 'approve') {
      if (!codes.includes('escalation')) out.push(`the reviewer (${review.reviewerModel}) said "${review.verdict}"`);
    }
    return [...new Set(out)];
  }

  get finished(): boolean {
    return this.finishedAt !== undefined;
  }

  finding(id: string): FindingView | undefined {
    for (const r of this.view.reviews) {
      const f = r.findings.find((x) => x.id === id);
      if (f) return f;
    }
    return undefined;
  }

  /** Every finding of the change as it stands (critic's, then the final owner's). */
  get findings(): FindingView[] {
    return this.view.reviews.flatMap((r) => r.findings);
  }

  /** The review the apply decision rests on: the final owner's when it ran, else the critic's. */
  get finalReview(): ReviewView | undefined {
    return (
      this.view.reviews.find((r) => r.stage === 'finalOwner') ?? this.view.reviews.find((r) => r.stage === 'critic')
    );
  }
}
