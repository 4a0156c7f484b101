// Folds a run's PipelineEvents into its RunRecord. The ledger is just another listener: anything
// the record says, the events said first, so the sidebar, the panel and the ledger cannot disagree.
import type { Stage } from '../config/policySchema';
import type { PipelineEvent } from '../stage/events';
import type { RejectedAlternative, RoutingDecision } from '../routing/decisionSchema';
import { setByPerson } from '../routing/personCalls';
import { RUN_RECORD_VERSION, type RunRecord } from './runRecordSchema';

export class RunRecorder {
  private readonly events: PipelineEvent[] = [];

  readonly listener = (e: PipelineEvent): void => {
    // Streaming deltas carry nothing the record keeps; dropping them keeps memory flat on long replies.
    if (e.type === 'stage-delta') return;
    // What was sent is in the boundary log already; the record keeps only the artifact names.
    this.events.push(e.type === 'context-sent' ? { ...e, sent: undefined } : e);
  };

  record(): RunRecord | undefined {
    return recordFromEvents(this.events);
  }
}

export function recordFromEvents(events: readonly PipelineEvent[]): RunRecord | undefined {
  const decisionEv = events.find((e) => e.type === 'decision-made');
  const finished = events.find((e) => e.type === 'run-finished');
  if (!decisionEv || decisionEv.type !== 'decision-made' || !finished || finished.type !== 'run-finished')
    return undefined;
  const d = decisionEv.decision;

  const stages: RunRecord['stages'] = [];
  const fallbacks: RunRecord['fallbacks'] = [];
  const reviews: RunRecord['reviews'] = [];
  const gates: RunRecord['gates'] = [];
  const verifications: RunRecord['verifications'] = [];
  let diff: string | undefined;
  let diffFiles: string[] = [];
  let applied: string[] = [];
  for (const e of events) {
    switch (e.type) {
      case 'stage-finished':
      case 'stage-failed': {
        const s = e.snapshot;
        stages.push({
          stage: s.stage,
          round: s.round,
          modelId: s.modelId,
          vendor: s.vendor,
          state: s.state,
          tokensIn: s.tokensIn,
          tokensOut: s.tokensOut,
          costUsd: s.costUsd,
          elapsedMs: s.elapsedMs,
        });
        break;
      }
      case 'fallback-taken':
        fallbacks.push({
          stage: e.stage,
          from: e.fromModelId,
          to: e.toModelId,
          errorKind: e.error.kind,
          message: e.error.message,
        });
        break;
      case 'review-ready':
        reviews.push({
          stage: e.stage,
          round: e.round,
          reviewerModelId: e.reviewerModelId,
          reviewerVendor: e.reviewerVendor,
          implementerVendor: e.implementerVendor,
          verdict: e.review.verdict,
          findings: e.review.findings.length,
        });
        break;
      case 'verified':
        verifications.push({ round: e.round, status: e.status, passed: e.passed });
        break;
      case 'gate-waiting':
        gates.push({ gateId: e.gateId, reasons: e.reasons });
        break;
      case 'gate-resolved': {
        const g = gates.find((x) => x.gateId === e.gateId);
        if (g) g.approved = e.approved;
        break;
      }
      case 'artifact-ready':
        if (e.artifact.kind === 'diff') {
          diff = e.artifact.value.diff;
          diffFiles = e.artifact.value.files;
        }
        break;
      case 'applied':
        applied = e.files;
        // What was written, when a person accepted suggestions at the gate: the record keeps that diff.
        if (e.diff) diff = e.diff;
        break;
    }
  }
  const finalOwner = [...reviews].reverse().find((r) => r.stage === 'finalOwner');
  const critic = [...reviews].reverse().find((r) => r.stage === 'critic');
  const startedAt = decisionEv.at;
  return {
    v: RUN_RECORD_VERSION,
    runId: finished.runId,
    startedAt: new Date(startedAt).toISOString(),
    finishedAt: new Date(finished.at).toISOString(),
    task: d.task,
    kind: d.kind,
    risk: d.risk,
    ...personSet(setByPerson(d.classification)),
    signals: d.classification.signals,
    decision: {
      stages: d.stages.map((s) => ({
        stage: s.stage,
        modelId: s.modelId,
        vendor: s.vendor,
        estimatedCostUsd: s.estimate.costUsd,
      })),
      gates: d.gates.map((g) => g.code),
      estimatedCostUsd: d.estimatedCostUsd,
    },
    stages,
    fallbacks,
    reviews,
    gates,
    verifications,
    finalVerdict: (finalOwner ?? critic)?.verdict ?? 'none',
    outcome: finished.outcome,
    message: finished.message,
    diff,
    filesChanged: applied.length ? applied : diffFiles,
    totals: finished.totals,
    error: finished.error ? { kind: finished.error.kind, message: finished.error.message } : undefined,
    residency: residencyOf(d, events),
  };
}

/** The residency rules of the run and every model they kept out: the decision's, then those found as files were read. */
function residencyOf(d: RoutingDecision, events: readonly PipelineEvent[]): RunRecord['residency'] {
  if (!d.residency) return undefined;
  const excluded: NonNullable<RunRecord['residency']>['excluded'] = [];
  const seen = new Set<string>();
  const add = (stage: Stage, r: RejectedAlternative, at: 'decision' | 'run') => {
    const key = `${stage}|${r.modelId}|${r.rule}`;
    if (r.code !== 'residency' || !r.rule || seen.has(key)) return;
    seen.add(key);
    excluded.push({ stage, modelId: r.modelId, rule: r.rule, reason: r.reason, at });
  };
  for (const s of d.stages) for (const r of s.rejected) add(s.stage, r, 'decision');
  for (const e of events)
    if (e.type === 'stage-finished' || e.type === 'stage-failed')
      for (const r of e.snapshot.rejected) add(e.snapshot.stage, r, 'run');
  return {
    rules: d.residency.map((r) => ({
      rule: r.rule,
      summary: r.summary,
      applied: r.applies || excluded.some((x) => x.rule === r.rule),
      files: r.files,
    })),
    excluded,
  };
}

/** The field only when the person set a call (see core/routing/personCalls). */
const personSet = (set: Array<'kind' | 'risk'>): { setByPerson?: Array<'kind' | 'risk'> } =>
  set.length ? { setByPerson: set } : {};
