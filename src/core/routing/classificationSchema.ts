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
});
export type Classification = z.infer<typeof ClassificationSchema>;

/** Optional context the host knows about the task. All of it is data; none of it is an instruction. */
export const TaskContextSchema = z.object({
  filePaths: z.array(z.string()).default([]),
  selectionLines: z.number().int().nonnegative().optional(),
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
