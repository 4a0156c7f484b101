// One model call's reply, streamed: text deltas become stage events as they arrive, usage and the stop
// reason are kept, and a tool call is kept as the answer (the answer tool) or as an exploration step.
// A failure is reported as this call's event and thrown as a ProviderError (or RunCancelled); whether
// the stage falls back along its chain is the caller's decision.
import type { ModelSpec, Stage } from '../config/policySchema';
import { resilientStream } from '../providers/resilientStream';
import { timeoutsFor } from '../providers/resilienceOptions';
import { type ChatRequest, type Provider, ProviderError, type ToolCall } from '../providers/types';
import { CallWatch } from './callWatch';
import { cpuSince, RunCancelled, type RunContext } from './runContext';

export interface StreamedReply {
  text: string;
  /** What the server reported; undefined when it sent no usage. */
  usage?: { inputTokens: number; outputTokens: number; cachedInputTokens?: number };
  stopReason: string;
  /** The answer tool's arguments, when the model answered through it. */
  toolArguments?: string;
  /** Exploration tool calls (native tools only). */
  toolCalls: ToolCall[];
  watch: CallWatch;
}

export interface ReplyShape {
  /** The answer tool's name, when the model is asked to answer through it. */
  answerToolName?: string;
  /** Whether exploration tool calls are collected (native tools and an explore kit). */
  explore: boolean;
}

export async function streamReply(
  ctx: RunContext,
  where: { stage: Stage; round: number },
  call: { spec: ModelSpec; provider: Provider; request: ChatRequest; maxOutputTokens: number },
  shape: ReplyShape,
): Promise<StreamedReply> {
  const { spec } = call;
  const watch = new CallWatch(spec, where.stage, where.round, call.maxOutputTokens, ctx.now());
  const reply: StreamedReply = { text: '', stopReason: 'stop', toolCalls: [], watch };
  const it = resilientStream(call.provider, call.request, {
    retry: ctx.policy.rules.retry,
    timeouts: timeoutsFor(ctx.policy.rules.timeouts, spec),
    ...ctx.resilience,
    onRetry: (info) => {
      watch.retried();
      ctx.resilience?.onRetry?.(info);
      ctx.onRetry?.({ ...info, ...where });
    },
  })[Symbol.asyncIterator]();
  // CPU is sampled once per call (getrusage is too slow to call per streamed event), so the small
  // per-event work below counts as provider time; wall time is measured per event exactly.
  const c0 = process.cpuUsage();
  try {
    for (;;) {
      const t0 = performance.now();
      let r: IteratorResult<Awaited<ReturnType<typeof it.next>>['value']>;
      try {
        r = await it.next();
      } finally {
        ctx.providerMs += performance.now() - t0;
      }
      if (r.done) break;
      const ev = r.value;
      if (ev.type === 'text' || ev.type === 'tool-call') watch.chunk();
      if (ev.type === 'text') {
        reply.text += ev.text;
        ctx.emit({ type: 'stage-delta', ...where, text: ev.text });
      } else if (ev.type === 'usage') {
        const { inputTokens, outputTokens, cachedInputTokens } = ev;
        reply.usage = { inputTokens, outputTokens, cachedInputTokens };
      } else if (ev.type === 'done') {
        reply.stopReason = ev.stopReason;
        watch.done(ev);
      } else if (ev.type === 'tool-call' && ev.name === shape.answerToolName) {
        reply.toolArguments ??= ev.argumentsJson;
      } else if (ev.type === 'tool-call' && shape.explore) {
        reply.toolCalls.push({ id: ev.id, name: ev.name, argumentsJson: ev.argumentsJson });
      }
    }
  } catch (e) {
    ctx.providerCpuMs += cpuSince(c0);
    const err =
      e instanceof ProviderError ? e : new ProviderError('server', `Model "${spec.id}" failed: ${String(e)}`, spec.id);
    const cancelled = err.kind === 'cancelled' || ctx.signal.aborted;
    const error = { kind: err.kind, message: err.message, modelId: spec.id };
    ctx.emit(watch.event({ status: cancelled ? 'cancelled' : 'failed', error }));
    if (cancelled) throw new RunCancelled();
    throw err;
  }
  ctx.providerCpuMs += cpuSince(c0);
  if (ctx.signal.aborted) throw new RunCancelled();
  return reply;
}
