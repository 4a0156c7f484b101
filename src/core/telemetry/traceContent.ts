// What a model call was sent and answered, as the GenAI conventions' opt-in content attributes
// (gen_ai.system_instructions, gen_ai.input.messages, gen_ai.output.messages). Kept only when the
// person turned content capture on; even then every text is scrubbed of key-shaped strings and the
// run's known keys, and cut to a bound so one huge prompt cannot stall an exporter.
import type { PipelineEventOf } from '../stage/events';
import { scrubSecrets } from '../providers/scrub';
import { finishReason, GenAi } from './genAiConventions';
import type { Attrs } from './traceTypes';

/** Characters kept per content attribute (collectors commonly cap a span near 1–4 MB). */
export const CONTENT_LIMIT = 64_000;

type Sent = NonNullable<PipelineEventOf<'context-sent'>['sent']>;

export class ContentCapture {
  private readonly sent = new Map<string, Sent>();
  private readonly streamed = new Map<string, string>();

  /** `secrets` is read at each use: a host may learn a run's keys as its models are set up. */
  constructor(private readonly secrets: Iterable<string> = []) {}

  private static key(stage: string, round: number): string {
    return `${stage}#${round}`;
  }

  /** A call is about to be made with exactly this (context-sent). */
  sending(e: PipelineEventOf<'context-sent'>): void {
    const k = ContentCapture.key(e.stage, e.round);
    if (e.sent) this.sent.set(k, e.sent);
    this.streamed.set(k, '');
  }

  delta(e: PipelineEventOf<'stage-delta'>): void {
    const k = ContentCapture.key(e.stage, e.round);
    const cur = this.streamed.get(k) ?? '';
    if (cur.length < CONTENT_LIMIT) this.streamed.set(k, cur + e.text);
  }

  /** A fallback dropped a partial reply: what the failed model streamed is not the answer. */
  discard(stage: string): void {
    for (const k of this.streamed.keys()) if (k.startsWith(`${stage}#`)) this.streamed.set(k, '');
  }

  /** The content attributes for the call that just ended; the buffers are then emptied. */
  take(e: PipelineEventOf<'model-call-finished'>): Attrs {
    const k = ContentCapture.key(e.stage, e.round);
    const sent = this.sent.get(k);
    const text = this.streamed.get(k) ?? '';
    this.sent.delete(k);
    this.streamed.delete(k);
    const attrs: Attrs = {};
    if (sent) {
      attrs[GenAi.systemInstructions] = this.json([{ type: 'text', content: this.clean(sent.system) }]);
      attrs[GenAi.inputMessages] = this.json(
        sent.messages.map((m) => ({ role: m.role, parts: [{ type: 'text', content: this.clean(m.content) }] })),
      );
    }
    if (e.status === 'ok') {
      const parts: object[] = [];
      if (text) parts.push({ type: 'text', content: this.clean(text) });
      if (e.toolArguments !== undefined)
        parts.push({ type: 'tool_call', name: 'answer', arguments: this.clean(e.toolArguments) });
      attrs[GenAi.outputMessages] = this.json([
        { role: 'assistant', parts, finish_reason: finishReason(e.stopReason ?? 'stop') },
      ]);
    }
    return attrs;
  }

  /** Any other text the person asked to see (the task, a rejection reason), scrubbed and bounded. */
  clean(text: string): string {
    const scrubbed = scrubSecrets(text, ...this.secrets);
    return scrubbed.length > CONTENT_LIMIT ? `${scrubbed.slice(0, CONTENT_LIMIT)}… [cut]` : scrubbed;
  }

  private json(value: unknown): string {
    return JSON.stringify(value);
  }
}
