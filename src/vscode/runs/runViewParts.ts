// Pieces of a run's view that RunModel folds in, as plain functions of what an event carries: the
// routing decision, a review, a tool call, the run's outcome, what a role was sent. No VS Code, no
// state of their own; RunModel owns the view and decides when each applies.
import { messageText, type ToolCall, type ToolResultPart } from '../../core/providers/types';
import type { Review } from '../../core/review/reviewSchema';
import type { RejectedAlternative, RoutingDecision } from '../../core/routing/decisionSchema';
import { residencyLine } from '../../core/routing/explainDecision';
import type {
  FindingView,
  PanelStage,
  ReviewView,
  RunState,
  RunView,
  StageView,
  ToolCallView,
} from '../../protocol/panelProtocol';
import { MAX_TOOL_VIEWS } from '../../protocol/panelProtocol';
import { callsView } from './callsView';

/** Per call, how much of what a role was sent the panel shows (the protocol caps text at 20,000). */
export const SAW_TEXT_CAP = 19_000;

export function emptyStage(stage: PanelStage): StageView {
  return {
    stage,
    state: 'waiting',
    rejected: [],
    round: 1,
    inputTokens: 0,
    outputTokens: 0,
    costUsd: 0,
    saw: [],
    tools: [],
  };
}

/**
 * Folds the routing decision into the view: kind, risk, signals, the calls, gates, reasons, residency,
 * the estimate, and per stage its model, why, and the models passed over (`noteResidency` remembers
 * the residency ones so a later run-time line does not repeat them).
 */
export function foldDecision(
  view: RunView,
  d: RoutingDecision,
  stage: (s: PanelStage) => StageView,
  noteResidency: (s: PanelStage, rejected: readonly RejectedAlternative[]) => void,
): void {
  view.kind = d.kind;
  view.risk = d.risk;
  view.signals = d.classification.details.map((sig) => ({ id: sig.label, detail: sig.evidence }));
  view.calls = callsView(d);
  // A run that cannot start has no gate to reach: why it cannot start is said once, as its message.
  view.gates = d.blockedReason ? [] : d.gates.map((g) => g.reason);
  view.reasons = d.reasons ?? [];
  view.residency = (d.residency ?? []).map(residencyLine);
  view.estimatedCostUsd = d.estimatedCostUsd;
  for (const sd of d.stages) {
    const s = stage(sd.stage);
    s.modelId = sd.modelId;
    s.vendor = sd.vendor;
    s.why =
      d.blockedReason && !sd.modelId
        ? 'not run: the run cannot start (see the message above; the models and why each is not ready are listed below)'
        : sd.unavailableReason && !sd.why.includes(sd.unavailableReason)
          ? `${sd.why} ${sd.unavailableReason}`.trim()
          : sd.why;
    s.rejected = sd.rejected.map((r) => ({ modelId: r.modelId, reason: r.reason }));
    noteResidency(sd.stage, sd.rejected);
    s.estimatedCostUsd = sd.estimate.costUsd;
  }
  if (d.blockedReason) view.message = d.blockedReason;
  else if (d.warnings.length) view.message = d.warnings.join(' ');
}

/** A review as the panel shows it, its findings numbered per stage and round (r2f1, fo1f3). */
export function reviewView(r: {
  stage: 'critic' | 'finalOwner';
  round: number;
  reviewerModelId: string;
  reviewerVendor: string;
  review: Review;
}): ReviewView {
  const prefix = r.stage === 'finalOwner' ? 'fo' : 'r';
  const findings: FindingView[] = r.review.findings.map((f, i) => ({
    id: `${prefix}${r.round}f${i + 1}`,
    file: f.file,
    startLine: f.startLine,
    endLine: f.endLine,
    severity: f.severity,
    message: f.message,
    suggestion: f.suggestion,
    status: 'open',
  }));
  return {
    stage: r.stage,
    verdict: r.review.verdict,
    reviewerModel: r.reviewerModelId,
    reviewerVendor: r.reviewerVendor,
    round: r.round,
    findings,
  };
}

/** One review per reviewing stage: the final owner's second opinion sits beside the critic's, critic first. */
export function withReview(reviews: readonly ReviewView[], review: ReviewView): ReviewView[] {
  return [...reviews.filter((r) => r.stage !== review.stage), review].sort(
    (a, b) => (a.stage === 'critic' ? 0 : 1) - (b.stage === 'critic' ? 0 : 1),
  );
}

/** A tool call starts: added to its stage, the oldest dropped past the cap. */
export function addToolCall(s: StageView, e: { callId: string; tool: string; args: string; round: number }): void {
  if (s.tools.length >= MAX_TOOL_VIEWS) s.tools.shift();
  const call: ToolCallView = {
    id: e.callId,
    tool: e.tool,
    args: e.args.slice(0, 600),
    state: 'running',
    paths: [],
    round: e.round,
  };
  s.tools.push(call);
}

/** A tool call's result: its state, summary, size and the files it showed (capped). */
export function finishToolCall(
  s: StageView,
  e: { callId: string; round: number; ok: boolean; summary: string; chars: number; paths: string[] },
): void {
  const call = s.tools.find((t) => t.id === e.callId && t.round === e.round);
  if (!call) return;
  call.state = e.ok ? 'done' : 'failed';
  call.summary = e.summary.slice(0, 20_000);
  call.chars = e.chars;
  call.paths = e.paths.slice(0, 50);
}

const OUTCOME_STATE = {
  applied: 'applied',
  rejected: 'rejected',
  cancelled: 'cancelled',
  failed: 'failed',
  answered: 'done',
  reviewed: 'done',
} as const satisfies Record<string, RunState>;

/** The run's state once it finished with this outcome. */
export function finishedState(outcome: keyof typeof OUTCOME_STATE): RunState {
  return OUTCOME_STATE[outcome];
}

/** The message a send-back puts up until the revised change reaches the gate. */
export function sentBackMessage(findingIds: readonly string[], note: string | undefined): string {
  const what = [
    findingIds.length ? `${findingIds.length} finding${findingIds.length === 1 ? '' : 's'}` : '',
    note ? 'your note' : '',
  ]
    .filter(Boolean)
    .join(' and ');
  return `Sent back to the implementer with ${what}; the revised change is reviewed again before it reaches you.`;
}

/** What a role was sent in one call, as the panel's "what it saw" text (capped). */
export function sentText(e: {
  system: string;
  messages: ReadonlyArray<{ role: string; content: string; toolCalls?: ToolCall[]; toolResults?: ToolResultPart[] }>;
}): string {
  const full = [
    `system: ${e.system}`,
    ...e.messages.map((m) => `${m.role}: ${messageText({ ...m, role: m.role === 'user' ? 'user' : 'assistant' })}`),
  ].join('\n\n');
  return full.length > SAW_TEXT_CAP
    ? `${full.slice(0, SAW_TEXT_CAP)}\n… (${full.length - SAW_TEXT_CAP} more characters)`
    : full;
}
