import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EditPlanSchema, PatchParseError } from '../../../src/core/edits/editPlan';
import { detectFormat, parsePatch } from '../../../src/core/edits/parsePatch';

function parseError(fn: () => unknown): PatchParseError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof PatchParseError, `expected PatchParseError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected the parse to fail');
}

test('search/replace: several blocks and files, fences and path decoration', () => {
  const plan = parsePatch(
    [
      'Here is the change.',
      '',
      '**src/a.ts**',
      '```ts',
      '<<<<<<< SEARCH',
      'const a = 1;',
      '=======',
      'const a = 2;',
      '>>>>>>> REPLACE',
      '```',
      '',
      '```ts',
      '<<<<<<< SEARCH',
      'const b = 1;',
      '=======',
      '>>>>>>> REPLACE',
      '```',
      'lib/b.ts:',
      '<<<<<<< SEARCH',
      'x',
      '=======',
      'y',
      'z',
      '>>>>>>> REPLACE',
    ].join('\n'),
  );
  assert.equal(plan.format, 'search-replace');
  EditPlanSchema.parse(plan);
  assert.deepEqual(
    plan.files.map((f) => [f.path, f.hunks.length, f.sequential]),
    [
      ['src/a.ts', 2, true],
      ['lib/b.ts', 1, true],
    ],
  );
  assert.deepEqual(plan.files[0].hunks[1], { ...plan.files[0].hunks[1], old: ['const b = 1;'], new: [], block: 2 });
  assert.deepEqual(plan.files[1].hunks[0].new, ['y', 'z']);
  assert.equal(plan.files[1].hunks[0].block, 3);
});

test('search/replace: an empty SEARCH marks the file to be created if missing; CRLF patch text is read as lines', () => {
  const plan = parsePatch('new/file.txt\r\n<<<<<<< SEARCH\r\n=======\r\nhello\r\n>>>>>>> REPLACE\r\n');
  assert.equal(plan.files[0].createIfMissing, true);
  assert.deepEqual(plan.files[0].hunks[0].old, []);
  assert.deepEqual(plan.files[0].hunks[0].new, ['hello']);
});

test('search/replace: a block without REPLACE, or without a path, is a parse error naming the block', () => {
  const e1 = parseError(() => parsePatch('a.ts\n<<<<<<< SEARCH\nx\n=======\ny\n', 'search-replace'));
  assert.equal(e1.problems[0].block, 1);
  assert.match(e1.problems[0].message, /REPLACE/);
  const e2 = parseError(() => parsePatch('<<<<<<< SEARCH\nx\n=======\ny\n>>>>>>> REPLACE\n', 'search-replace'));
  assert.match(e2.problems[0].message, /no file path line/);
  const e3 = parseError(() =>
    parsePatch('/etc/passwd\n<<<<<<< SEARCH\nx\n=======\ny\n>>>>>>> REPLACE\n', 'search-replace'),
  );
  assert.equal(e3.problems[0].kind, 'path');
  assert.match(e3.problems[0].message, /absolute/);
});

test('udiff: git prefixes stripped, hunks with numbers and counts, several files', () => {
  const plan = parsePatch(
    [
      'diff --git a/src/x.ts b/src/x.ts',
      'index 123..456 100644',
      '--- a/src/x.ts',
      '+++ b/src/x.ts',
      '@@ -3,3 +3,3 @@ function f() {',
      ' a',
      '-b',
      '+B',
      ' c',
      '@@ -10 +10,2 @@',
      ' k',
      '+l',
      '--- y.ts\t2024-01-01 00:00:00',
      '+++ y.ts\t2024-01-01 00:00:01',
      '@@ @@',
      '-q',
      '+r',
    ].join('\n'),
  );
  assert.equal(plan.format, 'udiff');
  assert.deepEqual(
    plan.files.map((f) => [f.path, f.op]),
    [
      ['src/x.ts', 'update'],
      ['y.ts', 'update'],
    ],
  );
  const [h1, h2] = plan.files[0].hunks;
  assert.deepEqual(
    [h1.old, h1.new, h1.oldStart, h1.claimedOldCount, h1.claimedNewCount],
    [['a', 'b', 'c'], ['a', 'B', 'c'], 3, 3, 3],
  );
  assert.deepEqual(
    [h2.old, h2.new, h2.oldStart, h2.claimedOldCount, h2.claimedNewCount],
    [['k'], ['k', 'l'], 10, 1, 2],
  );
  assert.equal(plan.files[1].hunks[0].oldStart, undefined);
});

test('udiff: /dev/null creates and deletes; "\\ No newline" recorded; bare blank lines are context', () => {
  const plan = parsePatch(
    [
      '--- /dev/null',
      '+++ b/new.txt',
      '@@ -0,0 +1,2 @@',
      '+one',
      '+two',
      '\\ No newline at end of file',
      '--- a/old.txt',
      '+++ /dev/null',
      '@@ -1 +0,0 @@',
      '-gone',
      '--- a/m.txt',
      '+++ b/m.txt',
      '@@ -1,3 +1,3 @@',
      ' x',
      '',
      '-y',
      '+z',
      '',
    ].join('\n'),
  );
  assert.deepEqual(
    plan.files.map((f) => [f.path, f.op]),
    [
      ['new.txt', 'create'],
      ['old.txt', 'delete'],
      ['m.txt', 'update'],
    ],
  );
  assert.deepEqual(plan.files[0].hunks[0].new, ['one', 'two']);
  assert.equal(plan.files[0].hunks[0].newEndsWithoutEol, true);
  assert.deepEqual(plan.files[2].hunks[0].old, ['x', '', 'y']);
});

test('udiff: a removed line that starts with "-- " is body while the counts still owe lines', () => {
  const plan = parsePatch(
    ['--- a/q.sql', '+++ b/q.sql', '@@ -1,2 +1,2 @@', '--- comment', '+++ new', ' select 1;'].join('\n'),
    'udiff',
  );
  assert.equal(plan.files.length, 1);
  assert.deepEqual(plan.files[0].hunks[0].old, ['-- comment', 'select 1;']);
  assert.deepEqual(plan.files[0].hunks[0].new, ['++ new', 'select 1;']);
});

test('udiff: git rename headers make a rename, with or without content changes', () => {
  const plan = parsePatch(
    [
      'diff --git a/a.txt b/b.txt',
      'similarity index 100%',
      'rename from a.txt',
      'rename to b.txt',
      'diff --git a/c.txt b/d.txt',
      'rename from c.txt',
      'rename to d.txt',
      '--- a/c.txt',
      '+++ b/d.txt',
      '@@ -1 +1 @@',
      '-1',
      '+2',
    ].join('\n'),
  );
  assert.deepEqual(
    plan.files.map((f) => [f.op, f.path, f.newPath, f.hunks.length]),
    [
      ['rename', 'a.txt', 'b.txt', 0],
      ['rename', 'c.txt', 'd.txt', 1],
    ],
  );
});

test('udiff: paths that climb out of the root are parse errors', () => {
  const e = parseError(() => parsePatch('--- a/../x\n+++ b/../x\n@@ -1 +1 @@\n-a\n+b\n'));
  assert.equal(e.problems[0].kind, 'path');
  assert.match(e.problems[0].message, /climbs out/);
});

test('apply_patch: add, delete, update with move, nested anchors and End of File', () => {
  const plan = parsePatch(
    [
      '*** Begin Patch',
      '*** Add File: docs/new.md',
      '+# Title',
      '+',
      '+text',
      '*** Delete File: old.js',
      '*** Update File: src/a.py',
      '*** Move to: src/b.py',
      '@@ class A:',
      '@@     def f(self):',
      '         x = 1',
      '-        return x',
      '+        return x + 1',
      '@@',
      ' last',
      '+appended',
      '*** End of File',
      '*** End Patch',
    ].join('\n'),
  );
  assert.equal(plan.format, 'patch');
  assert.deepEqual(
    plan.files.map((f) => [f.op, f.path, f.newPath]),
    [
      ['create', 'docs/new.md', undefined],
      ['delete', 'old.js', undefined],
      ['rename', 'src/a.py', 'src/b.py'],
    ],
  );
  assert.deepEqual(plan.files[0].hunks[0].new, ['# Title', '', 'text']);
  const [h1, h2] = plan.files[2].hunks;
  assert.deepEqual(h1.anchors, ['class A:', '    def f(self):']);
  assert.deepEqual(h1.old, ['        x = 1', '        return x']);
  assert.equal(h1.atEof, false);
  assert.deepEqual([h2.old, h2.new, h2.atEof], [['last'], ['last', 'appended'], true]);
});

test('apply_patch: a missing End Patch or a stray line is a parse error with its line', () => {
  const e1 = parseError(() => parsePatch('*** Begin Patch\n*** Update File: a\n@@\n-x\n+y\n'));
  assert.match(e1.problems[0].message, /End Patch/);
  const e2 = parseError(() => parsePatch('*** Begin Patch\n*** Update File: a\n@@\n?x\n*** End Patch\n'));
  assert.equal(e2.problems[0].patchLine, 4);
});

test('auto detection tells the three formats apart and refuses prose', () => {
  assert.equal(detectFormat('*** Begin Patch\n*** End Patch'), 'patch');
  assert.equal(detectFormat('f\n<<<<<<< SEARCH\na\n=======\nb\n>>>>>>> REPLACE'), 'search-replace');
  assert.equal(detectFormat('--- a/f\n+++ b/f\n@@ -1 +1 @@\n-a\n+b'), 'udiff');
  assert.equal(detectFormat('please change the function'), undefined);
  const e = parseError(() => parsePatch('please change the function'));
  assert.match(e.message, /--format/);
});

test('search/replace: prose above a block is not taken for a path, but a path at the end of a sentence is', () => {
  const e = parseError(() => parsePatch('Here is the change.\n<<<<<<< SEARCH\na\n=======\nb\n>>>>>>> REPLACE\n'));
  assert.match(e.problems[0].message, /is not a file path/);
  const plan = parsePatch('Edit `src/app.ts`:\n<<<<<<< SEARCH\na\n=======\nb\n>>>>>>> REPLACE\n');
  assert.equal(plan.files[0].path, 'src/app.ts');
});

test('udiff: hunks that only add from line 0 create a missing file even without /dev/null', () => {
  const plan = parsePatch('--- a/n.txt\n+++ b/n.txt\n@@ -0,0 +1,2 @@\n+x\n+y\n');
  assert.equal(plan.files[0].createIfMissing, true);
});

test('a mangled part of a patch fails the parse instead of being skipped', () => {
  // A context line that lost its leading space, with changes after it.
  const e1 = parseError(() => parsePatch('--- a/f\n+++ b/f\n@@ -1,4 +1,4 @@\n a\nb\n-c\n+C\n d\n'));
  assert.match(e1.problems[0].message, /hunk 1, patch line 5: "b" has no " ", "-" or "\+" marker/);
  // A hunk whose file header is broken.
  const e2 = parseError(() => parsePatch('--- a/f\n+++ b/f\n@@ -1 +1 @@\n-a\n+b\n--- a/g\n@@ -1 +1 @@\n-x\n+y\n'));
  assert.match(e2.problems[0].message, /patch line 7: hunk "@@ -1 \+1 @@" is not under/);
  // A search/replace block that lost its SEARCH marker.
  const e3 = parseError(() =>
    parsePatch('f\n<<<<<<< SEARCH\na\n=======\nb\n>>>>>>> REPLACE\ng\nc\n=======\nd\n>>>>>>> REPLACE\n'),
  );
  assert.match(e3.problems[0].message, /patch line 11: ">>>>>>> REPLACE" without its "<<<<<<< SEARCH"/);
  // ...while prose after a complete hunk is fine.
  const ok = parsePatch('--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n a\n-b\n+c\nThis changes b:\n- it was wrong\n');
  assert.deepEqual(ok.files[0].hunks[0].new, ['a', 'c']);
});

test('udiff: a prefix on one side only still names one file, not a rename', () => {
  for (const [a, b] of [
    ['a/src/x.ts', 'src/x.ts'],
    ['src/x.ts', 'b/src/x.ts'],
  ]) {
    const plan = parsePatch(`--- ${a}\n+++ ${b}\n@@ -1 +1 @@\n-x\n+y\n`);
    assert.deepEqual([plan.files[0].op, plan.files[0].path, plan.files[0].newPath], ['update', 'src/x.ts', undefined]);
  }
});

test('whole model replies: prose and fences around each format are ignored', () => {
  const sr = parsePatch(
    "I'll fix the sign.\n\n**File: src/math.ts**\n```typescript\n<<<<<<< SEARCH\n  return a - b;\n=======\n  return a + b;\n>>>>>>> REPLACE\n```\n\nThis fixes `add`.\n",
  );
  assert.deepEqual(
    [sr.format, sr.files[0].path, sr.files[0].hunks[0].new],
    ['search-replace', 'src/math.ts', ['  return a + b;']],
  );
  const ud = parsePatch(
    'Here is the diff:\n\n```diff\n--- a/src/math.ts\n+++ b/src/math.ts\n@@ -1,3 +1,3 @@\n export function add(a, b) {\n-  return a - b;\n+  return a + b;\n }\n```\n\n- fixed the sign\n',
  );
  assert.deepEqual(
    [ud.format, ud.files[0].hunks[0].old.length, ud.files[0].hunks[0].new[1]],
    ['udiff', 3, '  return a + b;'],
  );
  const ap = parsePatch(
    'Applying:\n```\n*** Begin Patch\n*** Update File: src/math.ts\n@@ export function add(a, b) {\n-  return a - b;\n+  return a + b;\n*** End Patch\n```\nDone.\n',
  );
  assert.deepEqual([ap.format, ap.files[0].hunks[0].anchors], ['patch', ['export function add(a, b) {']]);
});

test('auto refuses a reply that mixes formats rather than apply only one part', () => {
  const e = parseError(() =>
    parsePatch(
      'a.txt\n<<<<<<< SEARCH\nx\n=======\ny\n>>>>>>> REPLACE\n\n--- a/b.txt\n+++ b/b.txt\n@@ -1 +1 @@\n-p\n+q\n',
    ),
  );
  assert.match(e.message, /mixes formats \(search-replace, udiff\)/);
  // Choosing a format explicitly reads only that one.
  assert.equal(
    parsePatch(
      'a.txt\n<<<<<<< SEARCH\nx\n=======\ny\n>>>>>>> REPLACE\n\n--- a/b.txt\n+++ b/b.txt\n@@ -1 +1 @@\n-p\n+q\n',
      'udiff',
    ).files[0].path,
    'b.txt',
  );
});

test('search/replace: prose between two blocks keeps the second block with the file before it', () => {
  const plan = parsePatch(
    'src/a.ts\n<<<<<<< SEARCH\na\n=======\nb\n>>>>>>> REPLACE\n\nNow the second function:\n\n<<<<<<< SEARCH\nc\n=======\nd\n>>>>>>> REPLACE\n',
  );
  assert.deepEqual(
    plan.files.map((f) => [f.path, f.hunks.length]),
    [['src/a.ts', 2]],
  );
});
