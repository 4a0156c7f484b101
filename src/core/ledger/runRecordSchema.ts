// RunRecord: one JSON line per run in the ledger. What was decided, which model did each stage,
// tokens, cost, time, verdicts, gates and the outcome. No secrets and no file contents beyond the
// diff: the task text, the diff and model ids are all it holds of the workspace.
import { z } from 'zod';
import { RiskSchema, StageSchema, TaskKindSchema } from '../config/policySchema';
import { OutcomeSchema, StageStateSchema } from '../stage/events';
import { VerdictSchema } from '../review/reviewSchema';

export const RUN_RECORD_VERSION = 1;

export const RunRecordSchema = z.object({
  v: z.literal(RUN_RECORD_VERSION),
  runId: z.string(),
  startedAt: z.string(),
  finishedAt: z.string(),
  task: z.string(),
  kind: TaskKindSchema,
  risk: RiskSchema,
  /** The calls the person set over the classifier's ("Route again as…", `--kind`/`--risk`). */
  setByPerson: z.array(z.enum(['kind', 'risk'])).optional(),
  signals: z.array(z.string()),
  decision: z.object({
    stages: z.array(
      z.object({
        stage: StageSchema,
        modelId: z.string().optional(),
        vendor: z.string().optional(),
        estimatedCostUsd: z.number(),
      }),
    ),
    gates: z.array(z.string()),
    estimatedCostUsd: z.number(),
  }),
  stages: z.array(
    z.object({
      stage: StageSchema,
      round: z.number().int(),
      modelId: z.string(),
      vendor: z.string(),
      state: StageStateSchema,
      tokensIn: z.number(),
      tokensOut: z.number(),
      costUsd: z.number(),
      elapsedMs: z.number(),
    }),
  ),
  fallbacks: z.array(
    z.object({ stage: StageSchema, from: z.string(), to: z.string(), errorKind: z.string(), message: z.string() }),
  ),
  reviews: z.array(
    z.object({
      stage: z.enum(['critic', 'finalOwner']),
      round: z.number().int(),
      reviewerModelId: z.string(),
      reviewerVendor: z.string(),
      implementerVendor: z.string(),
      verdict: VerdictSchema,
      findings: z.number().int(),
    }),
  ),
  gates: z.array(z.object({ gateId: z.string(), reasons: z.array(z.string()), approved: z.boolean().optional() })),
  /** The verify command's result per round, when the policy has one (status, and passed when it ran). */
  verifications: z
    .array(z.object({ round: z.number().int(), status: z.string(), passed: z.boolean().optional() }))
    .default([]),
  /** The verdict the apply decision rested on (final owner's if it ran, else the critic's last); none without a review. */
  finalVerdict: z.union([VerdictSchema, z.literal('none')]),
  outcome: OutcomeSchema,
  message: z.string(),
  diff: z.string().optional(),
  filesChanged: z.array(z.string()),
  totals: z.object({ tokensIn: z.number(), tokensOut: z.number(), costUsd: z.number(), elapsedMs: z.number() }),
  error: z.object({ kind: z.string(), message: z.string() }).optional(),
  /** Data residency, when the policy has rules: each rule, whether it bore on this run, and every model it kept out (when deciding, or at run time as files were read). */
  residency: z
    .object({
      rules: z.array(
        z.object({ rule: z.string(), summary: z.string(), applied: z.boolean(), files: z.array(z.string()) }),
      ),
      excluded: z.array(
        z.object({
          stage: StageSchema,
          modelId: z.string(),
          rule: z.string(),
          reason: z.string(),
          at: z.enum(['decision', 'run']),
        }),
      ),
    })
    .optional(),
});
export type RunRecord = z.infer<typeof RunRecordSchema>;

/** A change is trusted when it was applied after an approving cross-vendor review. */
export function isTrustedChange(r: RunRecord): boolean {
  return (
    r.outcome === 'applied' &&
    r.finalVerdict === 'approve' &&
    r.reviews.some((v) => v.verdict === 'approve' && v.reviewerVendor !== v.implementerVendor)
  );
}
