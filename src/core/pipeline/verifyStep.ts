// Verification in the run: the policy's test command on a round's diff, run by the host in a
// sandboxed copy — only after the critic reviewed the diff and did not block it, so code a reviewer
// judged must not be applied is never executed either. The outcome is an event and a record entry;
// a failed run counts as a finding: the critic's verdict becomes request-changes with the test
// output in its summary, which sends the change back to the implementer within the review rounds,
// shows at the gate, and is what the critic reads as its previous review in the next round.
import type { ResolvedPlan } from '../edits/editPlan';
import type { Review } from '../review/reviewSchema';
import { verifyFindingText, verifySummary } from '../verify/verifyFinding';
import type { VerifyOutcome } from '../verify/verifySchema';
import type { EventInput } from '../stage/runContext';

export interface VerifyStepInput {
  round: number;
  resolved: ResolvedPlan;
  /** The critic's verdict on this diff; undefined when no critic could review it. */
  verdict: Review['verdict'] | undefined;
  verify(resolved: ResolvedPlan, signal: AbortSignal): Promise<VerifyOutcome>;
  signal: AbortSignal;
  emit(e: EventInput): void;
}

export interface Tested {
  outcome: VerifyOutcome;
  /** The command ran and did not pass. */
  failed: boolean;
}

export async function verifyReviewedDiff(input: VerifyStepInput): Promise<Tested> {
  const outcome: VerifyOutcome =
    input.verdict === 'block'
      ? {
          status: 'skipped-blocked',
          reason: 'the critic blocked this change, so its code was not run.',
        }
      : await input.verify(input.resolved, input.signal);
  input.emit({
    type: 'verified',
    round: input.round,
    status: outcome.status,
    passed: outcome.status === 'ran' ? outcome.result.passed : undefined,
    summary: verifySummary(outcome),
  });
  return { outcome, failed: outcome.status === 'ran' && !outcome.result.passed };
}

/**
 * The review the run goes on with when the tests failed: whatever the critic said, the change
 * needs changes, and why is in the summary (the findings on lines stay the critic's).
 */
export function withTestFailure(review: Review, tested: Tested | undefined): Review {
  if (!tested?.failed || tested.outcome.status !== 'ran') return review;
  return {
    ...review,
    verdict: review.verdict === 'block' ? 'block' : 'request-changes',
    summary: `${review.summary}\n\n${verifyFindingText(tested.outcome.result)}`.trim(),
  };
}
