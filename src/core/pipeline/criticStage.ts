// The critic: a model of ANOTHER vendor than the implementer's reviews the diff. It sees only the task,
// the plan, the diff (with new-file line numbers) and its own previous review (which carries the test
// output when the previous version failed verification) — never the implementer's conversation. The
// cross-vendor rule is checked again on the model that actually answered, fallbacks included.
import type { ModelSpec } from '../config/policySchema';
import type { ResolvedPlan } from '../edits/editPlan';
import { anchorFindings } from '../review/anchorFindings';
import { numberDiff } from '../review/numberDiff';
import { ReviewSchema, type Review } from '../review/reviewSchema';
import type { DiffArtifact, Plan } from '../sessions/artifacts';
import * as P from '../sessions/prompts';
import { RoleSession } from '../sessions/roleSession';
import { newLineCounts } from './implementerEdits';
import type { StageKit } from './planningStages';
import { StageFailure } from '../stage/runContext';
import type { CriticCandidates } from './runtimeCandidates';
import { structuredCall } from '../stage/structuredCall';

export interface CriticInput {
  critics: CriticCandidates;
  round: number;
  plan: Plan | undefined;
  diff: DiffArtifact;
  resolved: ResolvedPlan;
  previous: Review | undefined;
  implementerVendor: string;
  mustDiffer: boolean;
}

export async function criticReview(kit: StageKit, input: CriticInput): Promise<{ review: Review; spec: ModelSpec }> {
  const first = input.critics.specs[0]!;
  const why = `${first.id} (${first.vendor}): first ready critic whose vendor differs from the implementer's (${input.implementerVendor})`;
  const r = await kit.runStage('critic', input.round, input.critics.specs, why, input.critics.rejected, async (sr) => {
    const session = new RoleSession('critic', P.criticSystem(kit.nonce), kit.outBudget('critic'));
    const artifacts = ['task', ...(input.plan ? ['plan'] : []), 'diff', ...(input.previous ? ['previous-review'] : [])];
    const review = await structuredCall(
      sr,
      session,
      P.criticMessage(kit.task, input.plan, numberDiff(input.diff.diff), input.previous, kit.nonce),
      artifacts,
      ReviewSchema,
      'Review JSON',
    );
    return { review, spec: sr.model };
  });
  if (input.mustDiffer && r.spec.vendor === input.implementerVendor) {
    throw new StageFailure({
      kind: 'internal',
      message: `refusing a same-vendor review (${r.spec.id}, ${input.implementerVendor}); this is a Switchyard bug`,
    });
  }
  const checked: Review = {
    ...r.review,
    findings: anchorFindings(r.review, newLineCounts(input.resolved)).map(({ anchored: _a, note: _n, ...f }) => f),
  };
  kit.emit({
    type: 'review-ready',
    stage: 'critic',
    round: input.round,
    reviewerModelId: r.spec.id,
    reviewerVendor: r.spec.vendor,
    implementerVendor: input.implementerVendor,
    review: checked,
  });
  return { review: checked, spec: r.spec };
}
