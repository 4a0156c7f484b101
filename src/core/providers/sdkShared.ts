// Small facts both SDK-backed providers share: how long the SDK may wait (effectively forever; the
// retry layer owns the clock) and how to describe a connection failure from undici's error chain.

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
