// Small helpers for provider tests: ModelSpecs pointed at a loopback server, and draining a stream.
import type { ModelSpec } from '../../src/core/config/policySchema';
import type { StreamEvent } from '../../src/core/providers/types';
import type { LoopbackServer } from './loopbackServer';

export const OPENAI_TEST_KEY = 'sk-test-openai-0123456789abcdefXYZ';
export const ANTHROPIC_TEST_KEY = 'sk-ant-test-0123456789abcdefXYZ';

export function openaiSpec(server: LoopbackServer, over: Partial<ModelSpec> = {}): ModelSpec {
  return {
    id: 'gpt',
    provider: 'openai',
    model: 'gpt-5-mini',
    vendor: 'openai',
    baseUrl: server.openaiBaseUrl,
    capabilities: ['tools'],
    tier: 'standard',
    ...over,
  };
}

export function anthropicSpec(server: LoopbackServer, over: Partial<ModelSpec> = {}): ModelSpec {
  return {
    id: 'sonnet',
    provider: 'anthropic',
    model: 'claude-sonnet-4-6',
    vendor: 'anthropic',
    baseUrl: server.anthropicBaseUrl,
    capabilities: ['tools'],
    tier: 'standard',
    ...over,
  };
}

/** Drains a stream; returns the events and the error that ended it, if any. */
export async function drain<T extends StreamEvent>(
  stream: AsyncIterable<T>,
): Promise<{ events: T[]; text: string; error?: unknown }> {
  const events: T[] = [];
  try {
    for await (const e of stream) events.push(e);
  } catch (error) {
    return { events, text: textOf(events), error };
  }
  return { events, text: textOf(events) };
}

/** A `done` event without the served model and reply id, for tests about the stop reason alone. */
export function stopOf(e: StreamEvent | undefined): StreamEvent | undefined {
  return e?.type === 'done' ? { type: 'done', stopReason: e.stopReason } : e;
}

export function textOf(events: StreamEvent[]): string {
  return events.map((e) => (e.type === 'text' ? e.text : '')).join('');
}

/** Polls until cond() holds; fails the test with `what` after `ms`. For "the server has seen it" waits. */
export async function until(cond: () => boolean, what: string, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
