// The benchmark set on disk: schema, add/remove, context files' content hashes, the accepted diff
// kept as the reference, precise errors for a broken shared file, and drift detection.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  addBenchmarkItem,
  BenchmarkFileError,
  contextDrift,
  hashContextFiles,
  itemFromRecord,
  loadBenchmarkSet,
  removeBenchmarkItem,
  saveBenchmarkSet,
} from '../../../src/core/bench/benchmarkStore';
import { BenchmarkSetSchema, emptyBenchmarkSet } from '../../../src/core/bench/benchmarkSchema';
import { FIXTURE } from './scorecardFixture';
import { makeWorkspace } from './support';

const sha = (s: string) => createHash('sha256').update(s).digest('hex');

test('an item from a run record keeps the task, the accepted diff and the hashes of the files it was about', async () => {
  const root = makeWorkspace({ 'README.md': 'hello\n', 'src/limits.ts': 'export const LIMIT = 10;\n' });
  try {
    const base = FIXTURE[0]!;
    const record = {
      ...base,
      task: 'Fix the greeting in README.md and check src/missing.ts',
      diff: '--- a/README.md\n+++ b/README.md\n@@ -1 +1 @@\n-hello\n+hello there\n',
      filesChanged: ['README.md'],
    };
    const item = await itemFromRecord(record, root, { now: () => new Date('2026-11-21T12:00:00Z'), note: 'good one' });
    assert.equal(item.id, 'R1');
    assert.equal(item.runId, 'R1');
    assert.equal(item.task, record.task);
    assert.equal(item.kind, 'docs');
    assert.equal(item.addedAt, '2026-11-21T12:00:00.000Z');
    assert.equal(item.acceptedDiff, record.diff);
    assert.equal(item.note, 'good one');
    // README.md once (changed, in the diff, and mentioned), the mentioned missing file with a null hash.
    assert.deepEqual(item.contextFiles, [
      { path: 'README.md', sha256: sha('hello\n') },
      { path: 'src/missing.ts', sha256: null },
    ]);
    // A rejected run has no reference diff.
    const rejected = await itemFromRecord(FIXTURE[1]!, root);
    assert.equal(rejected.acceptedDiff, undefined);

    // Save, load back through the schema, the file is plain pretty JSON a team can review.
    let set = addBenchmarkItem(emptyBenchmarkSet(), item);
    set = addBenchmarkItem(set, rejected);
    const file = await saveBenchmarkSet(root, set);
    assert.equal(file, join(root, '.switchyard/benchmarks.json'));
    const text = readFileSync(file, 'utf8');
    assert.ok(text.endsWith('}\n') && text.includes('\n  "items": ['));
    const loaded = await loadBenchmarkSet(root);
    assert.deepEqual(loaded, BenchmarkSetSchema.parse(set));
    assert.deepEqual(
      loaded.items.map((i) => i.id),
      ['R1', 'R2'],
    );

    // Marking the same run again replaces it in place; removing by id drops it.
    const again = addBenchmarkItem(loaded, { ...item, note: 'updated' });
    assert.deepEqual(
      again.items.map((i) => [i.id, i.note ?? null]),
      [
        ['R1', 'updated'],
        ['R2', null],
      ],
    );
    assert.deepEqual(
      removeBenchmarkItem(again, 'R1').items.map((i) => i.id),
      ['R2'],
    );
    assert.equal(removeBenchmarkItem(again, 'nope').items.length, 2);

    // Drift: nothing changed yet; then README.md changes and src/missing.ts appears.
    assert.deepEqual(await contextDrift(root, item), []);
    writeFileSync(join(root, 'README.md'), 'hello there\n');
    mkdirSync(join(root, 'src'), { recursive: true });
    writeFileSync(join(root, 'src/missing.ts'), 'x\n');
    assert.deepEqual(await contextDrift(root, item), ['README.md', 'src/missing.ts']);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('paths outside the workspace are never hashed', async () => {
  const root = makeWorkspace({ 'a.txt': 'a' });
  try {
    const files = await hashContextFiles(root, ['../etc/passwd', '/etc/passwd', 'a.txt', './a.txt']);
    assert.deepEqual(files, [{ path: 'a.txt', sha256: sha('a') }]);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a missing file is an empty set; a broken one is an error naming the file and the problem', async () => {
  const root = makeWorkspace({ 'a.txt': 'a' });
  try {
    assert.deepEqual(await loadBenchmarkSet(root), emptyBenchmarkSet());
    mkdirSync(join(root, '.switchyard'));
    writeFileSync(join(root, '.switchyard/benchmarks.json'), '{ "version": 1, "items": [ ');
    await assert.rejects(
      loadBenchmarkSet(root),
      (e: unknown) => e instanceof BenchmarkFileError && /benchmarks\.json is not valid JSON/.test(e.message),
    );
    writeFileSync(
      join(root, '.switchyard/benchmarks.json'),
      JSON.stringify({ version: 1, items: [{ id: 'x', addedAt: 'now' }] }),
    );
    await assert.rejects(
      loadBenchmarkSet(root),
      (e: unknown) => e instanceof BenchmarkFileError && /at items\.0\.task/.test(e.message),
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
