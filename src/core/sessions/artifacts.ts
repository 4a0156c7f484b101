// The typed artifacts that are the ONLY things allowed to cross from one role to another:
// Findings (scout), Plan (architect), the diff (implementer, via the edit engine), Review (critic),
// and Answer (for questions). Each is zod so a model's JSON is checked before another role sees it.
import { z } from 'zod';

export const FindingsSchema = z.object({
  relevantFiles: z.array(z.object({ path: z.string(), why: z.string() })).default([]),
  facts: z.array(z.string()).default([]),
});
export type Findings = z.infer<typeof FindingsSchema>;

export const PlanSchema = z.object({
  summary: z.string(),
  steps: z.array(z.string()).min(1),
  filesToTouch: z.array(z.string()).default([]),
  risks: z.array(z.string()).default([]),
});
export type Plan = z.infer<typeof PlanSchema>;

export const AnswerSchema = z.object({ text: z.string() });
export type Answer = z.infer<typeof AnswerSchema>;

/** The implementer's artifact as other roles see it: the canonical unified diff and the files it touches. */
export const DiffArtifactSchema = z.object({
  diff: z.string(),
  files: z.array(z.string()),
  addedLines: z.number().int().nonnegative(),
  removedLines: z.number().int().nonnegative(),
});
export type DiffArtifact = z.infer<typeof DiffArtifactSchema>;
