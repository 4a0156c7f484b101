// The Scorecard view's messages (host: src/vscode/scorecard/scorecardViewProvider.ts, app:
// webview/scorecard/), on the wire every view shares (channel.ts). The host reads the ledger and
// sends the figures; the app draws them and asks the host to filter, re-read, or start one of the
// two benchmark commands. Every message is validated at both ends.
// Namespace import: `import { z }` defeats tree-shaking and pulls all of zod into the webview bundle.
import * as z from 'zod';
import { TIME_RANGES } from '../core/bench/timeRanges';
import { STAGES, TASK_KINDS } from '../core/config/stages';
import { defineProtocol, ReadySchema } from './channel';

export { ROLE_LABELS, TASK_KINDS } from '../core/config/stages';
export { TIME_RANGES } from '../core/bench/timeRanges';

const id = z.string().max(200);
const count = z.number().int().nonnegative();
const amount = z.number().nonnegative();
const rate = z.number().min(0).max(1).nullable();
const stage = z.enum(STAGES);

export const ScorecardFilterSchema = z.object({
  range: z.enum(TIME_RANGES),
  kind: z.enum(['all', ...TASK_KINDS]),
});
export type ScorecardFilterView = z.infer<typeof ScorecardFilterSchema>;

/** The figures the view draws: core/bench/scorecardView.ts builds them from the ledger. */
export const ScorecardStateSchema = z.object({
  filter: ScorecardFilterSchema,
  rows: z
    .array(
      z.object({
        modelId: id,
        role: stage,
        runs: count,
        acceptanceRate: rate,
        medianMs: amount,
        tokensIn: count,
        tokensOut: count,
        costUsd: amount,
        trustedChanges: count,
        costPerTrustedChange: amount.nullable(),
      }),
    )
    .max(1000),
  stages: z.array(z.object({ stage, runs: count, skipped: count, failed: count, fellBack: count })).max(STAGES.length),
  series: z
    .array(
      z.object({
        modelId: id,
        points: z
          .array(z.object({ day: z.string().max(20), costPerTrustedChange: amount, trustedChanges: count }))
          .max(10_000),
      }),
    )
    .max(200),
  overall: z.object({
    runs: count,
    applied: count,
    trustedChanges: count,
    costUsd: amount,
    costPerTrustedChange: amount.nullable(),
  }),
});
export type ScorecardState = z.infer<typeof ScorecardStateSchema>;

const none = z.object({});

export const scorecardProtocol = defineProtocol({
  host: {
    /** The figures for the current filter, and a line about the ledger (where it is, or what was skipped). */
    'scorecard/state': z.object({ view: ScorecardStateSchema, note: z.string().max(4000).optional() }),
  },
  webview: { ready: ReadySchema },
  requests: {
    /** Keeps the filter (per workspace) and sends the figures again. */
    'scorecard/filter': [z.object({ filter: ScorecardFilterSchema }), none],
    /** Reads the ledger again. */
    'scorecard/refresh': [none, none],
    'benchmark/mark': [none, none],
    'routing/review': [none, none],
  },
});
export type ScorecardMaps = typeof scorecardProtocol.maps;
