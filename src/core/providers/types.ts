// The one streaming interface every provider implements, and the error every provider throws.
// Vendor-neutral and vscode-free: the pipeline, the CLI and the extension all speak only this.

/** A tool call as the model made it (arguments as one JSON string). */
export interface ToolCall {
  id: string;
  name: string;
  argumentsJson: string;
}

/** The result of one tool call, sent back to the model in the next user turn. */
export interface ToolResultPart {
  callId: string;
  name: string;
  content: string;
  isError?: boolean;
}

/**
 * A message in a role's own history, vendor-neutral. Native tool calling adds two parts: an
 * assistant turn may carry the tool calls the model made (after its text), and the user turn that
 * follows carries their results (sent before its text). Each provider maps them to its wire shape.
 */
export interface ChatMessage {
  role: 'user' | 'assistant';
  content: string;
  toolCalls?: ToolCall[];
  toolResults?: ToolResultPart[];
}

/** A message as plain text (tool calls and results written out), for logs and "what this role saw". */
export function messageText(m: ChatMessage): string {
  const parts: string[] = [];
  for (const r of m.toolResults ?? [])
    parts.push(`[result of ${r.name} ${r.callId}${r.isError ? ' (error)' : ''}]\n${r.content}`);
  if (m.content) parts.push(m.content);
  for (const c of m.toolCalls ?? []) parts.push(`[tool call ${c.id}] ${c.name} ${c.argumentsJson}`);
  return parts.join('\n\n');
}

/** A tool the model may call; `parameters` is a JSON Schema object. */
export interface ToolSpec {
  name: string;
  description: string;
  parameters: Record<string, unknown>;
}

export interface ChatRequest {
  system: string;
  messages: ChatMessage[];
  maxOutputTokens?: number;
  temperature?: number;
  tools?: ToolSpec[];
  /** 'auto' lets the model choose; 'none' keeps the tools declared but asks for text; a name forces that tool. */
  toolChoice?: 'auto' | 'none' | { name: string };
  /** Cancels the call; a cancelled call throws ProviderError kind 'cancelled'. */
  signal?: AbortSignal;
  /**
   * Providers call this on every wire event that shows the model is working, including ones the
   * caller never sees (reasoning/thinking deltas, block starts) but not keep-alive pings. The retry
   * layer sets it to keep its first-token and idle timeouts from firing on a model that is thinking.
   */
  onActivity?: () => void;
}

export type StreamEvent =
  | { type: 'text'; text: string }
  | { type: 'tool-call'; id: string; name: string; argumentsJson: string }
  | {
      type: 'usage';
      /** All input tokens, cached ones included (costs use the full input price: a safe overestimate). */
      inputTokens: number;
      outputTokens: number;
      /** Of inputTokens, how many were read from the vendor's prompt cache, when the vendor says. */
      cachedInputTokens?: number;
    }
  /**
   * The model finished. stopReason is normalised: 'stop' (natural end), 'tool-calls', 'max-tokens',
   * 'refused' (content filter / refusal); anything else is passed through as the vendor wrote it.
   * responseModel / responseId: what the server said answered (often a dated snapshot of the
   * requested name) and its id for the reply, when the wire carries them (telemetry reports both).
   */
  | { type: 'done'; stopReason: string; responseModel?: string; responseId?: string };

/** One configured model, ready to call. Built by a provider factory from a ModelSpec and a key. */
export interface Provider {
  /** The policy's model id (for example "claude-sonnet"). */
  readonly modelId: string;
  /** Who trains the model (openai, anthropic, google, meta, …): the cross-vendor rule compares this. */
  readonly vendor: string;
  stream(request: ChatRequest): AsyncIterable<StreamEvent>;
}

export type ProviderErrorKind =
  | 'auth' // 401/403: bad or missing key
  | 'bad-request' // 400/404/422: our request is wrong; retrying will not help
  | 'rate-limit' // 429 that may clear
  | 'spend-cap' // 429 that signals quota/billing exhaustion: no retry
  | 'overloaded' // 529 or 503
  | 'server' // other 5xx, 408, 409
  | 'network' // connection refused/reset, stream cut mid-way
  | 'timeout' // our first-token or idle timeout fired
  | 'stream-error' // an error event inside a 200 stream
  | 'invalid-output' // structured reply failed validation after the retry
  | 'budget' // the call would exceed a budget; never sent
  | 'cancelled'; // the caller aborted

export interface ProviderErrorExtra {
  partial?: boolean;
  attempts?: number;
  usage?: { inputTokens: number; outputTokens: number };
  noRetry?: boolean;
}

/** Errors carry the model and a message fit for a user; they never contain a key. */
export class ProviderError extends Error {
  /** True when the failed attempt had already streamed output: the caller must drop what it received. */
  readonly partial: boolean;
  /** Attempts made on this model before giving up (set by the retry layer). */
  readonly attempts?: number;
  /** Tokens spent before the failure, when known (e.g. both rejected structured replies): they still cost. */
  readonly usage?: { inputTokens: number; outputTokens: number };
  /** The server said not to retry (`x-should-retry: false`), whatever the status suggests. */
  readonly noRetry: boolean;

  constructor(
    readonly kind: ProviderErrorKind,
    message: string,
    readonly modelId: string,
    readonly status?: number,
    readonly retryAfterMs?: number,
    extra: ProviderErrorExtra = {},
  ) {
    super(message);
    this.name = 'ProviderError';
    this.partial = extra.partial ?? false;
    this.attempts = extra.attempts;
    this.usage = extra.usage;
    this.noRetry = extra.noRetry ?? false;
  }

  get retryable(): boolean {
    if (this.noRetry) return false;
    return ['rate-limit', 'overloaded', 'server', 'network', 'timeout', 'stream-error'].includes(this.kind);
  }

  /** For records and logs: JSON.stringify(err) keeps the message (Error's own is not enumerable). */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      kind: this.kind,
      message: this.message,
      modelId: this.modelId,
      status: this.status,
      retryAfterMs: this.retryAfterMs,
      ...this.extra,
    };
  }

  /** The optional facts, for building a variant of this error (e.g. with a longer message). */
  get extra(): ProviderErrorExtra {
    return { partial: this.partial, attempts: this.attempts, usage: this.usage, noRetry: this.noRetry };
  }
}
