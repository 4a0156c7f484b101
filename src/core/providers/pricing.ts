// What tokens cost. The built-in table is APPROXIMATE (list prices in US dollars per million
// tokens as published by the vendors in late 2025, standard tier, no batch or cache discounts);
// a model's `price` in the routing policy always wins, and models on a local server cost nothing.
// Unknown models are "unpriced", not free: costUsd returns 0 for them and isPriced says so, so
// the decision view can show "no price" instead of a misleading $0.00.
import type { ModelSpec } from '../config/policySchema';

export interface Price {
  inputPerMTok: number;
  outputPerMTok: number;
}

export const PRICES_NOTE =
  'Built-in prices are approximate list prices (late 2025); set `price` on a model in .switchyard/routing.json to override.';

/** Keys are normalised model names (see normaliseModelName). Exact matches only: version suffixes change prices. */
export const BUILT_IN_PRICES: Readonly<Record<string, Price>> = {
  // OpenAI
  'gpt-5': { inputPerMTok: 1.25, outputPerMTok: 10 },
  'gpt-5-codex': { inputPerMTok: 1.25, outputPerMTok: 10 },
  'gpt-5-mini': { inputPerMTok: 0.25, outputPerMTok: 2 },
  'gpt-5-nano': { inputPerMTok: 0.05, outputPerMTok: 0.4 },
  'gpt-4-1': { inputPerMTok: 2, outputPerMTok: 8 },
  'gpt-4-1-mini': { inputPerMTok: 0.4, outputPerMTok: 1.6 },
  'gpt-4-1-nano': { inputPerMTok: 0.1, outputPerMTok: 0.4 },
  'gpt-4o': { inputPerMTok: 2.5, outputPerMTok: 10 },
  'gpt-4o-mini': { inputPerMTok: 0.15, outputPerMTok: 0.6 },
  o3: { inputPerMTok: 2, outputPerMTok: 8 },
  'o3-mini': { inputPerMTok: 1.1, outputPerMTok: 4.4 },
  'o4-mini': { inputPerMTok: 1.1, outputPerMTok: 4.4 },
  // Anthropic
  'claude-opus-4-5': { inputPerMTok: 5, outputPerMTok: 25 },
  'claude-opus-4-1': { inputPerMTok: 15, outputPerMTok: 75 },
  'claude-opus-4': { inputPerMTok: 15, outputPerMTok: 75 },
  'claude-sonnet-4-5': { inputPerMTok: 3, outputPerMTok: 15 },
  'claude-sonnet-4': { inputPerMTok: 3, outputPerMTok: 15 },
  'claude-3-7-sonnet': { inputPerMTok: 3, outputPerMTok: 15 },
  'claude-haiku-4-5': { inputPerMTok: 1, outputPerMTok: 5 },
  'claude-3-5-haiku': { inputPerMTok: 0.8, outputPerMTok: 4 },
  // Google
  'gemini-2-5-pro': { inputPerMTok: 1.25, outputPerMTok: 10 },
  'gemini-2-5-flash': { inputPerMTok: 0.3, outputPerMTok: 2.5 },
  'gemini-2-5-flash-lite': { inputPerMTok: 0.1, outputPerMTok: 0.4 },
  // Others commonly reached through OpenRouter
  'deepseek-chat': { inputPerMTok: 0.28, outputPerMTok: 0.42 },
  'grok-4': { inputPerMTok: 3, outputPerMTok: 15 },
};

/**
 * "anthropic/claude-sonnet-4.5" (OpenRouter), "claude-sonnet-4-5-20250929" (dated snapshot),
 * "gpt-4.1-2025-04-14", "claude-3-5-haiku-latest" → the table's key.
 */
export function normaliseModelName(model: string): string {
  let m = model.trim().toLowerCase();
  m = m.slice(m.lastIndexOf('/') + 1);
  m = m.replace(/:.*$/, ''); // OpenRouter variants (":free", ":beta")
  m = m.replace(/\./g, '-');
  m = m.replace(/-latest$/, '');
  m = m.replace(/-(20\d{2}-\d{2}-\d{2}|20\d{6})$/, '');
  return m;
}

function isLocal(baseUrl: string | undefined): boolean {
  if (!baseUrl) return false;
  try {
    const host = new URL(baseUrl).hostname;
    return (
      host === 'localhost' || host === '127.0.0.1' || host === '[::1]' || host === '::1' || host.endsWith('.localhost')
    );
  } catch {
    return false;
  }
}

export type PriceSource = 'policy' | 'built-in' | 'local';

/** The price that applies to this model and where it came from, or undefined when unpriced. */
export function priceOf(
  spec: Pick<ModelSpec, 'model' | 'price' | 'provider' | 'baseUrl'>,
): { price: Price; source: PriceSource } | undefined {
  if (spec.price) return { price: spec.price, source: 'policy' };
  if (spec.provider === 'openai-compatible' && isLocal(spec.baseUrl))
    return { price: { inputPerMTok: 0, outputPerMTok: 0 }, source: 'local' };
  // A gateway may serve anything; only trust the table for names it knows.
  const p = BUILT_IN_PRICES[normaliseModelName(spec.model)];
  return p ? { price: p, source: 'built-in' } : undefined;
}

/** Built-in and local prices only (policy prices are applied by the caller): fits routing's PriceLookup. */
export function builtInPrice(spec: Pick<ModelSpec, 'model' | 'provider' | 'baseUrl'>): Price | undefined {
  return priceOf({ ...spec, price: undefined })?.price;
}

export function isPriced(spec: Pick<ModelSpec, 'model' | 'price' | 'provider' | 'baseUrl'>): boolean {
  return priceOf(spec) !== undefined;
}

/** US dollars for this usage; 0 for an unpriced model (check isPriced). */
export function costUsd(
  spec: Pick<ModelSpec, 'model' | 'price' | 'provider' | 'baseUrl'>,
  usage: { inputTokens: number; outputTokens: number },
): number {
  const p = priceOf(spec)?.price;
  if (!p) return 0;
  return (usage.inputTokens * p.inputPerMTok + usage.outputTokens * p.outputPerMTok) / 1_000_000;
}
