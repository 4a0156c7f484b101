// The figures of one side of a routing review (the current routing, or the candidate's), from the
// replays' run records: the same definitions the scorecard uses, so the two views agree.
import { z } from 'zod';
import type { Stage } from '../config/policySchema';
import { isTrustedChange } from '../ledger/runRecordSchema';
import { SeveritySchema } from '../review/reviewSchema';
import type { ReplayResult } from './replayItem';

export const FindingsBySeveritySchema = z.object({
  critical: z.number().int(),
  major: z.number().int(),
  minor: z.number().int(),
  info: z.number().int(),
});

export const ArmSummarySchema = z.object({
  label: z.string(),
  /** The model at the head of the reviewed stage's chain on this side. */
  headModelId: z.string().optional(),
  items: z.number().int(),
  /** Items whose final verdict (final owner's, else the critic's last) was approve. */
  approved: z.number().int(),
  approvalRate: z.number().nullable(),
  /** Items where the verify command ran; of those, the ones whose last run passed. */
  verified: z.number().int(),
  verifyPassed: z.number().int(),
  verifyPassRate: z.number().nullable(),
  /** Every finding of every review round, by severity. */
  findings: FindingsBySeveritySchema,
  tokensIn: z.number(),
  tokensOut: z.number(),
  costUsd: z.number(),
  /** Sum of the runs' wall time. */
  elapsedMs: z.number(),
  failed: z.number().int(),
  trustedChanges: z.number().int(),
  /** Cost of the trusted runs / their number (the scorecard's definition); null when none. */
  costPerTrustedChange: z.number().nullable(),
  /** Items in which the head model really did the stage (a task may not need the stage, or a fallback took over). */
  headUsed: z.number().int(),
});
export type ArmSummary = z.infer<typeof ArmSummarySchema>;

export function summariseArm(
  label: string,
  results: readonly ReplayResult[],
  stage: Stage,
  headModelId: string | undefined,
): ArmSummary {
  const findings = { critical: 0, major: 0, minor: 0, info: 0 };
  let approved = 0;
  let verified = 0;
  let verifyPassed = 0;
  let tokensIn = 0;
  let tokensOut = 0;
  let costUsd = 0;
  let elapsedMs = 0;
  let failed = 0;
  let trusted = 0;
  let trustedCost = 0;
  let headUsed = 0;
  for (const r of results) {
    const rec = r.record;
    if (rec.finalVerdict === 'approve') approved++;
    const ran = rec.verifications.filter((v) => v.status === 'ran');
    if (ran.length) {
      verified++;
      if (ran[ran.length - 1]!.passed === true) verifyPassed++;
    }
    for (const review of r.reviews) {
      for (const f of review.findings) findings[SeveritySchema.parse(f.severity)]++;
    }
    tokensIn += rec.totals.tokensIn;
    tokensOut += rec.totals.tokensOut;
    costUsd += rec.totals.costUsd;
    elapsedMs += rec.totals.elapsedMs;
    if (rec.outcome === 'failed') failed++;
    if (isTrustedChange(rec)) {
      trusted++;
      trustedCost += rec.totals.costUsd;
    }
    if (headModelId && rec.stages.some((s) => s.stage === stage && s.modelId === headModelId && s.state === 'done'))
      headUsed++;
  }
  const n = results.length;
  return {
    label,
    headModelId,
    items: n,
    approved,
    approvalRate: n ? approved / n : null,
    verified,
    verifyPassed,
    verifyPassRate: verified ? verifyPassed / verified : null,
    findings,
    tokensIn,
    tokensOut,
    costUsd,
    elapsedMs,
    failed,
    trustedChanges: trusted,
    costPerTrustedChange: trusted ? trustedCost / trusted : null,
    headUsed,
  };
}
