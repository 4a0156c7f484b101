// Inputs built to exhaust time or memory (issue 15, the size Low items): a patch of tens of thousands
// of search/replace blocks is refused at once with one clear line instead of being parsed, matched and
// reported block by block (a million took two minutes and 1.5 GB, then a RangeError); and a patch under
// the cap whose every block misses reports a bounded number of problems.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runApply } from '../../../src/cli/apply';
import { resolveAgainst } from '../../../src/core/edits/resolveAgainst';
import { snapshotFromText } from '../../../src/core/edits/fileText';
import type { EditPlan } from '../../../src/core/edits/editPlan';

const block = (i: number) => `<<<<<<< SEARCH\nline ${i} that is not there\n=======\nx\n>>>>>>> REPLACE\n`;

async function apply(root: string, patch: string) {
  const err: string[] = [];
  const t0 = performance.now();
  const code = await runApply(['--root', root], {
    stdinIsTty: false,
    readStdin: async () => patch,
    out: () => {},
    err: (t) => err.push(t),
  });
  return { code, err: err.join(''), ms: performance.now() - t0 };
}

test('Low: 40,000 search/replace blocks are refused at once, with one line saying why (bound: 2 s)', async () => {
  const root = mkdtempSync(join(tmpdir(), 'switchyard-hostile-limits-'));
  try {
    writeFileSync(join(root, 'a.txt'), 'hello\n');
    const patch = `a.txt\n${Array.from({ length: 40_000 }, (_, i) => block(i)).join('')}`;
    const r = await apply(root, patch);
    assert.equal(r.code, 1, r.err.slice(0, 500));
    const lines = r.err.trim().split('\n');
    assert.ok(lines.length <= 3, `${lines.length} lines on stderr`);
    assert.match(r.err, /40000 edit blocks.*more than 10000/);
    assert.ok(r.ms < 2000, `took ${r.ms.toFixed(0)} ms`);
    assert.equal(readFileSync(join(root, 'a.txt'), 'utf8'), 'hello\n');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('Low: a patch under the cap whose every block misses reports at most 100 problems and a count of the rest', async () => {
  const root = mkdtempSync(join(tmpdir(), 'switchyard-hostile-limits-'));
  try {
    writeFileSync(join(root, 'a.txt'), 'hello\n');
    const r = await apply(root, `a.txt\n${Array.from({ length: 3000 }, (_, i) => block(i)).join('')}`);
    assert.equal(r.code, 1);
    const lines = r.err.trim().split('\n');
    assert.ok(lines.length <= 101, `${lines.length} lines on stderr`);
    assert.match(r.err, /and 2900 more problems/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('Low: a plan handed over directly (a tool call) with more hunks than the cap is refused before it is checked', () => {
  const hunk = { old: ['a'], new: ['b'], anchors: [], atEof: false, block: 1, patchLine: 1 };
  const plan = {
    format: 'search-replace',
    files: [{ path: 'a.txt', op: 'update', hunks: Array.from({ length: 200_000 }, () => hunk), sequential: false }],
  } as unknown as EditPlan;
  const t0 = performance.now();
  const out = resolveAgainst(plan, new Map([['a.txt', snapshotFromText('a\n')]]));
  const ms = performance.now() - t0;
  assert.equal(out.ok, false);
  assert.match(out.ok ? '' : out.problems[0]!.message, /200000 edit blocks.*more than 10000/);
  assert.ok(ms < 500, `took ${ms.toFixed(0)} ms`);
});
