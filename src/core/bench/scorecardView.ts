// The scorecard as the view and `switchyard bench stats` show it: the ledger's scorecard rows with
// tokens added, per-stage health, the chart series, and the filter that produced them. One zod
// schema, because the extension sends it across the webview boundary.
import { z } from 'zod';
import { StageSchema } from '../config/policySchema';
import type { RunRecord } from '../ledger/runRecordSchema';
import { scorecard } from '../ledger/scorecard';
import {
  costPerTrustedSeries,
  filterRecords,
  ScorecardFilterSchema,
  stageHealth,
  tokensByModelRole,
  type ScorecardFilter,
} from './scorecardFilters';

export const ScorecardViewSchema = z.object({
  filter: ScorecardFilterSchema,
  rows: z.array(
    z.object({
      modelId: z.string(),
      role: StageSchema,
      runs: z.number(),
      acceptanceRate: z.number().nullable(),
      medianMs: z.number(),
      tokensIn: z.number(),
      tokensOut: z.number(),
      costUsd: z.number(),
      trustedChanges: z.number(),
      costPerTrustedChange: z.number().nullable(),
    }),
  ),
  stages: z.array(
    z.object({ stage: StageSchema, runs: z.number(), skipped: z.number(), failed: z.number(), fellBack: z.number() }),
  ),
  series: z.array(
    z.object({
      modelId: z.string(),
      points: z.array(z.object({ day: z.string(), costPerTrustedChange: z.number(), trustedChanges: z.number() })),
    }),
  ),
  overall: z.object({
    runs: z.number(),
    applied: z.number(),
    trustedChanges: z.number(),
    costUsd: z.number(),
    costPerTrustedChange: z.number().nullable(),
  }),
});
export type ScorecardView = z.infer<typeof ScorecardViewSchema>;

export function buildScorecardView(
  records: readonly RunRecord[],
  filter: ScorecardFilter,
  nowMs: number,
): ScorecardView {
  const picked = filterRecords(records, filter, nowMs);
  const card = scorecard(picked);
  const tokens = tokensByModelRole(picked);
  return {
    filter,
    rows: card.rows.map((r) => ({
      ...r,
      ...(tokens.get(`${r.modelId}\u0000${r.role}`) ?? { tokensIn: 0, tokensOut: 0 }),
    })),
    stages: stageHealth(picked),
    series: costPerTrustedSeries(picked),
    overall: card.overall,
  };
}
