// Removes secrets from any text that may reach a user, a log or a record. Providers scrub every
// message they build; the retry layer and the chain never add text that did not pass through here.

/**
 * Things shaped like keys, whoever's they are: OpenAI/Anthropic/OpenRouter/DeepSeek (sk-…), Google
 * (AIza…), Groq (gsk_…), xAI (xai-…), GitHub tokens, and any bearer token.
 */
const KEY_SHAPED = [
  /\bsk-[A-Za-z0-9_-]{8,}/g,
  /\bAIza[0-9A-Za-z_-]{30,}/g,
  /\bgsk_[A-Za-z0-9]{20,}/g,
  /\bxai-[A-Za-z0-9]{20,}/g,
  /\b(?:ghp|gho|ghu|ghs|github_pat)_[A-Za-z0-9_]{20,}/g,
  /\bBearer\s+[A-Za-z0-9._~+/=-]{8,}/gi,
];
/** `api_key=…`, `"x-api-key": "…"`, `authorization: …`: keep the name, drop the value. */
const NAMED_VALUE = /\b(x-api-key|api[_-]?key|authorization)(["']?\s*[:=]\s*["']?)(?!\[redacted)[^\s"',}]{6,}/gi;
/** Any absolute URL in running text (undici quotes the raw request URL in some of its errors). */
const URL_IN_TEXT = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>`]+/gi;

/** Replaces the given keys, anything shaped like a key, and URL credentials and query values, with markers. */
export function scrubSecrets(text: string, ...keys: Array<string | undefined>): string {
  let out = text;
  for (const key of keys) {
    // Very short "keys" (local servers accept any string) would shred ordinary words.
    if (key && key.length >= 6) out = out.split(key).join('[redacted key]');
  }
  out = out.replace(URL_IN_TEXT, (url) => redactUrl(url));
  for (const re of KEY_SHAPED) out = out.replace(re, '[redacted key]');
  return out.replace(NAMED_VALUE, (_m, name: string, sep: string) => `${name}${sep}[redacted]`);
}

/** A URL fit to show: no user:password, no query values (some gateways take a key as ?key=). */
export function displayUrl(url: string): string {
  return scrubSecrets(redactUrl(url)).replace(/\/$/, '');
}

function redactUrl(url: string): string {
  // Sentence punctuation glued to a URL in prose is not part of it.
  const trail = /[.,;:!?)\]]+$/.exec(url)?.[0] ?? '';
  const bare = trail ? url.slice(0, -trail.length) : url;
  try {
    const u = new URL(bare);
    if (!u.username && !u.password && !u.search) return url;
    u.username = '';
    u.password = '';
    for (const k of [...u.searchParams.keys()]) u.searchParams.set(k, '…');
    return u.toString().replace(/%E2%80%A6/g, '…') + trail;
  } catch {
    // Not parseable: still drop anything between "//" and "@".
    return url.replace(/\/\/[^/@\s]*@/, '//');
  }
}
