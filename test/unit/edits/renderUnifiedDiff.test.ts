import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ResolvedFile } from '../../../src/core/edits/editPlan';
import { snapshotFromText } from '../../../src/core/edits/fileText';
import { parsePatch } from '../../../src/core/edits/parsePatch';
import { renderUnifiedDiff } from '../../../src/core/edits/renderUnifiedDiff';
import { resolveAgainst } from '../../../src/core/edits/resolveAgainst';
import { buildCorpus } from '../../fixtures/edits/corpus';
import { makeTree, removeTree } from '../../fixtures/edits/tree';

const file = (over: Partial<ResolvedFile>): ResolvedFile => ({
  path: 'f.txt',
  op: 'update',
  baseHash: 'h',
  before: '',
  after: '',
  tolerances: [],
  ...over,
});
const numbered = (n: number) => Array.from({ length: n }, (_, i) => `line ${i + 1}`);

test('an update renders git-style with 3 lines of context; close changes share a hunk, distant ones do not', () => {
  const before = numbered(30);
  const after = [...before];
  after[4] = 'LINE 5';
  after[10] = 'LINE 11'; // 6 lines after the first change: still one hunk
  after[25] = 'LINE 26'; // far away: its own hunk
  const diff = renderUnifiedDiff({
    files: [file({ before: before.join('\n') + '\n', after: after.join('\n') + '\n' })],
  });
  const headers = diff.split('\n').filter((l) => l.startsWith('@@'));
  assert.deepEqual(headers, ['@@ -2,13 +2,13 @@', '@@ -23,7 +23,7 @@']);
  assert.ok(
    diff.startsWith(
      'diff --git a/f.txt b/f.txt\n--- a/f.txt\n+++ b/f.txt\n@@ -2,13 +2,13 @@\n line 2\n line 3\n line 4\n-line 5\n+LINE 5\n',
    ),
  );
});

test('create, delete and rename headers; CRLF shown without CR; a missing final newline is marked', () => {
  const diff = renderUnifiedDiff({
    files: [
      file({ path: 'new.txt', op: 'create', baseHash: null, before: '', after: 'a\r\nb' }),
      file({ path: 'old.txt', op: 'delete', before: 'x\n' }),
      file({ path: 'from.txt', op: 'rename', newPath: 'to.txt', before: 'same\n', after: 'same\n' }),
    ],
  });
  assert.equal(
    diff,
    [
      'diff --git a/new.txt b/new.txt',
      'new file mode 100644',
      '--- /dev/null',
      '+++ b/new.txt',
      '@@ -0,0 +1,2 @@',
      '+a',
      '+b',
      '\\ No newline at end of file',
      'diff --git a/old.txt b/old.txt',
      'deleted file mode 100644',
      '--- a/old.txt',
      '+++ /dev/null',
      '@@ -1 +0,0 @@',
      '-x',
      'diff --git a/from.txt b/to.txt',
      'rename from from.txt',
      'rename to to.txt',
      '',
    ].join('\n'),
  );
});

test('adding a final newline shows as a change of the last line', () => {
  const diff = renderUnifiedDiff({ files: [file({ before: 'a\nb', after: 'a\nb\n' })] });
  assert.match(diff, /-b\n\\ No newline at end of file\n\+b\n$/);
});

test('the canonical diff of corpus edits re-applies exactly with git apply, and with our parser unless refused as ambiguous', (t) => {
  const cases = buildCorpus({ repoRoot: join(__dirname, '../../..'), files: 12 }).filter(
    (c) => c.perturbation === 'none' || c.perturbation === 'crlf',
  );
  assert.ok(cases.length >= 20, `only ${cases.length} cases`);
  const root = makeTree({});
  t.after(() => removeTree(root));
  let gitChecked = 0;
  let reapplied = 0;
  for (const c of cases) {
    const r = resolveAgainst(parsePatch(c.patch), new Map([[c.path, snapshotFromText(c.original)]]));
    assert.ok(r.ok, c.id);
    const diff = renderUnifiedDiff(r.resolved);
    const again = resolveAgainst(parsePatch(diff, 'udiff'), new Map([[c.path, snapshotFromText(c.original)]]));
    if (again.ok) {
      assert.equal(again.resolved.files[0].after, c.expected, c.id);
      // Three lines of context are not always unique; the diff's own (exact) line numbers then decide.
      assert.deepEqual(
        again.resolved.files[0].tolerances.filter((x) => x !== 'line-endings' && x !== 'disambiguated-by-line-number'),
        [],
        c.id,
      );
      reapplied++;
    } else {
      // Only a short context seen in many places may be refused (line numbers alone are not trusted there).
      assert.ok(
        again.problems.every((p) => p.kind === 'ambiguous'),
        c.id,
      );
    }
    if (c.perturbation === 'none') {
      writeFileSync(join(root, 'f'), c.original);
      const g = spawnSync('git', ['apply', '--unsafe-paths', `--directory=.`, '-'], {
        cwd: root,
        input: diff.replaceAll(`a/${c.path}`, 'a/f').replaceAll(`b/${c.path}`, 'b/f'),
        encoding: 'utf8',
      });
      assert.equal(g.status, 0, `${c.id}: ${g.stderr}`);
      assert.equal(readFileSync(join(root, 'f'), 'utf8'), c.expected, c.id);
      gitChecked++;
    }
  }
  assert.ok(gitChecked >= 10);
  assert.ok(reapplied >= cases.length * 0.9, `${reapplied}/${cases.length} re-applied`);
});
