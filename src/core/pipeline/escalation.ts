// Escalation and gate rules, applied after review: which facts about the run (risk, protected paths,
// diff size, rounds exhausted without approval, a block, no cross-vendor reviewer) bring in the final
// owner (a stronger model) and which stop at a human. Pure: the run supplies the facts. A model's
// words never reach here except as its verdict; protected paths always stop at the human gate.
import type { RoutingPolicy, Risk } from '../config/policySchema';
import type { GateCode } from '../routing/decisionSchema';
import type { Verdict } from '../review/reviewSchema';

export interface EscalationFacts {
  risk: Risk;
  protectedHits: Array<{ path: string; pattern: string }>;
  diffLines: number;
  /** The critic never approved within the allowed rounds. */
  roundsExhausted: boolean;
  criticVerdict: Verdict | undefined;
  /** Why no cross-vendor reviewer was available, when none was. */
  noReviewer?: string;
}

export interface GateReason {
  code: GateCode;
  reason: string;
}

export interface EscalationPlan {
  /** Reasons to bring in the final owner (empty: not needed). */
  finalOwner: string[];
  /** Reasons a person must confirm before applying (empty: no gate). */
  human: GateReason[];
}

export function planEscalation(policy: RoutingPolicy, f: EscalationFacts): EscalationPlan {
  const esc = policy.rules.escalation;
  const gate = policy.rules.humanGate;
  const finalOwner: string[] = [];
  const human: GateReason[] = [];

  if (esc.onRisk.includes(f.risk)) finalOwner.push(`${f.risk} risk (rules.escalation.onRisk)`);
  if (f.protectedHits.length) {
    const list = f.protectedHits.map((h) => `${h.path} (${h.pattern})`).join(', ');
    if (esc.onProtectedPaths) finalOwner.push(`touches protected paths: ${list}`);
    // Always, whatever the policy says: protected paths never apply unattended.
    human.push({ code: 'protected-path', reason: `the diff touches protected paths: ${list}` });
  }
  if (f.diffLines > esc.maxDiffLines) {
    finalOwner.push(`diff of ${f.diffLines} lines is over rules.escalation.maxDiffLines (${esc.maxDiffLines})`);
    human.push({
      code: 'escalation',
      reason: `a large diff (${f.diffLines} changed lines, limit ${esc.maxDiffLines})`,
    });
  }
  if (f.roundsExhausted && esc.onDisagreement) {
    finalOwner.push('the critic did not approve within the allowed review rounds');
    human.push({
      code: 'escalation',
      reason: 'the reviewer and the implementer did not agree within the allowed review rounds',
    });
  }
  if (gate.onRisk.includes(f.risk))
    human.push({ code: 'risk', reason: `${f.risk} risk: rules.humanGate.onRisk asks a person to confirm` });
  if (f.criticVerdict === 'block' && gate.onBlock)
    human.push({ code: 'block', reason: 'the reviewer blocked this change' });
  if (f.noReviewer) human.push({ code: 'no-cross-vendor-reviewer', reason: f.noReviewer });
  return { finalOwner, human };
}

/**
 * A review by a model the repository's own policy file defines (its endpoint included) is not one a
 * change may be applied on unattended: that repository could answer "approve" to itself. Returns the
 * human-gate reason when any of the reviewers the apply rests on is such a model.
 */
export function workspaceReviewerGate(
  unvettedModelIds: readonly string[] | undefined,
  reviewerIds: ReadonlyArray<string | undefined>,
): GateReason | undefined {
  const hits = [...new Set(reviewerIds.filter((id): id is string => !!id && !!unvettedModelIds?.includes(id)))];
  if (!hits.length) return undefined;
  return {
    code: 'workspace-policy',
    reason: `the review came from ${hits.join(', ')}, defined by the workspace's .switchyard/routing.json: a repository's own models cannot approve its changes unattended`,
  };
}
