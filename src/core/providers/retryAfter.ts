// Reads how long a server asked us to wait: `retry-after-ms` (OpenAI), `retry-after` in seconds
// or as an HTTP date (RFC 9110). The retry layer honours it instead of its own backoff.

export type HeaderBag =
  { get(name: string): string | null } | Record<string, string | string[] | undefined> | undefined | null;

/** One header's value from a fetch Headers object or a plain record. */
export function header(headers: HeaderBag, name: string): string | undefined {
  if (!headers) return undefined;
  if (typeof (headers as { get?: unknown }).get === 'function') {
    return (headers as { get(name: string): string | null }).get(name) ?? undefined;
  }
  const v = (headers as Record<string, string | string[] | undefined>)[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Milliseconds to wait, or undefined when the headers say nothing usable. */
export function parseRetryAfter(headers: HeaderBag, now: number = Date.now()): number | undefined {
  const ms = header(headers, 'retry-after-ms');
  if (ms !== undefined && ms.trim() !== '') {
    const n = Number(ms);
    if (Number.isFinite(n) && n >= 0) return Math.round(n);
  }
  const ra = header(headers, 'retry-after');
  if (ra === undefined || ra.trim() === '') return undefined;
  const secs = Number(ra);
  if (Number.isFinite(secs)) return secs >= 0 ? Math.round(secs * 1000) : undefined;
  const at = Date.parse(ra);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

/** "1.524s", "20ms", "6m0s", "1h2m3.5s" (OpenAI's duration style) → ms. */
export function parseDuration(text: string): number | undefined {
  const re = /(\d+(?:\.\d+)?)(ms|h|m|s)/g;
  let total = 0;
  let matched = '';
  for (const m of text.matchAll(re)) {
    const n = Number(m[1]);
    total += m[2] === 'ms' ? n : m[2] === 's' ? n * 1000 : m[2] === 'm' ? n * 60_000 : n * 3_600_000;
    matched += m[0];
  }
  return matched && matched === text.trim() ? Math.round(total) : undefined;
}

/**
 * A wait the server only states in words, e.g. OpenAI's 429 "Please try again in 1.524s." (it does not
 * always send retry-after). Used only when no retry-after header came.
 */
export function parseRetryHint(message: string | undefined): number | undefined {
  const m = /try again in ((?:\d+(?:\.\d+)?(?:ms|h|m|s))+)/i.exec(message ?? '');
  return m?.[1] ? parseDuration(m[1]) : undefined;
}
