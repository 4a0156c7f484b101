import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  chmodSync,
  chownSync,
  mkdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
  existsSync,
  lstatSync,
} from 'node:fs';
import { join } from 'node:path';
import { applyResolved } from '../../../src/core/edits/applyResolved';
import { parsePatch } from '../../../src/core/edits/parsePatch';
import { resolveEdits } from '../../../src/core/edits/resolveEdits';
import { fingerprint, makeTree, removeTree } from '../../fixtures/edits/tree';

async function tryApply(root: string, patch: string, opts: { maxBytes?: number } = {}) {
  const r = await resolveEdits(parsePatch(patch), root, opts);
  if (!r.ok) return { ok: false as const, problems: r.problems };
  return applyResolved(r.resolved, root);
}

const SR = (path: string, from: string, to: string) =>
  `${path}\n<<<<<<< SEARCH\n${from}\n=======\n${to}\n>>>>>>> REPLACE\n`;

test('absolute paths, ".." escapes and symlinks pointing out of the root are refused, leaving the tree as it was', async (t) => {
  const outside = makeTree({ 'secret.txt': 'secret\n' });
  const root = makeTree({ 'in.txt': 'in\n', 'dir/ok.txt': 'ok\n' });
  t.after(() => {
    removeTree(root);
    removeTree(outside);
  });
  symlinkSync(outside, join(root, 'linkdir'));
  symlinkSync(join(outside, 'secret.txt'), join(root, 'linkfile.txt'));
  const before = fingerprint(root);
  const beforeOutside = fingerprint(outside);
  const cases: Array<[string, RegExp]> = [
    [
      `--- a/linkdir/secret.txt\n+++ b/linkdir/secret.txt\n@@ -1 +1 @@\n-secret\n+pwned\n`,
      /outside the workspace root/,
    ],
    [SR('linkfile.txt', 'secret', 'pwned'), /outside the workspace root/],
    [`*** Begin Patch\n*** Add File: linkdir/new.txt\n+x\n*** End Patch\n`, /outside the workspace root/],
  ];
  for (const [patch, why] of cases) {
    const r = await tryApply(root, patch);
    assert.equal(r.ok, false, patch);
    if (!r.ok) assert.match(r.problems[0].message, why);
  }
  // Lexical escapes never reach the disk: the parser refuses them.
  assert.throws(() => parsePatch(SR('/etc/passwd', 'a', 'b')), /absolute/);
  assert.throws(() => parsePatch(SR('dir/../../x', 'a', 'b')), /climbs out/);
  assert.deepEqual(fingerprint(root), before);
  assert.deepEqual(fingerprint(outside), beforeOutside);
});

test('a symlink that stays inside the root is followed: the target changes, the link stays a link', async (t) => {
  const root = makeTree({ 'real/t.txt': 'one\n' });
  t.after(() => removeTree(root));
  symlinkSync('real/t.txt', join(root, 'alias.txt'));
  const r = await tryApply(root, SR('alias.txt', 'one', 'two'));
  assert.ok(r.ok);
  assert.equal(readFileSync(join(root, 'real/t.txt'), 'utf8'), 'two\n');
  assert.ok(lstatSync(join(root, 'alias.txt')).isSymbolicLink());
});

test('binary files and files over the size limit are refused with a clear reason', async (t) => {
  const root = makeTree({
    'img.png': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2]),
    'latin1.txt': Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a]),
    'big.txt': 'x\n'.repeat(1000),
  });
  t.after(() => removeTree(root));
  const before = fingerprint(root);
  const png = await tryApply(root, SR('img.png', 'PNG', 'GIF'));
  assert.ok(
    !png.ok &&
      png.problems[0].kind === 'binary' &&
      /img\.png: refused to edit a binary file/.test(png.problems[0].message),
  );
  const latin = await tryApply(root, SR('latin1.txt', 'caf', 'tea'));
  assert.ok(!latin.ok && /not valid UTF-8/.test(latin.problems[0].message));
  const big = await tryApply(root, SR('big.txt', 'x', 'y'), { maxBytes: 1000 });
  assert.ok(
    !big.ok &&
      big.problems[0].kind === 'too-large' &&
      /2000 bytes is over the 1000-byte limit/.test(big.problems[0].message),
  );
  assert.deepEqual(fingerprint(root), before);
});

test('all-or-nothing: one rejected file means no file is written', async (t) => {
  const root = makeTree({ 'a.txt': 'a\n', 'b.txt': 'b\n' });
  t.after(() => removeTree(root));
  const before = fingerprint(root);
  const r = await tryApply(
    root,
    `*** Begin Patch\n*** Update File: a.txt\n@@\n-a\n+A\n*** Add File: c/new.txt\n+new\n*** Update File: b.txt\n@@\n-nope\n+B\n*** End Patch\n`,
  );
  assert.equal(r.ok, false);
  assert.deepEqual(fingerprint(root), before);
});

test('create, update, delete and move apply together; modes are kept; no temporary files remain', async (t) => {
  const root = makeTree({ 'u.sh': '#!/bin/sh\necho 1\n', 'd.txt': 'bye\n', 'm/from.txt': 'move me\n' });
  t.after(() => removeTree(root));
  chmodSync(join(root, 'u.sh'), 0o755);
  const r = await tryApply(
    root,
    `*** Begin Patch\n*** Update File: u.sh\n@@\n-echo 1\n+echo 2\n*** Add File: deep/er/new.txt\n+hello\n*** Delete File: d.txt\n*** Update File: m/from.txt\n*** Move to: n/to.txt\n@@\n-move me\n+moved\n*** End Patch\n`,
  );
  assert.ok(r.ok, JSON.stringify(r));
  assert.deepEqual(Object.keys(fingerprint(root)).sort(), [
    'deep',
    'deep/er',
    'deep/er/new.txt',
    'm',
    'n',
    'n/to.txt',
    'u.sh',
  ]);
  assert.equal(readFileSync(join(root, 'u.sh'), 'utf8'), '#!/bin/sh\necho 2\n');
  assert.equal(statSync(join(root, 'u.sh')).mode & 0o777, 0o755);
  assert.equal(readFileSync(join(root, 'deep/er/new.txt'), 'utf8'), 'hello\n');
  assert.equal(readFileSync(join(root, 'n/to.txt'), 'utf8'), 'moved\n');
});

test('a file changed after the edit was resolved is stale: nothing is written, and it says so', async (t) => {
  const root = makeTree({ 'a.txt': 'a\n', 'b.txt': 'b\n' });
  t.after(() => removeTree(root));
  const r = await resolveEdits(parsePatch(SR('a.txt', 'a', 'A') + SR('b.txt', 'b', 'B')), root);
  assert.ok(r.ok);
  writeFileSync(join(root, 'b.txt'), 'b changed by someone else\n');
  const before = fingerprint(root);
  const applied = await applyResolved(r.resolved, root);
  assert.equal(applied.ok, false);
  if (!applied.ok) {
    assert.equal(applied.problems[0].kind, 'stale');
    assert.match(
      applied.problems[0].message,
      /b\.txt: changed since the edit was made \(stale base\); nothing was written/,
    );
  }
  assert.deepEqual(fingerprint(root), before);
  // A file the plan creates that appeared meanwhile is stale too.
  const c = await resolveEdits(parsePatch('--- /dev/null\n+++ b/c.txt\n@@ -0,0 +1 @@\n+c\n'), root);
  assert.ok(c.ok);
  writeFileSync(join(root, 'c.txt'), 'mine\n');
  const applied2 = await applyResolved(c.resolved, root);
  assert.ok(!applied2.ok && applied2.problems[0].kind === 'stale');
  assert.equal(readFileSync(join(root, 'c.txt'), 'utf8'), 'mine\n');
});

test('a failure while moving files into place rolls every earlier move back', async (t) => {
  const root = makeTree({ 'a.txt': 'a\n', 'b.txt': 'b\n', 'gone.txt': 'g\n' });
  t.after(() => removeTree(root));
  const before = fingerprint(root);
  const r = await resolveEdits(
    parsePatch(
      `*** Begin Patch\n*** Update File: a.txt\n@@\n-a\n+A\n*** Delete File: gone.txt\n*** Add File: new/n.txt\n+n\n*** Update File: b.txt\n@@\n-b\n+B\n*** End Patch\n`,
    ),
    root,
  );
  assert.ok(r.ok);
  const applied = await applyResolved(r.resolved, root, {
    beforeCommitStep: (step) => {
      if (step === 3) throw Object.assign(new Error('disk full'), { code: 'ENOSPC' });
    },
  });
  assert.equal(applied.ok, false);
  if (!applied.ok) assert.match(applied.problems[0].message, /ENOSPC.*restored, nothing was changed/);
  assert.deepEqual(fingerprint(root), before);
});

test('a path naming a directory is refused', async (t) => {
  const root = makeTree({ 'd/x.txt': 'x\n' });
  t.after(() => removeTree(root));
  mkdirSync(join(root, 'e'));
  const r = await tryApply(root, '--- a/d\n+++ b/d\n@@ -1 +1 @@\n-x\n+y\n');
  assert.ok(!r.ok && /not a regular file/.test(r.problems[0].message));
  assert.ok(existsSync(join(root, 'd/x.txt')));
});

test('creating or moving onto an existing path says it already exists, even when that path is binary or a folder', async (t) => {
  const root = makeTree({ 'bin.dat': Buffer.from([0, 1, 2]), 'src.txt': 'x\n', 'folder/inner.txt': 'i\n' });
  t.after(() => removeTree(root));
  const before = fingerprint(root);
  const create = await tryApply(root, '*** Begin Patch\n*** Add File: bin.dat\n+text\n*** End Patch\n');
  assert.ok(!create.ok && create.problems[0].kind === 'already-exists', JSON.stringify(create));
  const move = await tryApply(root, '*** Begin Patch\n*** Update File: src.txt\n*** Move to: folder\n*** End Patch\n');
  assert.ok(
    !move.ok &&
      move.problems[0].kind === 'already-exists' &&
      /cannot move it to folder, which already exists/.test(move.problems[0].message),
    JSON.stringify(move),
  );
  assert.deepEqual(fingerprint(root), before);
});

test(
  'an updated file keeps its owner',
  { skip: process.getuid?.() !== 0 ? 'needs root to hand a file to another user' : false },
  async (t) => {
    const root = makeTree({ 'o.txt': 'one\n' });
    t.after(() => removeTree(root));
    chownSync(join(root, 'o.txt'), 1234, 5678);
    const r = await tryApply(root, SR('o.txt', 'one', 'two'));
    assert.ok(r.ok);
    const st = statSync(join(root, 'o.txt'));
    assert.deepEqual([st.uid, st.gid, readFileSync(join(root, 'o.txt'), 'utf8')], [1234, 5678, 'two\n']);
  },
);
