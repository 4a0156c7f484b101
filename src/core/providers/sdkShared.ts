// Small facts both SDK-backed providers share: how long the SDK may wait (effectively forever; the
// retry layer owns the clock), how to describe a connection failure from undici's error chain, the
// key check before a call, and how an SDK error becomes a Failure.
import type { Failure } from './providerErrors';
import type { HeaderBag } from './retryAfter';
import { ProviderError } from './types';

/** An hour: effectively "never"; our first-token and idle timeouts fire long before. */
export const SDK_TIMEOUT_MS = 60 * 60 * 1000;

/**
 * "Connection error.: fetch failed: connect ECONNREFUSED 127.0.0.1:9" — the error and its cause chain
 * (undici nests the useful part two levels down), without repeats.
 */
export function describeCause(err: Error): string {
  const parts: string[] = [];
  let cur: unknown = err;
  for (let depth = 0; cur instanceof Error && depth < 4; depth++) {
    const code = (cur as { code?: unknown }).code;
    const text = typeof code === 'string' && !cur.message.includes(code) ? `${cur.message} [${code}]` : cur.message;
    if (text && !parts.includes(text)) parts.push(text);
    cur = (cur as { cause?: unknown }).cause;
  }
  return parts.join(': ');
}

/**
 * Why a key cannot be sent as an HTTP header value, or undefined when it can. A key pasted with
 * stray characters (smart quotes, non-Latin text) otherwise fails deep in fetch as a "network" error.
 */
export function keyProblem(key: string | undefined): string | undefined {
  if (key === undefined) return undefined;
  if (key.trim() === '') return 'is empty';
  // Visible ASCII only (0x21-0x7E), after trimming the ends; spaces inside are allowed by HTTP but never in a key.
  if (!/^[\x21-\x7e]+$/.test(key.trim()))
    return 'contains characters that cannot be sent in an HTTP header (was something else pasted with it?)';
  return undefined;
}

/** undici's TypeError('terminated') (cause: "other side closed", ECONNRESET…) when a socket closes mid-body. */
export function isBodyCut(err: unknown): boolean {
  return err instanceof TypeError && /terminated|other side closed|ECONNRESET|socket|EPIPE/i.test(describeCause(err));
}

/**
 * Refuses a call before it is sent when the key is missing (and no custom endpoint that may need
 * none was given) or malformed, with a message that names the model and never the key.
 */
export function assertUsableKey(
  cfg: { apiKey?: string; baseUrl?: string; modelId: string; model: string; keyHint?: string },
  vendorLabel: string,
  keyRequired: boolean,
): void {
  if (keyRequired && !cfg.apiKey && !cfg.baseUrl) {
    throw new ProviderError(
      'auth',
      `No API key for model "${cfg.modelId}" (${cfg.model} via ${vendorLabel}). Set ${cfg.keyHint ?? `the ${vendorLabel} API key`} and try again.`,
      cfg.modelId,
    );
  }
  const badKey = keyProblem(cfg.apiKey);
  if (badKey) {
    throw new ProviderError(
      'auth',
      `The API key for model "${cfg.modelId}" ${badKey}. Set it again${cfg.keyHint ? ` (${cfg.keyHint})` : ''}.`,
      cfg.modelId,
    );
  }
}

type ErrorClass = abstract new (...args: never[]) => Error;

/**
 * The error classes an official SDK (openai, @anthropic-ai/sdk) throws. Both SDKs share their
 * shapes but not their classes, so each provider passes its own.
 */
export interface SdkErrorClasses {
  APIUserAbortError: ErrorClass;
  APIConnectionTimeoutError: ErrorClass;
  APIConnectionError: ErrorClass;
  APIError: abstract new (
    ...args: never[]
  ) => Error & { status: number | undefined; headers: HeaderBag | undefined; error: unknown };
}

/** What went wrong in an SDK call, as a Failure (then toProviderError gives the message). */
export function sdkFailureOf(err: unknown, sdk: SdkErrorClasses): Failure {
  if (err instanceof sdk.APIUserAbortError) return { type: 'aborted' };
  if (err instanceof sdk.APIConnectionTimeoutError)
    return { type: 'connection', message: 'the connection timed out', timedOut: true };
  if (err instanceof sdk.APIConnectionError) return { type: 'connection', message: describeCause(err) };
  if (err instanceof sdk.APIError) {
    // No status: the SDK raised it for an error object inside a 200 stream.
    if (err.status === undefined) return { type: 'stream-error', body: err.error, message: err.message };
    return { type: 'http', status: err.status, headers: err.headers, body: err.error, message: err.message };
  }
  if (err instanceof SyntaxError) return { type: 'stream-error', message: `unreadable stream chunk (${err.message})` };
  if (err instanceof Error && err.name === 'AbortError') return { type: 'aborted' };
  if (isBodyCut(err)) return { type: 'cut', message: describeCause(err as Error) };
  return { type: 'other', message: err instanceof Error ? err.message : String(err) };
}
