// verifying: the policy's test command on this round's change (verifyStep.ts), then what the round
// comes to — another implementer round while the review asks for changes and rounds are left, else
// escalating. Failing tests are a finding: the critic's review asks for changes with their output.
import type { ModelSpec } from '../config/policySchema';
import type { Review } from '../review/reviewSchema';
import { RunCancelled } from '../stage/runContext';
import { changeOf, type Phase, type RunState } from './runState';
import { inHost, type RunScope } from './runScope';
import { verifyReviewedDiff, withTestFailure, type Tested } from './verifyStep';

/** `critic` is the critic's review of this round's change; undefined when no reviewer was ready. */
export async function verifyingStep(
  scope: RunScope,
  state: RunState,
  critic: { review: Review; spec: ModelSpec } | undefined,
): Promise<Phase> {
  const tested = await testRound(scope, state, critic?.review.verdict);
  if (!critic) return { step: 'escalating' };
  const checked = withTestFailure(critic.review, tested);
  state.lastCritic = { review: checked, spec: critic.spec };
  state.criticReviews.push(checked);
  if (checked.verdict !== 'request-changes') return { step: 'escalating' };
  const by = tested?.failed ? `${critic.spec.id}, and the project's test command` : critic.spec.id;
  state.revision = { review: checked, by };
  if (state.round - state.firstRound + 1 > scope.policy.rules.maxReviewRounds) {
    state.roundsExhausted = true;
    state.revision = undefined;
    return { step: 'escalating' };
  }
  return { step: 'implementing' };
}

/** The policy's test command on this round's diff, in the host's sandbox; not run on a blocked change. */
async function testRound(
  scope: RunScope,
  state: RunState,
  verdict: Review['verdict'] | undefined,
): Promise<Tested | undefined> {
  const verify = scope.opts.verify;
  if (!scope.policy.verify || !verify) return undefined;
  const { resolved } = changeOf(state);
  const { signal, emit } = scope;
  state.lastTested = await inHost(scope, () =>
    verifyReviewedDiff({ round: state.round, resolved, verdict, verify, signal, emit }),
  );
  if (signal.aborted) throw new RunCancelled();
  return state.lastTested;
}
