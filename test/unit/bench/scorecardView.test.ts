// The scorecard view's figures from a four-run fixture ledger, each expected value worked out by
// hand (arithmetic in the comments), under no filter, a 30-day range, and a task-kind filter.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildScorecardView, type ScorecardView } from '../../../src/core/bench/scorecardView';
import { ScorecardFilterSchema } from '../../../src/core/bench/scorecardFilters';
import { FIXTURE, NOW } from './scorecardFixture';

const close = (a: number | null, b: number, what: string) =>
  assert.ok(a !== null && Math.abs(a - b) < 1e-12, `${what}: ${a} ≠ ${b}`);
const row = (v: ScorecardView, model: string, role: string) => {
  const r = v.rows.find((x) => x.modelId === model && x.role === role);
  assert.ok(r, `row ${model}/${role}`);
  return r;
};

test('all runs: per model and role, per stage, overall, and the chart series', () => {
  const v = buildScorecardView(FIXTURE, ScorecardFilterSchema.parse({}), NOW);
  assert.deepEqual(
    v.rows.map((r) => `${r.role}:${r.modelId}`),
    ['implementer:gpt', 'implementer:sonnet', 'critic:gpt', 'critic:gpt-mini', 'critic:sonnet'],
  );
  // sonnet as implementer: R1..R4 → 4 runs; decided 4, applied 3 (R1,R3,R4) → 3/4 = 0.75.
  // Times 1000, 3000, 200, 4000 → sorted 200,1000,3000,4000 → median (1000+3000)/2 = 2000.
  // Own cost 0.006 + 0.012 + 0 + 0.02 = 0.038. Tokens in 1000+2000+0+3000 = 6000, out 200+400+0+500 = 1100.
  // Trusted R1, R3, R4 → 3; their whole-run cost 0.0095 + 0.015 + 0.025 = 0.0495 → 0.0495/3 = 0.0165.
  const s = row(v, 'sonnet', 'implementer');
  assert.equal(s.runs, 4);
  assert.equal(s.acceptanceRate, 0.75);
  assert.equal(s.medianMs, 2000);
  close(s.costUsd, 0.038, 'sonnet cost');
  assert.equal(s.tokensIn, 6000);
  assert.equal(s.tokensOut, 1100);
  assert.equal(s.trustedChanges, 3);
  close(s.costPerTrustedChange, 0.0165, 'sonnet cost per trusted change');
  // gpt as critic: R1, R2 → 2 runs; applied 1 of 2 decided → 0.5; times 500, 1000 → median 750;
  // cost 0.0035 + 0.004 = 0.0075; trusted R1 only → 0.0095 / 1.
  const g = row(v, 'gpt', 'critic');
  assert.equal(g.runs, 2);
  assert.equal(g.acceptanceRate, 0.5);
  assert.equal(g.medianMs, 750);
  close(g.costUsd, 0.0075, 'gpt critic cost');
  assert.equal(g.tokensIn, 4400);
  close(g.costPerTrustedChange, 0.0095, 'gpt critic cost per trusted change');
  // gpt as implementer: R3 alone → 1 run, 1/1 accepted, 2000 ms, $0.01, trusted 1 at $0.015.
  const gi = row(v, 'gpt', 'implementer');
  assert.deepEqual([gi.runs, gi.acceptanceRate, gi.medianMs, gi.trustedChanges], [1, 1, 2000, 1]);
  close(gi.costPerTrustedChange, 0.015, 'gpt implementer');

  // Overall: 4 runs, 3 applied, 3 trusted; total 0.0095 + 0.016 + 0.015 + 0.025 = 0.0655; per trusted 0.0495/3 = 0.0165.
  assert.equal(v.overall.runs, 4);
  assert.equal(v.overall.applied, 3);
  assert.equal(v.overall.trustedChanges, 3);
  close(v.overall.costUsd, 0.0655, 'overall cost');
  close(v.overall.costPerTrustedChange, 0.0165, 'overall per trusted');

  // Stages: scout planned once (R3) and never ran → skipped 1. Implementer in all 4, a failed pass in R3
  // and a fallback in R3 → failed 1, fell back 1. Critic in all 4, clean.
  assert.deepEqual(v.stages, [
    { stage: 'scout', runs: 1, skipped: 1, failed: 0, fellBack: 0 },
    { stage: 'implementer', runs: 4, skipped: 0, failed: 1, fellBack: 1 },
    { stage: 'critic', runs: 4, skipped: 0, failed: 0, fellBack: 0 },
  ]);

  // Series: a trusted run counts for every model that did a stage of it, at its whole cost, per UTC day.
  // gpt: R1 (11-20, $0.0095), R3 (11-21, $0.015). gpt-mini: R4 (10-01, $0.025).
  // sonnet: R4 (10-01, $0.025), R1 (11-20, $0.0095), R3 (11-21, $0.015).
  assert.deepEqual(v.series, [
    {
      modelId: 'gpt',
      points: [
        { day: '2026-11-20', costPerTrustedChange: 0.0095, trustedChanges: 1 },
        { day: '2026-11-21', costPerTrustedChange: 0.015, trustedChanges: 1 },
      ],
    },
    { modelId: 'gpt-mini', points: [{ day: '2026-10-01', costPerTrustedChange: 0.025, trustedChanges: 1 }] },
    {
      modelId: 'sonnet',
      points: [
        { day: '2026-10-01', costPerTrustedChange: 0.025, trustedChanges: 1 },
        { day: '2026-11-20', costPerTrustedChange: 0.0095, trustedChanges: 1 },
        { day: '2026-11-21', costPerTrustedChange: 0.015, trustedChanges: 1 },
      ],
    },
  ]);
});

test('a 30-day range drops the October run', () => {
  const v = buildScorecardView(FIXTURE, ScorecardFilterSchema.parse({ range: '30d' }), NOW);
  // R1, R2, R3 remain. sonnet implementer: 3 runs, applied 2 of 3 decided; times 1000, 3000, 200 → median 1000;
  // cost 0.006 + 0.012 + 0 = 0.018; trusted R1, R3 → (0.0095 + 0.015)/2 = 0.01225.
  const s = row(v, 'sonnet', 'implementer');
  assert.equal(s.runs, 3);
  close(s.acceptanceRate, 2 / 3, 'acceptance');
  assert.equal(s.medianMs, 1000);
  close(s.costUsd, 0.018, 'cost');
  close(s.costPerTrustedChange, 0.01225, 'per trusted');
  assert.equal(
    v.rows.some((r) => r.modelId === 'gpt-mini'),
    false,
  );
  assert.equal(v.overall.runs, 3);
});

test('a kind filter keeps only that kind of task', () => {
  const v = buildScorecardView(FIXTURE, ScorecardFilterSchema.parse({ kind: 'bugfix' }), NOW);
  // R2 and R3: 2 runs, 1 applied (R3), 1 trusted at $0.015; total 0.016 + 0.015 = 0.031.
  assert.equal(v.overall.runs, 2);
  assert.equal(v.overall.applied, 1);
  assert.equal(v.overall.trustedChanges, 1);
  close(v.overall.costUsd, 0.031, 'bugfix total');
  close(v.overall.costPerTrustedChange, 0.015, 'bugfix per trusted');
  const empty = buildScorecardView(FIXTURE, ScorecardFilterSchema.parse({ kind: 'test', range: '7d' }), NOW);
  assert.deepEqual([empty.rows, empty.stages, empty.series, empty.overall.costPerTrustedChange], [[], [], [], null]);
});
