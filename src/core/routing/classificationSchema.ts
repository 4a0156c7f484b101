// The classifier's output as plain data: what kind of task this is, how risky, and which signals
// fired to say so. Shared by the local classifier, the optional model classifier, the decision and
// the UI, so it lives in its own small module with no logic.
import { z } from 'zod';
import { RiskSchema, TaskKindSchema } from '../config/policySchema';

/** One rule that matched: a stable id for tests and tooling, a label for people, the text that matched. */
export const SignalSchema = z.object({
  id: z.string(),
  label: z.string(),
  /** The words in the task or context that made it fire (shown so a person can judge it). */
  evidence: z.string(),
  /** What this signal pushes: a kind, a risk, or both. */
  kind: TaskKindSchema.optional(),
  risk: RiskSchema.optional(),
});
export type Signal = z.infer<typeof SignalSchema>;

/** A feature that weighed in a call, as a person reads it ("‘charged twice’", "a traceback"). */
export const WeighedFeatureSchema = z.object({
  /** The model's feature id ("b:charg twic", "s:traceback", "r:payments"). */
  id: z.string(),
  label: z.string(),
  /** How much it pushed toward the call (log-odds over the average class). */
  weight: z.number(),
});
export type WeighedFeature = z.infer<typeof WeighedFeatureSchema>;

/** One call of the classifier (the kind, or the risk) with how sure it was and why. */
export const CallSchema = z.object({
  /** The model's probability for the class it chose, 0–1 (rules that overrode it keep it as is). */
  confidence: z.number().min(0).max(1),
  /** Below the confidence the classifier trusts: the call could well be the runner-up. */
  uncertain: z.boolean(),
  /** The next most likely class and its probability: which way an uncertain call leaned. */
  runnerUp: z.object({ label: z.string(), p: z.number().min(0).max(1) }).optional(),
  /** The features that weighed most for the call, strongest first. */
  features: z.array(WeighedFeatureSchema).max(12),
  /** When a rule made the call rather than the model: which ("phrased as a question", "file in play: …"). */
  rule: z.string().optional(),
});
export type Call = z.infer<typeof CallSchema>;

export const ClassificationSchema = z.object({
  kind: TaskKindSchema,
  risk: RiskSchema,
  /** Human labels of the signals that fired, e.g. "touches auth", "schema migration". */
  signals: z.array(z.string()),
  /** The same signals with their evidence, for the "why" view. */
  details: z.array(SignalSchema),
  /** One line per conclusion: why this kind, why this risk. */
  reasons: z.array(z.string()),
  source: z.enum(['local', 'model']),
  /** Whether an architect should plan before anyone implements (the rubric's needs_plan). */
  needsPlan: z.boolean().optional(),
  /** Confidence and the weighed features behind the kind and the risk (the local classifier's). */
  calls: z.object({ kind: CallSchema, risk: CallSchema }).optional(),
});
export type Classification = z.infer<typeof ClassificationSchema>;

/** The shape of the workspace (workspaceProfile.ts): the shares of its files, 0–1. */
export const WorkspaceProfileSchema = z.object({
  files: z.number().int().nonnegative(),
  docs: z.number().min(0).max(1),
  source: z.number().min(0).max(1),
  tests: z.number().min(0).max(1),
  infra: z.number().min(0).max(1),
});

/** Optional context the host knows about the task. All of it is data; none of it is an instruction. */
export const TaskContextSchema = z.object({
  filePaths: z.array(z.string()).default([]),
  /**
   * The context locator's ranked candidates for the task, most likely first. A guess, not a file in
   * play: only the first counts, and it lifts the risk by one step at most (see likelyRiskLift).
   */
  likelyPaths: z.array(z.string()).default([]),
  selectionLines: z.number().int().nonnegative().optional(),
  /** What the workspace is made of (the index's file list): a documentation site, a Terraform tree… */
  workspace: WorkspaceProfileSchema.optional(),
  diagnostics: z
    .array(
      z.object({
        file: z.string().optional(),
        severity: z.enum(['error', 'warning', 'info', 'hint']),
        message: z.string(),
      }),
    )
    .default([]),
});
export type TaskContext = z.input<typeof TaskContextSchema>;
