// One pass of one stage (a stage in a given review round): sends the role's session to the first
// model of its chain that the budget admits, streams the reply as events, falls back along the
// chain on outages (saying so), and keeps the UI snapshot — model, tokens, cost, time — current.
// Several calls may belong to one pass (a JSON retry, an edit that failed to resolve); they add up.
import { isAgentProvider, type ModelSpec, type Stage } from '../config/policySchema';
import { shouldFallBack } from '../providers/fallbackRule';
import { type ChatRequest, messageText, type Provider, ProviderError } from '../providers/types';
import { ROLE_LABELS, type RejectedAlternative } from '../routing/decisionSchema';
import { approxTokens } from '../sessions/approxTokens';
import { costOf } from '../routing/estimate';
import { noModelLeftMessage, screenCandidates } from '../residency/residencyRules';
import type { RoleSession } from '../sessions/roleSession';
import type { ContextBoundaryLog } from '../sessions/contextBoundary';
import { streamReply, type StreamedReply } from './streamReply';
import { STAGE_OUTPUT_TOKENS, usesNativeTools, type CallResult } from './callResult';
import { toolFields, type CallTool, type ExploreTools } from './toolFields';
import type { PipelineEventOf, StageSnapshot } from './events';
import { HandOver, RunCancelled, StageFailure, type EventInput, type RunContext } from './runContext';

export class StageRun {
  readonly snapshot: StageSnapshot;
  private candidates: ModelSpec[];
  private readonly startedAt: number;
  private started = false;

  constructor(
    private readonly ctx: RunContext,
    readonly stage: Stage,
    readonly round: number,
    candidates: readonly ModelSpec[],
    why: string,
    rejected: readonly RejectedAlternative[],
  ) {
    if (candidates.length === 0)
      throw new StageFailure({ kind: 'no-model', message: `No model is available for the ${stage}: ${why}` });
    this.candidates = [...candidates];
    this.startedAt = ctx.now();
    const first = candidates[0]!;
    this.snapshot = {
      stage,
      role: ROLE_LABELS[stage],
      round,
      modelId: first.id,
      vendor: first.vendor,
      state: 'pending',
      tokensIn: 0,
      tokensOut: 0,
      costUsd: 0,
      elapsedMs: 0,
      why,
      rejected: [...rejected],
    };
  }

  /** Emits a run event (the tool loop reports its calls through the stage that makes them). */
  emit(event: EventInput): void {
    this.ctx.emit(event);
  }

  /** Files a tool is about to hand the role: the next call is screened against them (residency). */
  async noteRead(paths: readonly string[]): Promise<void> {
    if (paths.length) await this.ctx.noteRead?.(paths);
  }

  /** The model currently owning the stage (changes after a fallback). */
  get model(): ModelSpec {
    return this.candidates[0]!;
  }

  private snap(): StageSnapshot {
    return { ...this.snapshot, elapsedMs: this.ctx.now() - this.startedAt, rejected: [...this.snapshot.rejected] };
  }

  private fallBack(from: ModelSpec, kind: string, message: string, discardPartial: boolean): void {
    const to = this.candidates[1]!;
    this.snapshot.rejected.push({
      modelId: from.id,
      vendor: from.vendor,
      code: kind === 'budget' ? 'budget' : 'outage',
      reason: message,
    });
    this.ctx.emit({
      type: 'fallback-taken',
      stage: this.stage,
      fromModelId: from.id,
      toModelId: to.id,
      toVendor: to.vendor,
      error: { kind, message, modelId: from.id },
      discardPartial,
    });
    this.candidates.shift();
    this.snapshot.modelId = to.id;
    this.snapshot.vendor = to.vendor;
    this.snapshot.why = `fallback: ${from.id} failed (${kind}), so ${to.id} (${to.vendor}) took over`;
  }

  /**
   * Drops the models the data-residency rules forbid for what this run has read so far, before
   * anything is sent: rejected with the rule named; a model already working hands over as a fallback
   * does; with none left the stage fails naming the rule, and nothing is sent.
   */
  private screenResidency(): void {
    const files = [...(this.ctx.touchedFiles ?? [])];
    const { allowed, excluded } = screenCandidates(this.ctx.policy, this.stage, this.candidates, files);
    if (excluded.length === 0) return;
    const head = this.candidates[0]!;
    for (const { spec, violation } of excluded) {
      this.snapshot.rejected.push({
        modelId: spec.id,
        vendor: spec.vendor,
        code: 'residency',
        reason: violation.reason,
        rule: violation.rule,
      });
    }
    const to = allowed[0];
    if (!to) {
      const all = excluded.map((x) => ({ modelId: x.spec.id, reason: x.violation.reason }));
      const named = excluded.flatMap((x) => x.violation.files);
      throw new StageFailure({
        kind: 'residency',
        message: noModelLeftMessage(ROLE_LABELS[this.stage].toLowerCase(), this.stage, all, named),
        modelId: head.id,
      });
    }
    if (to !== head) {
      const reason = excluded.find((x) => x.spec === head)!.violation.reason;
      if (this.started) {
        this.ctx.emit({
          type: 'fallback-taken',
          stage: this.stage,
          fromModelId: head.id,
          toModelId: to.id,
          toVendor: to.vendor,
          error: { kind: 'residency', message: reason, modelId: head.id },
          discardPartial: false,
        });
      }
      this.snapshot.modelId = to.id;
      this.snapshot.vendor = to.vendor;
      this.snapshot.why = `data residency: ${head.id} may not see this work (${reason}), so ${to.id} (${to.vendor}) owns the ${this.stage}`;
    }
    this.candidates = allowed;
  }

  /** Starts the stage (before its first call, or for a coding agent, which makes none): screens the chain
   * against the residency rules for what the run has read and returns the model that owns the stage now. */
  begin(): ModelSpec {
    if (!this.started) {
      this.screenResidency();
      this.started = true;
      this.snapshot.state = 'running';
      this.ctx.emit({ type: 'stage-started', snapshot: this.snap() });
    }
    return this.candidates[0]!;
  }

  /**
   * Work done outside `call` (a coding agent's pass) failed: the next model of the chain takes over,
   * said as any fallback is, and screened for residency like any. False when there is no next model.
   */
  handOver(from: ModelSpec, error: { kind: string; message: string }): boolean {
    if (this.candidates[0] !== from || this.candidates.length < 2) return false;
    this.fallBack(from, error.kind, error.message, false);
    this.screenResidency();
    return true;
  }

  /** Streams text as this stage's output (an agent's narration and steps). */
  output(text: string): void {
    this.ctx.emit({ type: 'stage-delta', stage: this.stage, round: this.round, text });
  }

  /** Logs what a role was sent outside `call` (a coding agent's brief), for "what this role saw". */
  recordSent(entry: Omit<Parameters<ContextBoundaryLog['record']>[0], 'stage' | 'round' | 'at'>): void {
    this.ctx.boundary.record({ ...entry, stage: this.stage, round: this.round, at: this.ctx.now() });
  }

  /** Accounts work done outside `call` (a coding agent's pass): its event, the budget, the stage's totals. */
  account(call: Omit<PipelineEventOf<'model-call-finished'>, 'runId' | 'at'>): void {
    this.ctx.emit(call);
    this.ctx.budget.record(this.stage, call.costUsd, call.outputTokens);
    this.snapshot.tokensIn += call.inputTokens;
    this.snapshot.tokensOut += call.outputTokens;
    this.snapshot.costUsd += call.costUsd;
  }

  /** Sends the session as it stands (the caller has added the user message) and returns the reply text. */
  async call(
    session: RoleSession,
    artifacts: readonly string[],
    answerTool?: CallTool,
    explore?: ExploreTools,
  ): Promise<CallResult> {
    const { ctx } = this;
    this.begin();
    for (;;) {
      if (ctx.signal.aborted) throw new RunCancelled();
      this.screenResidency();
      const spec = this.candidates[0]!;
      const inputTokens = session.approxInputTokens();
      const maxOutputTokens = this.admitted(spec, session, inputTokens);
      if (maxOutputTokens === undefined) continue; // fell back to the next model
      // A coding agent makes no chat call: whoever runs the stage (the implementer chain) starts it.
      if (isAgentProvider(spec.provider)) throw new HandOver(spec.id);
      const provider = await this.providerFor(spec);
      if (!provider) continue;
      // Forced tool calls only for models that declare tools; others answer in text (both are accepted).
      const native = usesNativeTools(spec);
      const request = session.request({
        signal: ctx.signal,
        maxOutputTokens,
        ...toolFields(native, answerTool, explore),
      });
      // A model without native tools (a fallback, say) reads earlier tool turns as text.
      if (!native) request.messages = request.messages.map((m) => ({ role: m.role, content: messageText(m) }));
      this.logSent(spec, artifacts, request);
      let reply: StreamedReply;
      try {
        reply = await streamReply(
          ctx,
          { stage: this.stage, round: this.round },
          { spec, provider, request, maxOutputTokens },
          { answerToolName: native ? answerTool?.tool.name : undefined, explore: native && !!explore },
        );
      } catch (e) {
        if (!(e instanceof ProviderError)) throw e;
        if (this.candidates.length > 1 && shouldFallBack(e)) {
          this.fallBack(spec, e.kind, e.message, e.partial);
          continue;
        }
        throw new StageFailure({ kind: e.kind, message: e.message, modelId: spec.id });
      }
      return this.settle(session, spec, inputTokens, maxOutputTokens, native, reply);
    }
  }

  /** The output tokens the budget admits for this call, or undefined when it fell back to the next model. */
  private admitted(spec: ModelSpec, session: RoleSession, inputTokens: number): number | undefined {
    const wanted = Math.min(spec.maxOutputTokens ?? STAGE_OUTPUT_TOKENS[this.stage], session.outputTokensLeft);
    const admission =
      wanted < 1
        ? { ok: false as const, message: `The ${this.stage} has used its whole output-token budget.` }
        : this.ctx.budget.admit(this.stage, spec, inputTokens, wanted);
    if (admission.ok) return admission.maxOutputTokens;
    if (this.candidates.length < 2)
      throw new StageFailure({ kind: 'budget', message: admission.message, modelId: spec.id });
    this.fallBack(spec, 'budget', admission.message, false);
    return undefined;
  }

  /** The model's provider, or undefined when it could not be set up and the next model took over. */
  private async providerFor(spec: ModelSpec): Promise<Provider | undefined> {
    try {
      return await this.ctx.providerFor(spec);
    } catch (e) {
      // A model that cannot even be built (no key for it, an unsupported provider here) is this model's failure.
      const err =
        e instanceof ProviderError
          ? e
          : new ProviderError('bad-request', `Model "${spec.id}" could not be set up: ${String(e)}`, spec.id);
      if (this.candidates.length < 2)
        throw new StageFailure({ kind: err.kind, message: err.message, modelId: spec.id });
      this.fallBack(spec, err.kind, err.message, false);
      return undefined;
    }
  }

  /** "What this role saw": the request as sent, in the boundary log and as an event. */
  private logSent(spec: ModelSpec, artifacts: readonly string[], request: ChatRequest): void {
    const { ctx } = this;
    const entry = ctx.boundary.record({
      stage: this.stage,
      round: this.round,
      modelId: spec.id,
      artifacts: [...artifacts],
      system: request.system,
      messages: request.messages,
      at: ctx.now(),
    });
    ctx.emit({
      type: 'context-sent',
      stage: this.stage,
      round: this.round,
      modelId: spec.id,
      artifacts: entry.artifacts,
      sent: {
        system: entry.system,
        messages: entry.messages.map((m) => ({ role: m.role, content: messageText(m) })),
      },
      chars: entry.system.length + entry.messages.reduce((n, m) => n + messageText(m).length, 0),
    });
  }

  /** Accounts a finished call (its event, the budget, the stage's totals) and keeps the reply in the session. */
  private settle(
    session: RoleSession,
    spec: ModelSpec,
    inputTokens: number,
    maxOutputTokens: number,
    native: boolean,
    reply: StreamedReply,
  ): CallResult {
    const { text, usage, stopReason, toolArguments, toolCalls } = reply;
    // A server that sends no usage still costs money: estimate it rather than record zero.
    const used = usage ?? { inputTokens, outputTokens: approxTokens(text) };
    const cost = costOf(spec, used, this.ctx.priceLookup);
    this.ctx.emit(
      reply.watch.event({
        status: 'ok',
        usage: used,
        usageEstimated: !usage,
        costUsd: cost,
        stopReason,
        toolArguments,
      }),
    );
    this.ctx.budget.record(this.stage, cost, used.outputTokens);
    session.recordOutputTokens(used.outputTokens);
    // An answer through the answer tool is kept as text (no result is owed for it); exploration
    // calls stay native, so the tool loop can send their results back in the next turn.
    if (toolArguments !== undefined) session.addAssistant(`${text}${text ? '\n' : ''}${toolArguments}`);
    else session.addAssistant(text, toolCalls);
    this.snapshot.tokensIn += used.inputTokens;
    this.snapshot.tokensOut += used.outputTokens;
    this.snapshot.costUsd += cost;
    return {
      text,
      spec,
      stopReason,
      maxOutputTokens,
      toolArguments,
      toolCalls: toolArguments !== undefined ? [] : toolCalls,
      nativeTools: native,
    };
  }

  finish(): StageSnapshot {
    this.snapshot.state = 'done';
    const s = this.snap();
    this.ctx.emit({ type: 'stage-finished', snapshot: s });
    return s;
  }

  fail(
    info: { kind: string; message: string; modelId?: string },
    state: 'failed' | 'cancelled' = 'failed',
  ): StageSnapshot {
    this.snapshot.state = state;
    const s = this.snap();
    // A cancelled stage is reported too, so a row never stays "running"; its state says why.
    this.ctx.emit({ type: 'stage-failed', snapshot: s, error: info });
    return s;
  }
}
