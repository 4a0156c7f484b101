// Whether the review's figures justify moving the candidate to the head of the stage's chain. The
// rule is deliberately conservative: the candidate must be at least as often approved, must not
// pass verification less often, must not bring more critical or major findings, and must then be
// either cheaper per trusted change or approved more often. Otherwise the current routing stays.
import { z } from 'zod';
import { StageSchema, type Stage } from '../config/policySchema';
import type { ArmSummary } from './armSummary';
import { chainWithHead } from './candidatePolicy';

export const PolicySuggestionSchema = z.object({
  stage: StageSchema,
  candidate: z.string(),
  /** true when the figures say: put the candidate first. */
  recommend: z.boolean(),
  fromChain: z.array(z.string()),
  toChain: z.array(z.string()),
  reasons: z.array(z.string()),
});
export type PolicySuggestion = z.infer<typeof PolicySuggestionSchema>;

const pct = (x: number | null) => (x === null ? 'n/a' : `${Math.round(x * 100)}%`);
const usd = (x: number | null) => (x === null ? 'n/a' : `$${x.toFixed(4)}`);

export function suggestPolicyChange(
  stage: Stage,
  candidate: string,
  currentChain: readonly string[],
  current: ArmSummary,
  cand: ArmSummary,
): PolicySuggestion {
  const toChain = chainWithHead(currentChain, candidate);
  const base = { stage, candidate, fromChain: [...currentChain], toChain };
  const no = (...reasons: string[]) => ({ ...base, recommend: false, reasons });
  if (currentChain[0] === candidate) return no(`${candidate} already leads the ${stage} chain.`);
  if (cand.items === 0) return no('The benchmark set is empty: mark a few representative runs first.');
  if (cand.headUsed === 0)
    return no(
      `${candidate} did not do the ${stage} stage in any replay (the tasks did not need that stage, or it failed and a fallback took over).`,
    );
  const reasons: string[] = [];
  const ca = cand.approvalRate ?? 0;
  const cu = current.approvalRate ?? 0;
  if (ca < cu) return no(`Approval rate drops: ${pct(cand.approvalRate)} vs ${pct(current.approvalRate)} now.`);
  if (cand.verifyPassRate !== null && current.verifyPassRate !== null && cand.verifyPassRate < current.verifyPassRate)
    return no(`Verification passes less often: ${pct(cand.verifyPassRate)} vs ${pct(current.verifyPassRate)} now.`);
  const serious = (a: ArmSummary) => a.findings.critical + a.findings.major;
  if (serious(cand) > serious(current))
    return no(`More critical/major review findings: ${serious(cand)} vs ${serious(current)} now.`);
  reasons.push(`Approval rate ${pct(cand.approvalRate)} vs ${pct(current.approvalRate)} now.`);
  const cheaper =
    cand.costPerTrustedChange !== null &&
    (current.costPerTrustedChange === null || cand.costPerTrustedChange < current.costPerTrustedChange);
  if (cheaper)
    reasons.push(
      `Cost per trusted change ${usd(cand.costPerTrustedChange)} vs ${usd(current.costPerTrustedChange)} now.`,
    );
  if (!cheaper && !(ca > cu))
    return no(
      ...reasons,
      `Not cheaper per trusted change (${usd(cand.costPerTrustedChange)} vs ${usd(current.costPerTrustedChange)}) and not approved more often: no reason to switch.`,
    );
  if (cand.headUsed < cand.items)
    reasons.push(`Note: ${candidate} did the ${stage} stage in ${cand.headUsed} of ${cand.items} replays.`);
  return { ...base, recommend: true, reasons };
}
