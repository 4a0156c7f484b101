import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  appendRecord,
  defaultLedgerPath,
  ledgerPathFor,
  migrateLedger,
  readRecords,
} from '../../../src/core/ledger/ledgerFile';
import { isTrustedChange, type RunRecord } from '../../../src/core/ledger/runRecordSchema';
import { median, scorecard } from '../../../src/core/ledger/scorecard';

type StageRow = RunRecord['stages'][number];
const stage = (
  stage: StageRow['stage'],
  modelId: string,
  vendor: string,
  costUsd: number,
  elapsedMs: number,
  round = 1,
): StageRow => ({
  stage,
  round,
  modelId,
  vendor,
  state: 'done',
  tokensIn: 100,
  tokensOut: 10,
  costUsd,
  elapsedMs,
});

function record(
  id: string,
  outcome: RunRecord['outcome'],
  stages: StageRow[],
  verdict: RunRecord['finalVerdict'],
  implVendor = 'anthropic',
  reviewerVendor = 'openai',
): RunRecord {
  const total = stages.reduce((n, s) => n + s.costUsd, 0);
  return {
    v: 1,
    runId: id,
    startedAt: '2026-01-01T00:00:00.000Z',
    finishedAt: '2026-01-01T00:00:01.000Z',
    task: `task ${id}`,
    kind: 'bugfix',
    risk: 'medium',
    signals: [],
    decision: { stages: [], gates: [], estimatedCostUsd: 0 },
    stages,
    fallbacks: [],
    reviews:
      verdict === 'none'
        ? []
        : [
            {
              stage: 'critic',
              round: 1,
              reviewerModelId: 'gpt',
              reviewerVendor,
              implementerVendor: implVendor,
              verdict,
              findings: 0,
            },
          ],
    gates: [],
    verifications: [],
    finalVerdict: verdict,
    outcome,
    message: '',
    diff: 'diff --git a/x b/x\n',
    filesChanged: ['x'],
    totals: { tokensIn: 0, tokensOut: 0, costUsd: total, elapsedMs: 1000 },
  };
}

const runs: RunRecord[] = [
  record(
    '1',
    'applied',
    [stage('implementer', 'sonnet', 'anthropic', 0.02, 1000), stage('critic', 'gpt', 'openai', 0.01, 400)],
    'approve',
  ),
  record(
    '2',
    'applied',
    [
      stage('implementer', 'sonnet', 'anthropic', 0.04, 3000),
      stage('critic', 'gpt', 'openai', 0.02, 600),
      stage('implementer', 'sonnet', 'anthropic', 0.01, 500, 2),
      stage('critic', 'gpt', 'openai', 0.01, 100, 2),
    ],
    'approve',
  ),
  record(
    '3',
    'rejected',
    [stage('implementer', 'sonnet', 'anthropic', 0.03, 2000), stage('critic', 'gpt', 'openai', 0.01, 500)],
    'block',
  ),
  // Applied after a human gate without any review: not a trusted change.
  record('4', 'applied', [stage('implementer', 'sonnet', 'anthropic', 0.05, 1500)], 'none'),
  record('5', 'cancelled', [stage('implementer', 'gpt', 'openai', 0.005, 200)], 'none'),
];

test('a trusted change is applied after an approving review from another vendor', () => {
  assert.deepEqual(runs.map(isTrustedChange), [true, true, false, false, false]);
  const sameVendor = record('6', 'applied', [], 'approve', 'openai', 'openai');
  assert.equal(isTrustedChange(sameVendor), false);
});

test('scorecard: runs, acceptance, median time, and cost per trusted change per model and role', () => {
  const card = scorecard(runs);
  const impl = card.rows.find((r) => r.modelId === 'sonnet' && r.role === 'implementer')!;
  assert.equal(impl.runs, 4);
  assert.equal(impl.acceptanceRate, 3 / 4); // runs 1, 2, 4 applied; 3 rejected
  assert.equal(impl.medianMs, median([1000, 3500, 2000, 1500]));
  assert.ok(Math.abs(impl.costUsd - 0.15) < 1e-12);
  assert.equal(impl.trustedChanges, 2);
  // Whole-run costs of the trusted runs: 0.03 and 0.08 → 0.055 per trusted change.
  assert.ok(Math.abs(impl.costPerTrustedChange! - 0.055) < 1e-12);
  const gptImpl = card.rows.find((r) => r.modelId === 'gpt' && r.role === 'implementer')!;
  assert.equal(gptImpl.acceptanceRate, null, 'a cancelled run decides nothing');
  assert.equal(gptImpl.costPerTrustedChange, null);
  assert.equal(card.overall.runs, 5);
  assert.equal(card.overall.trustedChanges, 2);
  assert.ok(Math.abs(card.overall.costPerTrustedChange! - 0.055) < 1e-12);
  assert.deepEqual(
    card.rows.map((r) => r.role),
    ['implementer', 'implementer', 'critic'],
  );
});

test('median of even and odd lists', () => {
  assert.equal(median([]), 0);
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
});

test('append and read back JSON lines; torn lines are reported, not fatal; keys are scrubbed', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-ledger-'));
  try {
    const file = join(dir, 'nested', 'runs.jsonl');
    await appendRecord(file, runs[0]!);
    appendFileSync(file, '{"torn": \n');
    const leaky = {
      ...runs[1]!,
      diff: '+OPENAI_API_KEY=sk-live-abcdefghijklmnop\n',
      message: 'used key secret-key-value-123',
    };
    await appendRecord(file, leaky, 'secret-key-value-123');
    const text = readFileSync(file, 'utf8');
    assert.equal(text.split('\n').filter(Boolean).length, 3);
    assert.doesNotMatch(text, /sk-live-abcdefghijklmnop|secret-key-value-123/);
    const back = await readRecords(file);
    assert.deepEqual(
      back.records.map((r) => r.runId),
      ['1', '2'],
    );
    assert.equal(back.problems.length, 1);
    assert.equal(back.problems[0]!.line, 2);
    assert.deepEqual(await readRecords(join(dir, 'missing.jsonl')), { records: [], problems: [] });
    writeFileSync(join(dir, 'other.jsonl'), '{"hello":1}\n');
    assert.match((await readRecords(join(dir, 'other.jsonl'))).problems[0]!.message, /not a run record/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the default ledger lives outside the workspace', () => {
  assert.equal(defaultLedgerPath({ SWITCHYARD_LEDGER: '/x/y.jsonl' }), '/x/y.jsonl');
  assert.equal(defaultLedgerPath({ XDG_STATE_HOME: '/state' }), '/state/switchyard/runs.jsonl');
  assert.equal(defaultLedgerPath({ HOME: '/home/u' }), '/home/u/.local/state/switchyard/runs.jsonl');
});

test('a named ledger (--ledger, switchyard.ledgerPath) wins over the default, relative to the working folder', () => {
  const env = { XDG_STATE_HOME: '/state' };
  assert.equal(ledgerPathFor('runs.jsonl', env, '/work/repo'), '/work/repo/runs.jsonl');
  assert.equal(ledgerPathFor('/abs/l.jsonl', env, '/work/repo'), '/abs/l.jsonl');
  assert.equal(ledgerPathFor(undefined, env, '/work/repo'), '/state/switchyard/runs.jsonl');
  assert.equal(ledgerPathFor('', env, '/work/repo'), '/state/switchyard/runs.jsonl');
});

test('the runs of the editor’s earlier ledger move into the shared one once: none lost, none twice', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-migrate-'));
  try {
    const old = join(dir, 'globalStorage', 'runs.jsonl');
    const shared = join(dir, 'state', 'switchyard', 'runs.jsonl');
    const a = { ...record('a', 'applied', [], 'approve'), startedAt: '2025-01-02T00:00:00.000Z' };
    const b = { ...record('b', 'rejected', [], 'approve'), startedAt: '2025-01-01T00:00:00.000Z' };
    const c = record('c', 'applied', [], 'approve');
    await appendRecord(old, a);
    await appendRecord(old, b);
    appendFileSync(old, 'not json\n');
    await appendRecord(old, c);
    await appendRecord(shared, c); // already there (the CLI recorded it too): not twice
    assert.equal(await migrateLedger(old, shared), 2);
    assert.deepEqual(
      (await readRecords(shared)).records.map((r) => r.runId),
      ['c', 'b', 'a'],
      'appended oldest first after what was there',
    );
    assert.match(readFileSync(`${old}.moved`, 'utf8'), /not json/, 'the old file is kept, renamed, lines untouched');
    assert.equal(await migrateLedger(old, shared), 0, 'moved once');
    assert.equal(await migrateLedger(join(dir, 'none.jsonl'), shared), 0, 'no earlier ledger: nothing to do');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
