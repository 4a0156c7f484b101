// `switchyard bench add` in a repository whose `.switchyard` folder is a symlink (issue 15, the bench
// Low item): the benchmark set must not be written (or read) outside --root through it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBench } from '../../../src/cli/bench';
import type { VerbIo } from '../../../src/cli/verbIo';
import { FIXTURE } from '../bench/scorecardFixture';
import { hashTree, treeDiff } from './support';

test('Low: bench add refuses a .switchyard that links outside --root; nothing is written there', async () => {
  const base = mkdtempSync(join(tmpdir(), 'switchyard-hostile-bench-'));
  try {
    const root = join(base, 'ws');
    const outside = join(base, 'outside');
    mkdirSync(root);
    mkdirSync(outside);
    writeFileSync(join(root, 'README.md'), '# Demo\n');
    symlinkSync(outside, join(root, '.switchyard'));
    const ledger = join(base, 'runs.jsonl');
    writeFileSync(ledger, FIXTURE.map((r) => JSON.stringify(r)).join('\n') + '\n');
    const before = hashTree(outside);
    const out: string[] = [];
    const err: string[] = [];
    const io: VerbIo = { out: (t) => out.push(t), err: (t) => err.push(t), env: { HOME: base }, cwd: root };
    const code = await runBench(['add', 'R1', '--ledger', ledger, '--root', root], io);
    assert.equal(code, 4, `${out.join('\n')}\n${err.join('\n')}`);
    assert.match(err.join('\n'), /benchmarks\.json.*outside the workspace/);
    assert.equal(treeDiff(before, hashTree(outside)), '', 'a file was written outside --root');
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
});
