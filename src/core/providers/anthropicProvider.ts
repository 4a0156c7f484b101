// The provider for Anthropic's Messages API through the official @anthropic-ai/sdk: streaming text,
// tool use assembled from input_json_delta, usage from message_start and message_delta. The SDK
// never retries (maxRetries 0) and its timeout is far away: resilientStream.ts owns retries and
// the clock.
import Anthropic, {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
} from '@anthropic-ai/sdk';
import type { MessageCreateParamsStreaming, RawMessageStreamEvent } from '@anthropic-ai/sdk/resources/messages';
import { toProviderError, type Failure, type FailureContext } from './providerErrors';
import { displayUrl } from './scrub';
import { assertUsableKey, SDK_TIMEOUT_MS, sdkFailureOf } from './sdkShared';
import { normaliseStopReason } from './stopReason';
import { type ChatRequest, type Provider, type StreamEvent } from './types';

export const ANTHROPIC_DEFAULT_BASE_URL = 'https://api.anthropic.com';
/** Anthropic requires max_tokens; this is the default when neither the request nor the policy sets one. */
export const ANTHROPIC_DEFAULT_MAX_TOKENS = 8192;

export interface AnthropicProviderConfig {
  modelId: string;
  vendor: string;
  model: string;
  baseUrl?: string;
  apiKey?: string;
  keyHint?: string;
  maxOutputTokens?: number;
  fetch?: typeof fetch;
}

export function createAnthropicProvider(cfg: AnthropicProviderConfig): Provider {
  const baseUrl = (cfg.baseUrl ?? ANTHROPIC_DEFAULT_BASE_URL).replace(/\/+$/, '');
  const ctx: FailureContext = {
    modelId: cfg.modelId,
    model: cfg.model,
    providerLabel: cfg.baseUrl ? `the Anthropic-compatible server at ${displayUrl(baseUrl)}` : 'Anthropic',
    baseUrl: displayUrl(baseUrl),
    apiKey: cfg.apiKey?.trim(),
    keyHint: cfg.keyHint,
  };
  let client: Anthropic | undefined;
  const getClient = () =>
    (client ??= new Anthropic({
      // Always explicit, so the SDK never falls back to environment variables or profile files.
      apiKey: cfg.apiKey?.trim() || 'switchyard-no-key',
      baseURL: baseUrl,
      maxRetries: 0,
      timeout: SDK_TIMEOUT_MS,
      // Explicit, so ANTHROPIC_LOG=debug in the environment cannot dump prompts to a console.
      logLevel: 'warn',
      ...(cfg.fetch ? { fetch: cfg.fetch } : {}),
    }));

  return {
    modelId: cfg.modelId,
    vendor: cfg.vendor,
    stream: (request) => streamMessages(getClient, cfg, ctx, request),
  };
}

function buildParams(cfg: AnthropicProviderConfig, req: ChatRequest): MessageCreateParamsStreaming {
  const params: MessageCreateParamsStreaming = {
    model: cfg.model,
    stream: true,
    max_tokens: req.maxOutputTokens ?? cfg.maxOutputTokens ?? ANTHROPIC_DEFAULT_MAX_TOKENS,
    messages: normaliseMessages(req.messages),
  };
  if (req.system) params.system = req.system;
  // No temperature: this SDK line no longer types it for the Messages API, so it is not sent.
  if (req.tools?.length) {
    params.tools = req.tools.map((t) => ({
      name: t.name,
      description: t.description,
      input_schema: { type: 'object' as const, ...t.parameters },
    }));
    if (req.toolChoice) {
      params.tool_choice =
        req.toolChoice === 'auto' || req.toolChoice === 'none'
          ? { type: req.toolChoice }
          : { type: 'tool', name: req.toolChoice.name };
    }
  }
  return params;
}

type Block =
  | { type: 'text'; text: string }
  | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown> }
  | { type: 'tool_result'; tool_use_id: string; content: string; is_error?: boolean };
type WireTurn = { role: 'user' | 'assistant'; content: string | Block[] };

/**
 * The Messages API rejects empty text blocks and expects turns to alternate starting with the user;
 * role sessions can produce neither on purpose, but an empty model reply or two notes in a row can.
 * Tool calls become `tool_use` blocks on the assistant turn; their results `tool_result` blocks that
 * open the next user turn (the API wants them first). Turns without tool parts stay plain strings.
 */
export function normaliseMessages(messages: ChatRequest['messages']): WireTurn[] {
  const out: WireTurn[] = [];
  for (const m of messages) {
    const turn = toTurn(m);
    const last = out[out.length - 1];
    if (last && last.role === turn.role) {
      if (typeof last.content === 'string' && typeof turn.content === 'string') last.content += `\n\n${turn.content}`;
      else last.content = [...asBlocks(last.content), ...asBlocks(turn.content)];
    } else out.push(turn);
  }
  if (out[0]?.role === 'assistant') out.unshift({ role: 'user', content: '(continue)' });
  return out;
}

function toTurn(m: ChatRequest['messages'][number]): WireTurn {
  const text = m.content.trim() ? m.content : '';
  if (!m.toolCalls?.length && !m.toolResults?.length) return { role: m.role, content: text || '(empty)' };
  const blocks: Block[] = (m.toolResults ?? []).map((r) => ({
    type: 'tool_result',
    tool_use_id: r.callId,
    content: r.content || '(empty)',
    ...(r.isError ? { is_error: true } : {}),
  }));
  if (text) blocks.push({ type: 'text', text });
  for (const c of m.toolCalls ?? [])
    blocks.push({ type: 'tool_use', id: c.id, name: c.name, input: parseInput(c.argumentsJson) });
  return { role: m.role, content: blocks };
}

function asBlocks(content: string | Block[]): Block[] {
  return typeof content === 'string' ? [{ type: 'text', text: content }] : content;
}

function parseInput(json: string): Record<string, unknown> {
  try {
    const v = JSON.parse(json || '{}');
    return v && typeof v === 'object' && !Array.isArray(v) ? v : {};
  } catch {
    return {};
  }
}

async function* streamMessages(
  getClient: () => Anthropic,
  cfg: AnthropicProviderConfig,
  ctx: FailureContext,
  req: ChatRequest,
): AsyncGenerator<StreamEvent> {
  const signal = req.signal;
  assertUsableKey(cfg, 'Anthropic', true);
  if (signal?.aborted) throw toProviderError({ type: 'aborted' }, ctx);

  // Tool-use blocks by content index, filled from input_json_delta.
  const tools = new Map<number, { id: string; name: string; json: string }>();
  let inputTokens = 0;
  let cachedInputTokens = 0;
  let outputTokens = 0;
  let stopReason: string | null = null;
  let stopped = false;
  const pending: StreamEvent[] = [];
  const served: { responseModel?: string; responseId?: string } = {};
  try {
    const stream = await getClient().messages.create(buildParams(cfg, req), { signal });
    for await (const ev of stream as AsyncIterable<RawMessageStreamEvent>) {
      // The SDK drops pings, so every event here is the model working (thinking deltas included).
      req.onActivity?.();
      switch (ev.type) {
        case 'message_start': {
          if (ev.message.model) served.responseModel = ev.message.model;
          if (ev.message.id) served.responseId = ev.message.id;
          const u = ev.message.usage;
          cachedInputTokens = u.cache_read_input_tokens ?? 0;
          inputTokens = (u.input_tokens ?? 0) + (u.cache_creation_input_tokens ?? 0) + cachedInputTokens;
          outputTokens = u.output_tokens ?? 0;
          break;
        }
        case 'content_block_start':
          if (ev.content_block.type === 'tool_use') {
            tools.set(ev.index, { id: ev.content_block.id, name: ev.content_block.name, json: '' });
          } else if (ev.content_block.type === 'text' && ev.content_block.text) {
            yield { type: 'text', text: ev.content_block.text };
          }
          break;
        case 'content_block_delta':
          if (ev.delta.type === 'text_delta') {
            if (ev.delta.text) yield { type: 'text', text: ev.delta.text };
          } else if (ev.delta.type === 'input_json_delta') {
            const t = tools.get(ev.index);
            if (t) t.json += ev.delta.partial_json;
          }
          break;
        case 'content_block_stop': {
          const t = tools.get(ev.index);
          // Held back until message_stop: a tool call from a stream that later breaks must not escape.
          if (t) pending.push({ type: 'tool-call', id: t.id, name: t.name, argumentsJson: t.json || '{}' });
          break;
        }
        case 'message_delta': {
          if (ev.delta.stop_reason) stopReason = ev.delta.stop_reason;
          // message_delta usage is cumulative; newer API versions may restate input counts too.
          const u = ev.usage as { output_tokens?: number | null; input_tokens?: number | null };
          if (typeof u?.output_tokens === 'number') outputTokens = u.output_tokens;
          if (typeof u?.input_tokens === 'number' && u.input_tokens > inputTokens) inputTokens = u.input_tokens;
          break;
        }
        case 'message_stop':
          stopped = true;
          break;
      }
    }
  } catch (err) {
    throw toProviderError(signal?.aborted ? { type: 'aborted' } : failureOf(err), ctx);
  }
  if (signal?.aborted) throw toProviderError({ type: 'aborted' }, ctx);
  if (!stopped) throw toProviderError({ type: 'cut', message: 'the stream ended before message_stop' }, ctx);
  yield* pending;
  yield { type: 'usage', inputTokens, outputTokens, ...(cachedInputTokens ? { cachedInputTokens } : {}) };
  yield { type: 'done', stopReason: normaliseStopReason(stopReason), ...served };
}

function failureOf(err: unknown): Failure {
  return sdkFailureOf(err, { APIUserAbortError, APIConnectionTimeoutError, APIConnectionError, APIError });
}
