// The final owner: called in by escalation (high risk, protected paths, a large diff, a critic who
// never approved). A stronger, independent model reads the task, the plan, the diff and the critic's
// reviews, and gives the verdict the apply decision rests on. Its findings are anchored like the critic's.
import type { ModelSpec } from '../config/policySchema';
import type { ResolvedPlan } from '../edits/editPlan';
import type { StageDecision } from '../routing/decisionSchema';
import { anchorFindings } from '../review/anchorFindings';
import { numberDiff } from '../review/numberDiff';
import { ReviewSchema, type Review } from '../review/reviewSchema';
import type { DiffArtifact, Plan } from '../sessions/artifacts';
import * as P from '../sessions/prompts';
import { RoleSession } from '../sessions/roleSession';
import { newLineCounts } from './implementerEdits';
import type { StageKit } from './planningStages';
import { structuredCall } from '../stage/structuredCall';

export interface FinalOwnerInput {
  candidates: ModelSpec[];
  planned: StageDecision | undefined;
  reasons: string[];
  plan: Plan | undefined;
  diff: DiffArtifact;
  resolved: ResolvedPlan;
  criticReviews: readonly Review[];
  implementerVendor: string;
  round: number;
  /** What the last test run on this diff came to (verifyNoteForCritic), when the policy has a verify command. */
  verification?: string;
}

export async function finalOwnerReview(
  kit: StageKit,
  input: FinalOwnerInput,
): Promise<{ review: Review; spec: ModelSpec }> {
  const top = input.candidates[0]!;
  kit.emit({ type: 'escalated', to: 'stronger-model', reasons: input.reasons });
  const why =
    input.planned?.modelId === top.id
      ? input.planned.why
      : `${top.id} (${top.vendor}): final owner for ${input.reasons.join('; ')}`;
  const r = await kit.runStage(
    'finalOwner',
    input.round,
    input.candidates,
    why,
    input.planned?.rejected ?? [],
    async (sr) => {
      const session = new RoleSession('finalOwner', P.finalOwnerSystem(kit.nonce), kit.outBudget('finalOwner'));
      const artifacts = [
        'task',
        ...(input.plan ? ['plan'] : []),
        'diff',
        ...(input.criticReviews.length ? ['reviews'] : []),
        ...(input.verification ? ['verification'] : []),
      ];
      const review = await structuredCall(
        sr,
        session,
        P.finalOwnerMessage(
          kit.task,
          input.plan,
          numberDiff(input.diff.diff),
          input.criticReviews,
          input.reasons,
          kit.nonce,
          input.verification,
        ),
        artifacts,
        ReviewSchema,
        'Review JSON',
      );
      return { review, spec: sr.model };
    },
  );
  const checked: Review = {
    ...r.review,
    findings: anchorFindings(r.review, newLineCounts(input.resolved)).map(({ anchored: _a, note: _n, ...f }) => f),
  };
  kit.emit({
    type: 'review-ready',
    stage: 'finalOwner',
    round: input.round,
    reviewerModelId: r.spec.id,
    reviewerVendor: r.spec.vendor,
    implementerVendor: input.implementerVendor,
    review: checked,
  });
  return { review: checked, spec: r.spec };
}
