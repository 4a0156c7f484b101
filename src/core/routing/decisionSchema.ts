// RoutingDecision: the plan for one task, as plain data (zod). Which stages run, which model owns
// each and why, which alternatives were rejected and why, what it should cost, and where a person
// must confirm. The decision view, the pipeline, the CLI and the ledger all read this one shape.
import { z } from 'zod';
import { RiskSchema, StageSchema, TaskKindSchema } from '../config/policySchema';
import { ClassificationSchema } from './classificationSchema';

export const RejectionCodeSchema = z.enum([
  'vendor-rule', // would review its own vendor's work
  'budget', // its estimate alone would exceed a budget
  'missing-key', // no key / provider not ready
  'capability', // lacks a capability the stage needs
  'unknown-model', // named in a chain but not in models
  'lower-priority', // usable, kept as a fallback behind the chosen model
  'outage', // failed at run time; a fallback took over
  'residency', // a rules.residency rule forbids it this work (see `rule`)
]);
export type RejectionCode = z.infer<typeof RejectionCodeSchema>;

export const RejectedAlternativeSchema = z.object({
  modelId: z.string(),
  vendor: z.string().optional(),
  code: RejectionCodeSchema,
  reason: z.string(),
  /** The policy rule that rejected it, e.g. "rules.residency[0]" (residency rejections). */
  rule: z.string().optional(),
});
export type RejectedAlternative = z.infer<typeof RejectedAlternativeSchema>;

export { ROLE_LABELS } from '../config/stages';

export const StageDecisionSchema = z.object({
  stage: StageSchema,
  /** Display name of the role that owns the stage. */
  role: z.string(),
  /** Chosen model id; absent when no model can own the stage (see `unavailableReason`). */
  modelId: z.string().optional(),
  vendor: z.string().optional(),
  /** Usable models in order (chosen first); the run falls back along this list. */
  chain: z.array(z.object({ modelId: z.string(), vendor: z.string() })),
  why: z.string(),
  rejected: z.array(RejectedAlternativeSchema),
  estimate: z.object({ inputTokens: z.number(), outputTokens: z.number(), costUsd: z.number() }),
  unavailableReason: z.string().optional(),
});
export type StageDecision = z.infer<typeof StageDecisionSchema>;

export const GateCodeSchema = z.enum([
  'risk', // the task's risk is on the policy's human-gate list
  'protected-path', // the diff touches a protected path
  'no-cross-vendor-reviewer', // nobody of a different vendor can review
  'block', // the reviewer blocked
  'escalation', // rounds exhausted, diff too large, …
  'no-implementer', // no model can implement
  'residency', // data residency leaves a stage with no model
  'workspace-policy', // the approving review came from a model the workspace's policy file defines
]);
export type GateCode = z.infer<typeof GateCodeSchema>;

export const GateSchema = z.object({
  code: GateCodeSchema,
  /** When the gate stops the run: before applying, or before anything is sent. */
  at: z.enum(['before-run', 'before-apply']),
  reason: z.string(),
});
export type Gate = z.infer<typeof GateSchema>;

/** One rules.residency rule as it bore on this task: the panel, `explain` and the record show these. */
export const AppliedResidencyRuleSchema = z.object({
  rule: z.string(),
  /** What it says, in words: "src/payments/**: regions eu only". */
  summary: z.string(),
  /** Whether it applies to a stage of this task with the files known when deciding (more may be found at run time). */
  applies: z.boolean(),
  /** The task's files under its globs. */
  files: z.array(z.string()),
  /** The models it kept from a stage. */
  excluded: z.array(z.object({ stage: StageSchema, modelId: z.string() })),
});
export type AppliedResidencyRule = z.infer<typeof AppliedResidencyRuleSchema>;

export const RoutingDecisionSchema = z.object({
  task: z.string(),
  classification: ClassificationSchema,
  /** Shown beside the model's classification when a classifier model is configured. */
  localClassification: ClassificationSchema.optional(),
  kind: TaskKindSchema,
  risk: RiskSchema,
  /** False for questions: the run answers and never edits. */
  producesEdits: z.boolean(),
  /** Why these stages (e.g. "high risk: scout and architect before any edit"). */
  reasons: z.array(z.string()).default([]),
  stages: z.array(StageDecisionSchema),
  gates: z.array(GateSchema),
  maxReviewRounds: z.number().int().nonnegative(),
  estimatedCostUsd: z.number(),
  budget: z.object({ perTaskUsd: z.number().optional() }),
  /** Things a person should know before running (missing keys, over-budget estimate, …). */
  warnings: z.array(z.string()),
  /** Why the run cannot start at all, if it cannot. */
  blockedReason: z.string().optional(),
  /** The data-residency rules of the policy and how each bore on this task (absent when it has none). */
  residency: z.array(AppliedResidencyRuleSchema).optional(),
  /** The task's files the decision judged residency by (editor context, paths the task names). */
  files: z.array(z.string()).optional(),
});
export type RoutingDecision = z.infer<typeof RoutingDecisionSchema>;
