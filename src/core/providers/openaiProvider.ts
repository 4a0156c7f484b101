// The provider for OpenAI and every OpenAI-compatible server (Ollama, LM Studio, vLLM, OpenRouter,
// LiteLLM): the official openai SDK, Chat Completions streaming with usage, tool calls assembled
// from their deltas. The SDK never retries (maxRetries 0) and its timeout is far away: the retry
// layer in resilientStream.ts owns retries and the clock.
import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import type {
  ChatCompletionChunk,
  ChatCompletionCreateParamsStreaming,
  ChatCompletionMessageParam,
} from 'openai/resources/chat/completions';
import { toProviderError, type Failure, type FailureContext } from './providerErrors';
import { displayUrl } from './scrub';
import { assertUsableKey, SDK_TIMEOUT_MS, sdkFailureOf } from './sdkShared';
import { normaliseStopReason } from './stopReason';
import { type ChatRequest, type Provider, type StreamEvent } from './types';

export const OPENAI_DEFAULT_BASE_URL = 'https://api.openai.com/v1';

export interface OpenAIProviderConfig {
  modelId: string;
  vendor: string;
  /** Model name on the wire. */
  model: string;
  /** 'openai' sends max_completion_tokens; compatible servers get the older max_tokens most of them understand. */
  flavour: 'openai' | 'openai-compatible';
  baseUrl?: string;
  apiKey?: string;
  keyHint?: string;
  maxOutputTokens?: number;
  fetch?: typeof fetch;
}

export function createOpenAIProvider(cfg: OpenAIProviderConfig): Provider {
  const baseUrl = (cfg.baseUrl ?? OPENAI_DEFAULT_BASE_URL).replace(/\/+$/, '');
  const ctx: FailureContext = {
    modelId: cfg.modelId,
    model: cfg.model,
    providerLabel:
      cfg.flavour === 'openai' && !cfg.baseUrl ? 'OpenAI' : `the OpenAI-compatible server at ${displayUrl(baseUrl)}`,
    baseUrl: displayUrl(baseUrl),
    apiKey: cfg.apiKey?.trim(),
    keyHint: cfg.keyHint,
  };
  let client: OpenAI | undefined;
  const getClient = () =>
    (client ??= new OpenAI({
      // Local servers take any key; sending a placeholder keeps the SDK from reading OPENAI_API_KEY itself.
      apiKey: cfg.apiKey?.trim() || 'switchyard-no-key',
      baseURL: baseUrl,
      // Explicit nulls: left undefined, the SDK reads OPENAI_ORG_ID / OPENAI_PROJECT_ID from the environment
      // and sends them as headers to whatever base URL this model has (a third-party gateway included), and
      // holds OPENAI_ADMIN_KEY (used only on admin endpoints today). Only what the policy and key source say goes out.
      adminAPIKey: null,
      organization: null,
      project: null,
      maxRetries: 0,
      timeout: SDK_TIMEOUT_MS,
      // Explicit, so OPENAI_LOG=debug in the environment cannot dump prompts (the user's code) to a console.
      logLevel: 'warn',
      ...(cfg.fetch ? { fetch: cfg.fetch } : {}),
    }));
  // Some OpenAI-compatible servers reject stream_options; learned once per provider, then left out.
  const state = { sendStreamOptions: true };

  return {
    modelId: cfg.modelId,
    vendor: cfg.vendor,
    stream: (request) => streamChat(getClient, cfg, ctx, request, state),
  };
}

/** OpenAI's reasoning models accept only the default temperature and reject any other value. */
export function isOpenAIReasoningModel(model: string): boolean {
  return /^(o\d|gpt-5)/i.test(model.slice(model.lastIndexOf('/') + 1));
}

function buildParams(
  cfg: OpenAIProviderConfig,
  req: ChatRequest,
  streamOptions: boolean,
): ChatCompletionCreateParamsStreaming {
  const maxTokens = req.maxOutputTokens ?? cfg.maxOutputTokens;
  const params: ChatCompletionCreateParamsStreaming = {
    model: cfg.model,
    stream: true,
    ...(streamOptions ? { stream_options: { include_usage: true } } : {}),
    messages: [
      ...(req.system ? [{ role: 'system' as const, content: req.system }] : []),
      ...wireMessages(req.messages),
    ],
  };
  if (maxTokens !== undefined) {
    if (cfg.flavour === 'openai') params.max_completion_tokens = maxTokens;
    else params.max_tokens = maxTokens;
  }
  if (req.temperature !== undefined && !(cfg.flavour === 'openai' && isOpenAIReasoningModel(cfg.model))) {
    params.temperature = req.temperature;
  }
  if (req.tools?.length) {
    params.tools = req.tools.map((t) => ({
      type: 'function' as const,
      function: { name: t.name, description: t.description, parameters: t.parameters },
    }));
    if (req.toolChoice) {
      params.tool_choice =
        req.toolChoice === 'auto' || req.toolChoice === 'none'
          ? req.toolChoice
          : { type: 'function', function: { name: req.toolChoice.name } };
    }
  }
  return params;
}

/** Tool results become `tool` messages right after the assistant turn that called them; calls ride on that turn. */
export function wireMessages(messages: ChatRequest['messages']): ChatCompletionMessageParam[] {
  const out: ChatCompletionMessageParam[] = [];
  for (const m of messages) {
    for (const r of m.toolResults ?? []) out.push({ role: 'tool', tool_call_id: r.callId, content: r.content });
    if (m.role === 'assistant' && m.toolCalls?.length) {
      out.push({
        role: 'assistant',
        content: m.content || null,
        tool_calls: m.toolCalls.map((c) => ({
          id: c.id,
          type: 'function' as const,
          function: { name: c.name, arguments: c.argumentsJson },
        })),
      });
    } else if (m.content || !m.toolResults?.length) out.push({ role: m.role, content: m.content });
  }
  return out;
}

async function* streamChat(
  getClient: () => OpenAI,
  cfg: OpenAIProviderConfig,
  ctx: FailureContext,
  req: ChatRequest,
  state: { sendStreamOptions: boolean },
): AsyncGenerator<StreamEvent> {
  const signal = req.signal;
  assertUsableKey(cfg, 'OpenAI', cfg.flavour === 'openai');
  if (signal?.aborted) throw toProviderError({ type: 'aborted' }, ctx);

  const calls = new Map<number, { id: string; name: string; args: string }>();
  let finish: string | null = null;
  let refused = false;
  let usage: StreamEvent | undefined;
  const served: { responseModel?: string; responseId?: string } = {};
  try {
    let stream;
    try {
      stream = await getClient().chat.completions.create(buildParams(cfg, req, state.sendStreamOptions), { signal });
    } catch (err) {
      if (!(state.sendStreamOptions && cfg.flavour === 'openai-compatible' && rejectsStreamOptions(err))) throw err;
      state.sendStreamOptions = false;
      stream = await getClient().chat.completions.create(buildParams(cfg, req, false), { signal });
    }
    for await (const chunk of stream as AsyncIterable<ChatCompletionChunk>) {
      req.onActivity?.();
      if (chunk.model) served.responseModel = chunk.model;
      if (chunk.id) served.responseId = chunk.id;
      if (chunk.usage) {
        const cached = chunk.usage.prompt_tokens_details?.cached_tokens;
        usage = {
          type: 'usage',
          inputTokens: chunk.usage.prompt_tokens ?? 0,
          outputTokens: chunk.usage.completion_tokens ?? 0,
          ...(cached ? { cachedInputTokens: cached } : {}),
        };
      }
      const choice = chunk.choices?.[0];
      if (!choice) continue;
      const delta = choice.delta;
      if (delta?.content) yield { type: 'text', text: delta.content };
      // A refusal is the model's answer; show it rather than an empty reply.
      if (delta?.refusal) {
        refused = true;
        yield { type: 'text', text: delta.refusal };
      }
      for (const tc of delta?.tool_calls ?? []) {
        const index = toolIndex(calls, tc);
        const slot = calls.get(index) ?? { id: '', name: '', args: '' };
        if (tc.id) slot.id = tc.id;
        // The name arrives whole; some compatible servers repeat it on every delta, so never append.
        if (tc.function?.name && !slot.name) slot.name = tc.function.name;
        if (tc.function?.arguments) slot.args += tc.function.arguments;
        calls.set(index, slot);
      }
      if (choice.finish_reason) finish = choice.finish_reason;
    }
  } catch (err) {
    throw toProviderError(signal?.aborted ? { type: 'aborted' } : failureOf(err), ctx);
  }
  // The SDK ends the iteration quietly when aborted; the caller must still learn it was cancelled.
  if (signal?.aborted) throw toProviderError({ type: 'aborted' }, ctx);
  // No finish reason means the stream stopped early, unless the final usage chunk (sent after the
  // finish) still arrived: a few compatible servers leave finish_reason out.
  if (finish === null && !usage) {
    throw toProviderError({ type: 'cut', message: 'the stream ended without a finish reason' }, ctx);
  }
  for (const [index, c] of [...calls.entries()].sort((a, b) => a[0] - b[0])) {
    yield { type: 'tool-call', id: c.id || `call_${index}`, name: c.name, argumentsJson: c.args || '{}' };
  }
  if (usage) yield usage;
  // Some compatible servers (older Ollama) finish tool calls with "stop"; the calls are what matter.
  const stopReason =
    refused && finish === 'stop'
      ? 'refused'
      : calls.size > 0 && finish === 'stop'
        ? 'tool-calls'
        : normaliseStopReason(finish);
  yield { type: 'done', stopReason, ...served };
}

/**
 * Which call a tool-call delta belongs to. OpenAI always sends `index`; some compatible servers
 * leave it out, so fall back to the call's id, and to the latest call for id-less continuations.
 */
function toolIndex(calls: Map<number, { id: string }>, tc: { index?: number; id?: string }): number {
  if (typeof tc.index === 'number') return tc.index;
  if (tc.id) {
    for (const [i, c] of calls) if (c.id === tc.id) return i;
    return calls.size === 0 ? 0 : Math.max(...calls.keys()) + 1;
  }
  return calls.size === 0 ? 0 : Math.max(...calls.keys());
}

function rejectsStreamOptions(err: unknown): boolean {
  return (
    err instanceof APIError &&
    (err.status === 400 || err.status === 422) &&
    /stream_options|include_usage/i.test(err.message)
  );
}

function failureOf(err: unknown): Failure {
  return sdkFailureOf(err, { APIUserAbortError, APIConnectionTimeoutError, APIConnectionError, APIError });
}
