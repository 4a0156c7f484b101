// escalating: what the review and the facts of the change (risk, protected paths on disk, its size,
// rounds spent without approval, no cross-vendor reviewer, reviewers the workspace defined) call
// for — a final owner's verdict and reasons a person must confirm (escalation.ts). Then a verdict
// that allows nothing ends the run (done: rejected); otherwise → at the gate when a person must
// confirm or the host asks every time, else → applying.
import { protectedHitsOnDisk } from '../paths/protectedPaths';
import type { Review } from '../review/reviewSchema';
import { verifyNoteForCritic } from '../verify/verifyFinding';
import { planEscalation, workspaceReviewerGate, type GateReason } from './escalation';
import { finalOwnerReview } from './finalOwnerStage';
import { changeOf, type Phase, type RunState } from './runState';
import type { RunScope } from './runScope';
import { finalOwnerCandidates } from './runtimeCandidates';

export async function escalationStep(scope: RunScope, state: RunState): Promise<Phase> {
  const { policy, emit } = scope;
  const { diff } = changeOf(state);
  const protectedHits = await protectedHitsOnDisk(scope.opts.root, diff.files, policy.rules.protectedPaths);
  const esc = planEscalation(policy, {
    risk: scope.decision.risk,
    protectedHits,
    diffLines: diff.addedLines + diff.removedLines,
    roundsExhausted: state.roundsExhausted,
    criticVerdict: state.lastCritic?.review.verdict,
    noReviewer: state.noReviewer,
  });
  const human: GateReason[] = [...esc.human];
  const reviewers = [state.lastCritic?.spec.id];
  let finalReview = state.lastCritic?.review;
  if (esc.finalOwner.length) {
    const owner = await finalOwnerVerdict(scope, state, esc.finalOwner);
    if ('gate' in owner) human.push(owner.gate);
    else {
      finalReview = owner.review;
      reviewers.push(owner.modelId);
      human.push(...owner.human);
    }
  }
  scope.reported.review = finalReview;
  const byWorkspace = workspaceReviewerGate(scope.opts.unvettedModelIds, reviewers);
  if (byWorkspace) human.push(byWorkspace);

  // What the verdict allows before any gate.
  const finalVerdict = finalReview?.verdict;
  if (finalVerdict === 'block' && !policy.rules.humanGate.onBlock) {
    emit({ type: 'rejected', reason: 'blocked by the reviewer (rules.humanGate.onBlock is off)' });
    return {
      step: 'done',
      outcome: 'rejected',
      message: `rejected: ${finalReview?.summary || 'the reviewer blocked the change'}`,
    };
  }
  if (finalVerdict === 'request-changes' && !human.some((h) => h.code === 'escalation')) {
    emit({ type: 'rejected', reason: 'the reviewer still asks for changes and no escalation applies' });
    return {
      step: 'done',
      outcome: 'rejected',
      message: `rejected: review rounds ran out without approval (${policy.rules.maxReviewRounds} allowed)`,
    };
  }

  const uniqueHuman = human.filter((h, i) => human.findIndex((x) => x.reason === h.reason) === i);
  if (uniqueHuman.length) emit({ type: 'escalated', to: 'human', reasons: uniqueHuman.map((h) => h.reason) });
  if (uniqueHuman.length || scope.opts.confirmEveryApply)
    return { step: 'at-gate', human: uniqueHuman, review: finalReview };
  return { step: 'applying' };
}

/**
 * The final owner's review when escalation wants one, with the reasons it adds for a person; or,
 * when no final owner is ready, the reason a person must decide instead.
 */
async function finalOwnerVerdict(
  scope: RunScope,
  state: RunState,
  reasons: string[],
): Promise<{ review: Review; modelId: string; human: GateReason[] } | { gate: GateReason }> {
  const { policy } = scope;
  const { diff, resolved } = changeOf(state);
  const implementerVendor = state.implementer.vendor;
  const lastCritic = state.lastCritic;
  const fo = finalOwnerCandidates(
    policy,
    scope.decision,
    scope.opts.availability,
    implementerVendor,
    lastCritic?.spec.id,
  );
  if (fo.length === 0) {
    return {
      gate: {
        code: 'escalation',
        reason: `escalation wanted a final owner (${reasons.join('; ')}) but no model in stages.finalOwner is ready`,
      },
    };
  }
  const r = await finalOwnerReview(state.brief.kit, {
    candidates: fo,
    planned: scope.stageOf('finalOwner'),
    reasons,
    plan: state.brief.plan,
    diff,
    resolved,
    criticReviews: state.criticReviews,
    implementerVendor,
    round: state.round,
    verification: state.lastTested && verifyNoteForCritic(state.lastTested.outcome),
  });
  const human: GateReason[] = [];
  if (r.review.verdict === 'block' && lastCritic?.review.verdict !== 'block' && policy.rules.humanGate.onBlock)
    human.push({ code: 'block', reason: `the final owner (${r.spec.id}) blocked this change` });
  if (r.review.verdict === 'request-changes' && policy.rules.escalation.onDisagreement && !state.roundsExhausted)
    human.push({ code: 'escalation', reason: `the final owner (${r.spec.id}) asked for changes` });
  return { review: r.review, modelId: r.spec.id, human };
}
