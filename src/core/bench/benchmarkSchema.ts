// The personal benchmark set: past tasks the user marked as good, representative work. Stored in
// the workspace as `.switchyard/benchmarks.json` so a team can share it; each item keeps the task
// text, the content hashes of the files the task was about (so a replay can tell when the code has
// moved on since), and the diff that was accepted then, as the reference.
import { z } from 'zod';
import { TaskKindSchema, RiskSchema } from '../config/policySchema';

export const BENCHMARK_SET_VERSION = 1;
export const BENCHMARKS_PATH = '.switchyard/benchmarks.json';

export const ContextFileSchema = z.object({
  /** Workspace-relative, forward slashes. */
  path: z.string().min(1),
  /** sha256 hex of the file's bytes when the item was marked; null when the file did not exist. */
  sha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .nullable(),
});
export type ContextFile = z.infer<typeof ContextFileSchema>;

export const BenchmarkItemSchema = z.object({
  id: z.string().min(1),
  task: z.string().min(1),
  kind: TaskKindSchema.optional(),
  risk: RiskSchema.optional(),
  /** The run it came from, when it was marked from the ledger. */
  runId: z.string().optional(),
  addedAt: z.string(),
  contextFiles: z.array(ContextFileSchema).default([]),
  /** The unified diff that was accepted for this task: the reference a replay is compared with. */
  acceptedDiff: z.string().optional(),
  note: z.string().optional(),
});
export type BenchmarkItem = z.infer<typeof BenchmarkItemSchema>;

export const BenchmarkSetSchema = z.object({
  version: z.literal(BENCHMARK_SET_VERSION),
  items: z.array(BenchmarkItemSchema),
});
export type BenchmarkSet = z.infer<typeof BenchmarkSetSchema>;

export function emptyBenchmarkSet(): BenchmarkSet {
  return { version: BENCHMARK_SET_VERSION, items: [] };
}
