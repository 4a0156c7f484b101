// Rough per-stage token estimates and their cost, for the decision's "estimated cost" before any call
// is made. Deliberately simple and stated as estimates; the ledger records what was actually spent.
import type { ModelSpec, Stage } from '../config/policySchema';
import { builtInPrice } from '../providers/pricing';

/** Typical tokens for one pass of each stage: input includes file context, output the artifact. */
export const STAGE_TOKEN_ESTIMATE: Record<Stage, { inputTokens: number; outputTokens: number }> = {
  scout: { inputTokens: 6000, outputTokens: 800 },
  architect: { inputTokens: 8000, outputTokens: 1500 },
  implementer: { inputTokens: 10000, outputTokens: 2500 },
  critic: { inputTokens: 6000, outputTokens: 1000 },
  finalOwner: { inputTokens: 8000, outputTokens: 1000 },
};

/** A price table lookup the host can supply (the providers' built-in table); the policy price wins. */
export type PriceLookup = (spec: ModelSpec) => { inputPerMTok: number; outputPerMTok: number } | undefined;

export function priceFor(
  spec: ModelSpec,
  lookup?: PriceLookup,
): { inputPerMTok: number; outputPerMTok: number } | undefined {
  // Policy price, then the host's table, then the providers' built-in table (local servers are free).
  return spec.price ?? lookup?.(spec) ?? builtInPrice(spec);
}

export function costOf(
  spec: ModelSpec,
  tokens: { inputTokens: number; outputTokens: number },
  lookup?: PriceLookup,
): number {
  const price = priceFor(spec, lookup);
  if (!price) return 0;
  return (tokens.inputTokens * price.inputPerMTok + tokens.outputTokens * price.outputPerMTok) / 1_000_000;
}
