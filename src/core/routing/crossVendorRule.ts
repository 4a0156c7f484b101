// The cross-vendor rule: a diff is reviewed by a model whose vendor differs from the implementer's.
// One function used both when deciding (against the planned implementer) and at run time (against
// the implementer that actually produced the diff, which may be a fallback of another vendor).
import type { RejectedAlternative } from './decisionSchema';

export interface VendorCandidate {
  modelId: string;
  vendor: string;
}

export interface ReviewerPick {
  allowed: VendorCandidate[];
  rejected: RejectedAlternative[];
}

export function pickReviewers(
  candidates: readonly VendorCandidate[],
  implementerVendor: string,
  mustDiffer: boolean,
): ReviewerPick {
  const allowed: VendorCandidate[] = [];
  const rejected: RejectedAlternative[] = [];
  for (const c of candidates) {
    if (mustDiffer && c.vendor === implementerVendor) {
      rejected.push({
        modelId: c.modelId,
        vendor: c.vendor,
        code: 'vendor-rule',
        reason: `same vendor as the implementer (${implementerVendor}); the reviewer must be from another vendor`,
      });
    } else {
      allowed.push(c);
    }
  }
  return { allowed, rejected };
}

/** Why no cross-vendor reviewer exists, in words a person can act on. */
export function noReviewerReason(implementerVendor: string, considered: readonly VendorCandidate[]): string {
  const list = considered.length ? considered.map((c) => `${c.modelId} (${c.vendor})`).join(', ') : 'none';
  return (
    `no reviewer from a vendor other than ${implementerVendor} is available (critic candidates ready: ${list}); ` +
    `add a key for another vendor's model or list one under stages.critic in .switchyard/routing.json — a person must review this diff`
  );
}
