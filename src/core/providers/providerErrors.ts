// Turns what went wrong on the wire (an HTTP status and body, a dropped connection, an error event
// inside a 200 stream, an abort) into a ProviderError whose kind drives retry and fallback and whose
// message names the model, the status and what to do next. Vendor-neutral: each provider file
// translates its own SDK's error classes into a Failure first. Every message is scrubbed of keys.
import { header, parseRetryAfter, parseRetryHint, type HeaderBag } from './retryAfter';
import { scrubSecrets } from './scrub';
import { ProviderError, type ProviderErrorKind } from './types';

export type Failure =
  | { type: 'http'; status: number; headers?: HeaderBag; body?: unknown; message?: string }
  | { type: 'stream-error'; body?: unknown; message?: string }
  | { type: 'connection'; message: string; timedOut?: boolean }
  /** The stream ended or broke before the model said it was finished. */
  | { type: 'cut'; message: string }
  | { type: 'aborted' }
  | { type: 'other'; message: string };

export interface FailureContext {
  /** Policy id, e.g. "sonnet". */
  modelId: string;
  /** Model name sent on the wire, e.g. "claude-sonnet-4-5". */
  model: string;
  /** "OpenAI", "Anthropic", "the OpenAI-compatible server". */
  providerLabel: string;
  baseUrl: string;
  /** Scrubbed from every message. */
  apiKey?: string;
  /** Where the user sets the key, e.g. "OPENAI_API_KEY or Switchyard: Set API Key". */
  keyHint?: string;
}

const SPEND_CAP =
  /insufficient_quota|exceeded your current quota|credit balance|billing|spend(?:ing)?[ _-]?(?:cap|limit)|usage limits?|out of credits|insufficient[ _](?:credits|funds|balance)|payment required/i;
const CONTEXT_TOO_LONG =
  /context[ _-]?length|context window|maximum context|prompt is too long|too many tokens|max_tokens.*exceed/i;
const MAX_SERVER_TEXT = 300;

/** Best-effort human text from a vendor error body (OpenAI `{error:{message}}`, Anthropic `{type,error:{type,message}}`). */
export function serverText(body: unknown, fallback?: string): string {
  const pick = (v: unknown): string | undefined => {
    if (typeof v === 'string') return v;
    if (!v || typeof v !== 'object') return undefined;
    const o = v as Record<string, unknown>;
    const nested = pick(o['error']);
    if (nested) return nested;
    const msg = typeof o['message'] === 'string' ? (o['message'] as string) : undefined;
    const type =
      typeof o['type'] === 'string' && o['type'] !== 'error'
        ? (o['type'] as string)
        : typeof o['code'] === 'string'
          ? (o['code'] as string)
          : undefined;
    if (msg && type) return `${type}: ${msg}`;
    return msg ?? type;
  };
  const text = (pick(body) ?? fallback ?? '').replace(/\s+/g, ' ').trim();
  return text.length > MAX_SERVER_TEXT ? `${text.slice(0, MAX_SERVER_TEXT)}…` : text;
}

export function isSpendCap(status: number, body: unknown, message?: string): boolean {
  if (status === 402) return true;
  if (status !== 429 && status !== 400 && status !== 403) return false;
  let text = message ?? '';
  try {
    text += ' ' + JSON.stringify(body ?? '');
  } catch {
    /* unserialisable body: judge by the message */
  }
  return SPEND_CAP.test(text);
}

export function kindForStatus(status: number, body: unknown, message?: string): ProviderErrorKind {
  if (isSpendCap(status, body, message)) return 'spend-cap';
  if (status === 401 || status === 403) return 'auth';
  if (status === 429) return 'rate-limit';
  if (status === 529 || status === 503) return 'overloaded';
  if (status === 408 || status === 409 || status >= 500) return 'server';
  return 'bad-request';
}

/**
 * True for a bad-request that is about this model rather than our request, so another model may
 * take it: 404 (no such model here), 413 (this provider's size limit), or a context-length complaint.
 */
export function isModelSpecificBadRequest(err: ProviderError): boolean {
  return err.kind === 'bad-request' && (err.status === 404 || err.status === 413 || CONTEXT_TOO_LONG.test(err.message));
}

export function toProviderError(f: Failure, ctx: FailureContext): ProviderError {
  const who = `model "${ctx.modelId}" (${ctx.model} via ${ctx.providerLabel})`;
  const Who = who[0]!.toUpperCase() + who.slice(1);
  // Stainless-style servers (OpenAI, Anthropic) can say outright that a retry is pointless.
  const noRetry = f.type === 'http' && header(f.headers, 'x-should-retry') === 'false';
  const make = (kind: ProviderErrorKind, message: string, status?: number, retryAfterMs?: number) =>
    new ProviderError(kind, scrubSecrets(message, ctx.apiKey), ctx.modelId, status, retryAfterMs, { noRetry });

  switch (f.type) {
    case 'aborted':
      return make('cancelled', `The call to ${who} was cancelled.`);
    case 'connection': {
      const local = /\/\/(127\.0\.0\.1|localhost|\[::1\])/.test(ctx.baseUrl)
        ? ' (is the local model server running?)'
        : '';
      const where = who.includes(ctx.baseUrl) ? '' : ` at ${ctx.baseUrl}`;
      return make(
        'network',
        `Could not reach ${who}${where}: ${f.message}. Check the network and the base URL${local}.`,
      );
    }
    case 'cut':
      return make(
        'network',
        `The stream from ${who} broke before the reply finished (${f.message}). The reply is incomplete; it will be retried or handed to the next model.`,
      );
    case 'stream-error': {
      const text = serverText(f.body, f.message) || 'no details';
      return make(
        'stream-error',
        `${Who} sent an error in the middle of its reply (${text}). The reply is incomplete; it will be retried or handed to the next model.`,
      );
    }
    case 'other':
      return make('server', `${Who} failed unexpectedly: ${f.message}.`);
    case 'http': {
      const s = f.status;
      const text = serverText(f.body, f.message);
      const detail = `HTTP ${s}${text ? `: ${text}` : ''}`;
      const kind = kindForStatus(s, f.body, f.message);
      const retryAfterMs = parseRetryAfter(f.headers) ?? (s === 429 ? parseRetryHint(text) : undefined);
      switch (kind) {
        case 'spend-cap':
          return make(
            kind,
            `${Who}: the account is out of quota or credit (${detail}). Retrying will not help: add credit or raise the spend limit with the provider, or route this stage to another model.`,
            s,
          );
        case 'auth':
          return s === 403
            ? make(
                kind,
                `${Who} denied access (${detail}). Check that the API key for model "${ctx.modelId}" is allowed to use ${ctx.model}${ctx.keyHint ? ` (${ctx.keyHint})` : ''}.`,
                s,
              )
            : make(
                kind,
                `${Who} refused the API key (${detail}). Check the API key for model "${ctx.modelId}"${ctx.keyHint ? ` (${ctx.keyHint})` : ''}.`,
                s,
              );
        case 'rate-limit':
          return make(
            kind,
            `${Who} is rate-limited (${detail}). Switchyard waits and retries; if this keeps happening, add a fallback model to the stage's chain or raise the account's rate limit.`,
            s,
            retryAfterMs,
          );
        case 'overloaded':
          return make(
            kind,
            `${Who} is overloaded (${detail}). Switchyard waits and retries, then falls back to the next model in the chain.`,
            s,
            retryAfterMs,
          );
        case 'server':
          return make(
            kind,
            `${Who} failed with a server error (${detail}). Switchyard retries; if it persists, check the provider's status page.`,
            s,
            retryAfterMs,
          );
        default:
          if (s === 404)
            return make(
              'bad-request',
              `${Who} was not found (${detail}). Check the model name "${ctx.model}" and the base URL ${ctx.baseUrl}.`,
              s,
            );
          if (CONTEXT_TOO_LONG.test(text))
            return make(
              'bad-request',
              `${Who} rejected the request as too long (${detail}). Use a model with a longer context or narrow the task.`,
              s,
            );
          return make(
            'bad-request',
            `${Who} rejected the request (${detail}). Retrying will not help; check the model's settings in the routing policy (unsupported parameter?) or report a Switchyard bug.`,
            s,
          );
      }
    }
  }
}
