// Reversing the canonical diff takes a change back exactly: update, create, delete and rename,
// checked by applying the forward diff with the edit engine and then its reverse, byte for byte.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { reverseUnifiedDiff } from '../../../src/core/bench/reverseDiff';
import { applyResolved } from '../../../src/core/edits/applyResolved';
import { parsePatch } from '../../../src/core/edits/parsePatch';
import { renderUnifiedDiff } from '../../../src/core/edits/renderUnifiedDiff';
import { resolveEdits } from '../../../src/core/edits/resolveEdits';
import { makeWorkspace, treeHash } from './support';

async function apply(root: string, diff: string, format: 'udiff' | 'patch' = 'udiff') {
  const r = await resolveEdits(parsePatch(diff, format), root);
  assert.ok(r.ok, JSON.stringify(!r.ok && r.problems));
  const a = await applyResolved(r.resolved, root);
  assert.ok(a.ok);
  return renderUnifiedDiff(r.resolved);
}

test('a change and its reverse: update, create and delete come back byte-identical', async () => {
  const root = makeWorkspace({
    'README.md': '# Demo\n\nThis projcet routes tasks.\nLine 4\nLine 5\n',
    'old.txt': 'to be removed\n',
    'src/a.ts': 'export const a = 1;\r\nexport const b = 2;\r\n',
  });
  try {
    const before = treeHash(root);
    // Forward, written in the apply_patch format; the canonical diff is what the ledger keeps.
    const forward = await apply(
      root,
      [
        '*** Begin Patch',
        '*** Update File: README.md',
        '@@',
        '-This projcet routes tasks.',
        '+This project routes tasks.',
        '*** Update File: src/a.ts',
        '@@',
        '-export const b = 2;',
        '+export const b = 3;',
        '*** Add File: new.txt',
        '+brand new',
        '*** Delete File: old.txt',
        '*** End Patch',
      ].join('\n'),
      'patch',
    );
    assert.notEqual(treeHash(root), before);
    assert.ok(existsSync(join(root, 'new.txt')) && !existsSync(join(root, 'old.txt')));
    const back = reverseUnifiedDiff(forward);
    assert.match(back, /^--- \/dev\/null\n\+\+\+ b\/old\.txt$/m);
    assert.match(back, /^--- a\/new\.txt\n\+\+\+ \/dev\/null$/m);
    await apply(root, back);
    assert.equal(treeHash(root), before, 'byte-identical after the reverse');
    assert.equal(readFileSync(join(root, 'src/a.ts'), 'utf8'), 'export const a = 1;\r\nexport const b = 2;\r\n');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('hunk ranges and rename headers swap sides', () => {
  const d = [
    'diff --git a/x.ts b/y.ts',
    'rename from x.ts',
    'rename to y.ts',
    '--- a/x.ts',
    '+++ b/y.ts',
    '@@ -3,2 +3,3 @@',
    ' keep',
    '-old',
    '+new',
    '+more',
    '',
  ].join('\n');
  assert.equal(
    reverseUnifiedDiff(d),
    [
      'diff --git a/y.ts b/x.ts',
      'rename from y.ts',
      'rename to x.ts',
      '--- a/y.ts',
      '+++ b/x.ts',
      '@@ -3,3 +3,2 @@',
      ' keep',
      '+old',
      '-new',
      '-more',
      '',
    ].join('\n'),
  );
});
