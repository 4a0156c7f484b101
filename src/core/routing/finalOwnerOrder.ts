// How the final owner is picked among the ready models of stages.finalOwner: it is a second, stronger
// opinion, so first a model independent of the run (not the critic's own model, not the implementer's
// vendor), then a stronger tier, then the policy's order. Used by decide() and again at run time,
// when fallbacks may have changed who implemented and who reviewed.
import type { ModelSpec } from '../config/policySchema';

const TIER_RANK = { strong: 0, standard: 1, cheap: 2 } as const;

/** 0 = independent; higher = shares more with earlier roles (same model as the critic weighs most). */
export function dependence(
  m: ModelSpec,
  implementerVendor: string | undefined,
  criticModel: string | undefined,
): number {
  return (m.vendor === implementerVendor ? 1 : 0) + (m.id === criticModel ? 2 : 0);
}

export function orderFinalOwners(
  models: readonly ModelSpec[],
  implementerVendor: string | undefined,
  criticModel: string | undefined,
): ModelSpec[] {
  // Array.prototype.sort is stable: equal ranks keep the policy's order.
  return [...models].sort(
    (a, b) =>
      dependence(a, implementerVendor, criticModel) - dependence(b, implementerVendor, criticModel) ||
      TIER_RANK[a.tier] - TIER_RANK[b.tier],
  );
}
