// Removes secrets from any text that may reach a user, a log or a record. Providers scrub every
// message they build; the retry layer and the chain never add text that did not pass through here.

/** Things shaped like keys, whoever's they are: OpenAI/Anthropic/OpenRouter keys and bearer tokens. */
const KEY_SHAPED = [/\bsk-[A-Za-z0-9_-]{8,}/g, /\bBearer\s+[A-Za-z0-9._~+/=-]{8,}/gi];
/** `api_key=…`, `"x-api-key": "…"`, `authorization: …`: keep the name, drop the value. */
const NAMED_VALUE = /\b(x-api-key|api[_-]?key|authorization)(["']?\s*[:=]\s*["']?)(?!\[redacted)[^\s"',}]{6,}/gi;

/** Replaces the given keys, and anything shaped like a key, with a marker. */
export function scrubSecrets(text: string, ...keys: Array<string | undefined>): string {
  let out = text;
  for (const key of keys) {
    // Very short "keys" (local servers accept any string) would shred ordinary words.
    if (key && key.length >= 6) out = out.split(key).join('[redacted key]');
  }
  for (const re of KEY_SHAPED) out = out.replace(re, '[redacted key]');
  return out.replace(NAMED_VALUE, (_m, name: string, sep: string) => `${name}${sep}[redacted]`);
}

/** A URL fit to show: no user:password, no query values (some gateways take a key as ?key=). */
export function displayUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    for (const k of [...u.searchParams.keys()]) u.searchParams.set(k, '…');
    return u
      .toString()
      .replace(/\/$/, '')
      .replace(/%E2%80%A6/g, '…');
  } catch {
    return scrubSecrets(url.replace(/\/\/[^/@]*@/, '//'));
  }
}
