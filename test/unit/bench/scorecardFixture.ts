// A hand-made ledger of four runs for the scorecard tests; every figure the tests expect is worked
// out by hand from these records (see the comments in scorecardView.test.ts).
import { RunRecordSchema, type RunRecord } from '../../../src/core/ledger/runRecordSchema';
import type { Stage, TaskKind } from '../../../src/core/config/policySchema';

type Pass = [
  stage: Stage,
  modelId: string,
  vendor: string,
  state: 'done' | 'failed',
  ms: number,
  cost: number,
  tin: number,
  tout: number,
];

function rec(o: {
  id: string;
  at: string;
  kind: TaskKind;
  planned: Stage[];
  passes: Pass[];
  verdict: 'approve' | 'request-changes';
  reviewer: [string, string];
  implementerVendor: string;
  outcome: 'applied' | 'rejected';
  total: number;
  fallbacks?: RunRecord['fallbacks'];
}): RunRecord {
  return RunRecordSchema.parse({
    v: 1,
    runId: o.id,
    startedAt: o.at,
    finishedAt: o.at,
    task: `task ${o.id}`,
    kind: o.kind,
    risk: 'low',
    signals: [],
    decision: { stages: o.planned.map((stage) => ({ stage, estimatedCostUsd: 0 })), gates: [], estimatedCostUsd: 0 },
    stages: o.passes.map(([stage, modelId, vendor, state, elapsedMs, costUsd, tokensIn, tokensOut]) => ({
      stage,
      round: 1,
      modelId,
      vendor,
      state,
      tokensIn,
      tokensOut,
      costUsd,
      elapsedMs,
    })),
    fallbacks: o.fallbacks ?? [],
    reviews: [
      {
        stage: 'critic',
        round: 1,
        reviewerModelId: o.reviewer[0],
        reviewerVendor: o.reviewer[1],
        implementerVendor: o.implementerVendor,
        verdict: o.verdict,
        findings: 0,
      },
    ],
    gates: [],
    finalVerdict: o.verdict,
    outcome: o.outcome,
    message: o.outcome,
    diff: '--- a/x\n+++ b/x\n',
    filesChanged: ['x'],
    totals: {
      tokensIn: o.passes.reduce((n, p) => n + p[6], 0),
      tokensOut: o.passes.reduce((n, p) => n + p[7], 0),
      costUsd: o.total,
      elapsedMs: o.passes.reduce((n, p) => n + p[4], 0),
    },
  });
}

export const NOW = Date.parse('2026-11-22T00:00:00.000Z');

export const FIXTURE: RunRecord[] = [
  // R1: docs, applied after gpt approved sonnet's change: trusted, $0.0095.
  rec({
    id: 'R1',
    at: '2026-11-20T10:00:00.000Z',
    kind: 'docs',
    planned: ['implementer', 'critic'],
    passes: [
      ['implementer', 'sonnet', 'anthropic', 'done', 1000, 0.006, 1000, 200],
      ['critic', 'gpt', 'openai', 'done', 500, 0.0035, 2000, 100],
    ],
    verdict: 'approve',
    reviewer: ['gpt', 'openai'],
    implementerVendor: 'anthropic',
    outcome: 'applied',
    total: 0.0095,
  }),
  // R2: bugfix, gpt asked for changes, rejected: not trusted, $0.016.
  rec({
    id: 'R2',
    at: '2026-11-20T12:00:00.000Z',
    kind: 'bugfix',
    planned: ['implementer', 'critic'],
    passes: [
      ['implementer', 'sonnet', 'anthropic', 'done', 3000, 0.012, 2000, 400],
      ['critic', 'gpt', 'openai', 'done', 1000, 0.004, 2400, 100],
    ],
    verdict: 'request-changes',
    reviewer: ['gpt', 'openai'],
    implementerVendor: 'anthropic',
    outcome: 'rejected',
    total: 0.016,
  }),
  // R3: bugfix, scout planned but skipped; sonnet failed as implementer, fell back to gpt; sonnet reviewed: trusted, $0.015.
  rec({
    id: 'R3',
    at: '2026-11-21T09:00:00.000Z',
    kind: 'bugfix',
    planned: ['scout', 'implementer', 'critic'],
    passes: [
      ['implementer', 'sonnet', 'anthropic', 'failed', 200, 0, 0, 0],
      ['implementer', 'gpt', 'openai', 'done', 2000, 0.01, 1500, 300],
      ['critic', 'sonnet', 'anthropic', 'done', 800, 0.005, 1800, 80],
    ],
    fallbacks: [{ stage: 'implementer', from: 'sonnet', to: 'gpt', errorKind: 'server', message: '500 from sonnet' }],
    verdict: 'approve',
    reviewer: ['sonnet', 'anthropic'],
    implementerVendor: 'openai',
    outcome: 'applied',
    total: 0.015,
  }),
  // R4: docs, seven weeks earlier; gpt-mini approved sonnet's change: trusted, $0.025.
  rec({
    id: 'R4',
    at: '2026-10-01T08:00:00.000Z',
    kind: 'docs',
    planned: ['implementer', 'critic'],
    passes: [
      ['implementer', 'sonnet', 'anthropic', 'done', 4000, 0.02, 3000, 500],
      ['critic', 'gpt-mini', 'openai', 'done', 1000, 0.005, 2500, 90],
    ],
    verdict: 'approve',
    reviewer: ['gpt-mini', 'openai'],
    implementerVendor: 'anthropic',
    outcome: 'applied',
    total: 0.025,
  }),
];
