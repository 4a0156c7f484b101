// What the scorecard view adds over the ledger's scorecard(): filters by time range and task kind,
// per-stage health (how often a stage was skipped, failed, or fell back), and the series behind the
// chart — cost per trusted change per model, one point per day. Pure functions of run records.
import { z } from 'zod';
import { TaskKindSchema, type Stage } from '../config/policySchema';
import { STAGES } from '../config/stages';
import { isTrustedChange, type RunRecord } from '../ledger/runRecordSchema';
import { TIME_RANGES } from './timeRanges';

export const TimeRangeSchema = z.enum(TIME_RANGES);
export type TimeRange = z.infer<typeof TimeRangeSchema>;

export const ScorecardFilterSchema = z.object({
  range: TimeRangeSchema.default('all'),
  kind: z.union([TaskKindSchema, z.literal('all')]).default('all'),
});
export type ScorecardFilter = z.infer<typeof ScorecardFilterSchema>;

const DAY_MS = 86_400_000;
const RANGE_DAYS: Record<TimeRange, number | undefined> = { '7d': 7, '30d': 30, '90d': 90, all: undefined };

export function filterRecords(records: readonly RunRecord[], filter: ScorecardFilter, nowMs: number): RunRecord[] {
  const days = RANGE_DAYS[filter.range];
  const since = days === undefined ? -Infinity : nowMs - days * DAY_MS;
  return records.filter((r) => Date.parse(r.startedAt) >= since && (filter.kind === 'all' || r.kind === filter.kind));
}

export interface StageHealth {
  stage: Stage;
  /** Runs whose decision named this stage, or that ran it. */
  runs: number;
  /** Planned in the decision but never run (no model ready, no reviewer of another vendor, a question answered…). */
  skipped: number;
  /** Runs in which a pass of this stage failed. */
  failed: number;
  /** Runs in which this stage fell back from one model to another at least once. */
  fellBack: number;
}

export function stageHealth(records: readonly RunRecord[]): StageHealth[] {
  return STAGES.map((stage) => {
    let runs = 0;
    let skipped = 0;
    let failed = 0;
    let fellBack = 0;
    for (const r of records) {
      const planned = r.decision.stages.some((s) => s.stage === stage);
      const passes = r.stages.filter((s) => s.stage === stage);
      if (!planned && passes.length === 0) continue;
      runs++;
      if (passes.length === 0 && r.outcome !== 'cancelled') skipped++;
      if (passes.some((s) => s.state === 'failed')) failed++;
      if (r.fallbacks.some((f) => f.stage === stage)) fellBack++;
    }
    return { stage, runs, skipped, failed, fellBack };
  }).filter((h) => h.runs > 0);
}

export interface SeriesPoint {
  /** UTC day, YYYY-MM-DD. */
  day: string;
  costPerTrustedChange: number;
  trustedChanges: number;
}

export interface ModelSeries {
  modelId: string;
  points: SeriesPoint[];
}

/**
 * Cost per trusted change per model and day. A model counts for a run when it did any stage of it
 * (the same attribution as the scorecard rows); the run's whole cost goes into its figure.
 */
export function costPerTrustedSeries(records: readonly RunRecord[]): ModelSeries[] {
  const acc = new Map<string, Map<string, { cost: number; n: number }>>();
  for (const r of records) {
    if (!isTrustedChange(r)) continue;
    const day = r.startedAt.slice(0, 10);
    for (const modelId of new Set(r.stages.map((s) => s.modelId))) {
      const byDay = acc.get(modelId) ?? new Map();
      const cur = byDay.get(day) ?? { cost: 0, n: 0 };
      cur.cost += r.totals.costUsd;
      cur.n++;
      byDay.set(day, cur);
      acc.set(modelId, byDay);
    }
  }
  return [...acc.entries()]
    .map(([modelId, byDay]) => ({
      modelId,
      points: [...byDay.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([day, v]) => ({ day, costPerTrustedChange: v.cost / v.n, trustedChanges: v.n })),
    }))
    .sort((a, b) => a.modelId.localeCompare(b.modelId));
}

/** Tokens per (model, role), which scorecard() leaves out. */
export function tokensByModelRole(records: readonly RunRecord[]): Map<string, { tokensIn: number; tokensOut: number }> {
  const out = new Map<string, { tokensIn: number; tokensOut: number }>();
  for (const r of records)
    for (const s of r.stages) {
      const key = `${s.modelId}\u0000${s.stage}`;
      const cur = out.get(key) ?? { tokensIn: 0, tokensOut: 0 };
      cur.tokensIn += s.tokensIn;
      cur.tokensOut += s.tokensOut;
      out.set(key, cur);
    }
  return out;
}
