// Who may review and who may own the final word, decided again at run time: fallbacks can change
// the implementer's vendor and the critic's model after the decision was made, and the cross-vendor
// rule and the final owner's independence are about who actually did the work.
import type { ModelSpec, RoutingPolicy } from '../config/policySchema';
import type { ModelAvailability } from '../routing/decide';
import type { RejectedAlternative, RoutingDecision } from '../routing/decisionSchema';
import { orderFinalOwners } from '../routing/finalOwnerOrder';
import { pickReviewers } from '../routing/crossVendorRule';

export interface CriticCandidates {
  /** Ready critics of another vendor than the implementer's, in policy order. */
  specs: ModelSpec[];
  rejected: RejectedAlternative[];
  /** Every ready critic, whatever its vendor (for the "no reviewer" message). */
  considered: ModelSpec[];
}

const specOf = (policy: RoutingPolicy) => {
  const byId = new Map(policy.models.map((m) => [m.id, m]));
  return (id: string) => byId.get(id);
};

export function criticCandidates(
  policy: RoutingPolicy,
  decision: RoutingDecision,
  availability: ModelAvailability,
  implementerVendor: string,
): CriticCandidates {
  const planned = decision.stages.find((s) => s.stage === 'critic');
  // Kept out when deciding for budget or residency: still out (residency is screened again on what is sent).
  const budgetRejected = new Set(
    planned?.rejected.filter((r) => r.code === 'budget' || r.code === 'residency').map((r) => r.modelId) ?? [],
  );
  const rejected = (planned?.rejected ?? []).filter((r) => r.code !== 'vendor-rule' && r.code !== 'lower-priority');
  const get = specOf(policy);
  const ready = policy.stages.critic
    .map(get)
    .filter((m): m is ModelSpec => !!m && !availability(m) && !budgetRejected.has(m.id));
  const pick = pickReviewers(
    ready.map((m) => ({ modelId: m.id, vendor: m.vendor })),
    implementerVendor,
    policy.rules.reviewerVendorMustDiffer,
  );
  const allowed = new Set(pick.allowed.map((a) => a.modelId));
  return {
    specs: ready.filter((m) => allowed.has(m.id)),
    rejected: [...rejected, ...pick.rejected],
    considered: ready,
  };
}

export function finalOwnerCandidates(
  policy: RoutingPolicy,
  decision: RoutingDecision,
  availability: ModelAvailability,
  implementerVendor: string,
  criticModel: string | undefined,
): ModelSpec[] {
  const planned = decision.stages.find((s) => s.stage === 'finalOwner');
  const get = specOf(policy);
  const specs = planned
    ? planned.chain.map((c) => get(c.modelId)).filter((m): m is ModelSpec => !!m)
    : policy.stages.finalOwner.map(get).filter((m): m is ModelSpec => !!m && !availability(m));
  return orderFinalOwners(specs, implementerVendor, criticModel);
}
