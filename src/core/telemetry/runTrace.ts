// Folds one run's PipelineEvents into its trace: a root span for the run (invoke_workflow), a span
// per stage pass (invoke_agent, one per role and round), and a client span per model call (chat),
// with the GenAI attributes and Switchyard's own. It is a listener like the ledger: it sees only
// events, keeps no content unless content capture is on, and hands the whole trace over when the
// run finishes (spans carry their real start and end times, so nothing is sent mid-run).
import { RunRecorder } from '../ledger/recordFromEvents';
import type { PipelineEvent, PipelineEventOf } from '../stage/events';
import { ROLE_LABELS } from '../routing/decisionSchema';
import { finishReason, General, GenAi, genAiProviderName, Operation, Sy, WORKFLOW_NAME } from './genAiConventions';
import { metricsForRun } from './runMetrics';
import { ContentCapture } from './traceContent';
import type { Attrs, RunTrace, TraceSpan } from './traceTypes';

export interface RunTraceOptions {
  captureContent: boolean;
  /** Keys used in the run (read at each use): scrubbed from captured content even if a model echoed one. */
  secrets?: Iterable<string>;
}

const ROOT = 'run';

export class RunTraceBuilder {
  private readonly recorder = new RunRecorder();
  private readonly spans = new Map<string, TraceSpan>();
  /** The open pass of each stage (the one a model call belongs to). */
  private readonly openPass = new Map<string, string>();
  private readonly calls: Array<PipelineEventOf<'model-call-finished'>> = [];
  private readonly content: ContentCapture | undefined;
  private calledInPass = new Map<string, number>();
  private anyFallback = false;

  constructor(private readonly opts: RunTraceOptions) {
    this.content = opts.captureContent ? new ContentCapture(opts.secrets) : undefined;
  }

  /** Folds one event; returns the finished trace on `run-finished`, else undefined. */
  apply(e: PipelineEvent): RunTrace | undefined {
    this.recorder.listener(e);
    switch (e.type) {
      case 'decision-made':
        this.root(e);
        return undefined;
      case 'stage-started':
        this.passStarted(e);
        return undefined;
      case 'stage-finished':
      case 'stage-failed':
        this.passEnded(e);
        return undefined;
      case 'context-sent':
        this.content?.sending(e);
        return undefined;
      case 'stage-delta':
        this.content?.delta(e);
        return undefined;
      case 'model-call-finished':
        this.call(e);
        return undefined;
      case 'fallback-taken':
        this.fallback(e);
        return undefined;
      case 'review-ready':
        this.review(e);
        return undefined;
      case 'run-finished':
        return this.finish(e);
      default:
        this.runEvent(e);
        return undefined;
    }
  }

  private root(e: PipelineEventOf<'decision-made'>): void {
    const d = e.decision;
    const attributes: Attrs = {
      [GenAi.operationName]: Operation.invokeWorkflow,
      [GenAi.workflowName]: WORKFLOW_NAME,
      [Sy.runId]: e.runId,
      [Sy.kind]: d.kind,
      [Sy.risk]: d.risk,
      [Sy.signals]: [...d.classification.signals],
      [Sy.estimatedCostUsd]: d.estimatedCostUsd,
    };
    if (this.content) attributes[Sy.task] = this.content.clean(d.task);
    this.spans.set(
      ROOT,
      span(ROOT, undefined, `${Operation.invokeWorkflow} ${WORKFLOW_NAME}`, 'internal', e.at, attributes),
    );
  }

  private passStarted(e: PipelineEventOf<'stage-started'>): void {
    const s = e.snapshot;
    let key = `${s.stage}#${s.round}`;
    for (let n = 2; this.spans.has(key); n++) key = `${s.stage}#${s.round}.${n}`;
    this.openPass.set(s.stage, key);
    const attributes: Attrs = {
      [GenAi.operationName]: Operation.invokeAgent,
      [GenAi.agentName]: ROLE_LABELS[s.stage],
      [Sy.runId]: e.runId,
      [Sy.stage]: s.stage,
      // Role and stage are one name in Switchyard (the scorecard says role); both, so either filter works.
      [Sy.role]: s.stage,
      [Sy.round]: s.round,
      ...this.taskAttrs(),
    };
    this.spans.set(
      key,
      span(key, ROOT, `${Operation.invokeAgent} ${ROLE_LABELS[s.stage]}`, 'internal', e.at, attributes),
    );
  }

  private passEnded(e: PipelineEventOf<'stage-finished' | 'stage-failed'>): void {
    const s = e.snapshot;
    const key = this.openPass.get(s.stage);
    const pass = key ? this.spans.get(key) : undefined;
    if (!pass || !key) return;
    this.openPass.delete(s.stage);
    pass.endMs = e.at;
    const last = this.calls.filter((c) => c.stage === s.stage && c.round === s.round && c.status === 'ok').at(-1);
    Object.assign(pass.attributes, {
      [GenAi.providerName]: last ? genAiProviderName(last.provider, last.serverAddress) : 'unknown',
      ...(last ? { [GenAi.requestModel]: last.requestModel } : {}),
      [GenAi.usageInputTokens]: s.tokensIn,
      [GenAi.usageOutputTokens]: s.tokensOut,
      [Sy.model]: s.modelId,
      [Sy.vendor]: s.vendor,
      [Sy.state]: s.state,
      [Sy.costUsd]: s.costUsd,
      [Sy.fallbackTaken]: pass.attributes[Sy.fallbackTaken] === true,
    });
    if (e.type === 'stage-failed' && s.state === 'failed') {
      pass.attributes[General.errorType] = e.error.kind;
      pass.status = { code: 'error', message: e.error.kind };
      if (this.content) pass.attributes[Sy.errorMessage] = this.content.clean(e.error.message);
    }
  }

  private call(e: PipelineEventOf<'model-call-finished'>): void {
    this.calls.push(e);
    const parent = this.openPass.get(e.stage) ?? ROOT;
    const n = (this.calledInPass.get(parent) ?? 0) + 1;
    this.calledInPass.set(parent, n);
    const key = `${parent}/call${n}`;
    const attributes: Attrs = {
      [GenAi.operationName]: Operation.chat,
      [GenAi.providerName]: genAiProviderName(e.provider, e.serverAddress),
      [GenAi.requestModel]: e.requestModel,
      [GenAi.requestMaxTokens]: e.maxOutputTokens,
      [GenAi.requestStream]: true,
      [Sy.runId]: e.runId,
      [Sy.stage]: e.stage,
      [Sy.role]: e.stage,
      [Sy.round]: e.round,
      [Sy.model]: e.modelId,
      [Sy.vendor]: e.vendor,
      [Sy.attempts]: e.attempts,
      [Sy.costUsd]: e.costUsd,
      ...optional(GenAi.responseModel, e.responseModel),
      ...optional(GenAi.responseId, e.responseId),
      ...optional(General.serverAddress, e.serverAddress),
      ...optional(General.serverPort, e.serverPort),
      ...optional(GenAi.responseTimeToFirstChunk, e.timeToFirstChunkMs && e.timeToFirstChunkMs / 1000),
    };
    if (e.status === 'ok') {
      Object.assign(attributes, {
        [GenAi.usageInputTokens]: e.inputTokens,
        [GenAi.usageOutputTokens]: e.outputTokens,
        [GenAi.responseFinishReasons]: [finishReason(e.stopReason ?? 'stop')],
        [Sy.usageEstimated]: e.usageEstimated,
        ...optional(GenAi.usageCacheReadInputTokens, e.cachedInputTokens),
      });
    } else {
      attributes[General.errorType] = e.error?.kind ?? e.status;
    }
    if (this.content) Object.assign(attributes, this.content.take(e));
    const s = span(key, parent, `${Operation.chat} ${e.requestModel}`, 'client', e.startedAt, attributes);
    s.endMs = e.startedAt + e.durationMs;
    if (e.status === 'failed') s.status = { code: 'error', message: e.error?.kind ?? 'failed' };
    this.spans.set(key, s);
  }

  private fallback(e: PipelineEventOf<'fallback-taken'>): void {
    this.anyFallback = true;
    if (e.discardPartial) this.content?.discard(e.stage);
    const key = this.openPass.get(e.stage);
    const pass = key ? this.spans.get(key) : undefined;
    if (pass) pass.attributes[Sy.fallbackTaken] = true;
    (pass ?? this.spans.get(ROOT))?.events.push({
      name: 'switchyard.fallback',
      atMs: e.at,
      attributes: {
        'switchyard.fallback.from': e.fromModelId,
        'switchyard.fallback.to': e.toModelId,
        [General.errorType]: e.error.kind,
      },
    });
  }

  private review(e: PipelineEventOf<'review-ready'>): void {
    const pass = [...this.spans.values()]
      .filter((s) => s.attributes[GenAi.operationName] === Operation.invokeAgent)
      .filter((s) => s.attributes[Sy.stage] === e.stage && s.attributes[Sy.round] === e.round)
      .at(-1);
    if (!pass) return;
    const f = e.review.findings;
    pass.attributes[Sy.verdict] = e.review.verdict;
    pass.attributes[Sy.findings] = f.length;
    pass.attributes[Sy.findingsSerious] = f.filter((x) => x.severity === 'critical' || x.severity === 'major').length;
  }

  /** Run-level moments (gates, escalation, verification, apply) become events on the root span. */
  private runEvent(e: PipelineEvent): void {
    const root = this.spans.get(ROOT);
    if (!root) return;
    const add = (name: string, attributes: Attrs = {}): void => {
      root.events.push({ name, atMs: e.at, attributes });
    };
    switch (e.type) {
      case 'stage-skipped':
        return add('switchyard.stage.skipped', { [Sy.stage]: e.stage });
      case 'verified':
        return add('switchyard.verified', {
          'switchyard.verify.status': e.status,
          ...optional(Sy.verifyPassed, e.passed),
        });
      case 'escalated':
        root.attributes[Sy.escalated] = true;
        return add('switchyard.escalated', { 'switchyard.escalated.to': e.to });
      case 'gate-waiting':
        return add('switchyard.gate.waiting');
      case 'gate-resolved':
        return add('switchyard.gate.resolved', {
          [Sy.gateApproved]: e.approved,
          'switchyard.gate.sent_back': e.sentBack === true,
        });
      case 'applied':
        return add('switchyard.applied', {
          [Sy.filesChanged]: e.files.length,
          ...(this.content ? { [Sy.files]: e.files.map((f) => this.content!.clean(f)) } : {}),
        });
      case 'rejected':
        return add('switchyard.rejected', this.content ? { [Sy.reason]: this.content.clean(e.reason) } : {});
      case 'cancelled':
        return add('switchyard.cancelled', optional(Sy.stage, e.stage));
    }
  }

  private finish(e: PipelineEventOf<'run-finished'>): RunTrace | undefined {
    const root = this.spans.get(ROOT);
    const record = this.recorder.record();
    if (!root || !record) return undefined;
    root.endMs = e.at;
    Object.assign(root.attributes, {
      [Sy.outcome]: e.outcome,
      [Sy.applied]: e.outcome === 'applied',
      [Sy.verdict]: record.finalVerdict,
      [Sy.fallbackTaken]: this.anyFallback,
      [Sy.costUsd]: e.totals.costUsd,
      [Sy.reviewRounds]: record.reviews.filter((r) => r.stage === 'critic').length,
      [Sy.filesChanged]: e.outcome === 'applied' ? record.filesChanged.length : 0,
      [GenAi.usageInputTokens]: e.totals.tokensIn,
      [GenAi.usageOutputTokens]: e.totals.tokensOut,
    });
    if (e.outcome === 'failed') {
      root.attributes[General.errorType] = e.error?.kind ?? 'failed';
      root.status = { code: 'error', message: e.error?.kind ?? 'failed' };
      if (this.content && e.error) root.attributes[Sy.errorMessage] = this.content.clean(e.error.message);
    }
    // A pass the run ended inside (cancelled mid-call) ends with the run.
    for (const s of this.spans.values()) if (s.endMs < s.startMs) s.endMs = e.at;
    return { runId: e.runId, spans: [...this.spans.values()], metrics: metricsForRun(record, this.calls) };
  }

  private taskAttrs(): Attrs {
    const root = this.spans.get(ROOT)?.attributes ?? {};
    return { [Sy.kind]: root[Sy.kind] ?? 'unknown', [Sy.risk]: root[Sy.risk] ?? 'unknown' };
  }
}

function span(
  key: string,
  parentKey: string | undefined,
  name: string,
  kind: TraceSpan['kind'],
  at: number,
  attributes: Attrs,
): TraceSpan {
  // endMs below startMs marks a span still open.
  return { key, parentKey, name, kind, startMs: at, endMs: -1, attributes, status: { code: 'unset' }, events: [] };
}

function optional(key: string, value: string | number | boolean | undefined): Attrs {
  return value === undefined ? {} : { [key]: value };
}
