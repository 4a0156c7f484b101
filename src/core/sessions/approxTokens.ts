// The one token estimate the sessions, the stage runner and the cost estimates share, below all of
// them; a provider's reported usage replaces it once a call has answered.

/** Rough token count of text: ~4 characters per token for English and code. */
export function approxTokens(text: string): number {
  return Math.ceil(text.length / 4);
}
