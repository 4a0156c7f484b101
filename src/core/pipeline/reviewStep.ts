// reviewing: the change goes to a critic of another vendor than the model that made it (decided
// again now: a fallback may have changed the implementer's vendor). With none ready, the critic is
// skipped with the reason, which stops the run at the human gate later. Then → verifying.
import { noReviewerReason } from '../routing/crossVendorRule';
import { criticReview } from './criticStage';
import { changeOf, type Phase, type RunState } from './runState';
import type { RunScope } from './runScope';
import { criticCandidates } from './runtimeCandidates';

export async function reviewStep(scope: RunScope, state: RunState): Promise<Phase> {
  const { diff, resolved } = changeOf(state);
  const implementerVendor = state.implementer.vendor;
  const critics = criticCandidates(scope.policy, scope.decision, scope.opts.availability, implementerVendor);
  if (critics.specs.length === 0) {
    state.noReviewer = noReviewerReason(
      implementerVendor,
      critics.considered.map((m) => ({ modelId: m.id, vendor: m.vendor })),
    );
    scope.emit({ type: 'stage-skipped', stage: 'critic', reason: state.noReviewer });
    return { step: 'verifying', critic: undefined };
  }
  const critic = await criticReview(state.brief.kit, {
    critics,
    round: state.round,
    plan: state.brief.plan,
    diff,
    resolved,
    previous: state.lastCritic?.review,
    implementerVendor,
    mustDiffer: scope.policy.rules.reviewerVendorMustDiffer,
  });
  return { step: 'verifying', critic };
}
