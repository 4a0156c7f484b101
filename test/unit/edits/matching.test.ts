import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ResolveOutcome } from '../../../src/core/edits/editPlan';
import { snapshotFromText } from '../../../src/core/edits/fileText';
import { parsePatch } from '../../../src/core/edits/parsePatch';
import { resolveAgainst } from '../../../src/core/edits/resolveAgainst';

function resolve(files: Record<string, string>, patch: string): ResolveOutcome {
  return resolveAgainst(parsePatch(patch), new Map(Object.entries(files).map(([p, t]) => [p, snapshotFromText(t)])));
}

function after(files: Record<string, string>, patch: string): { text: string; tolerances: string[] } {
  const r = resolve(files, patch);
  if (!r.ok) assert.fail(r.problems.map((p) => p.message).join('\n'));
  return { text: r.resolved.files[0].after, tolerances: r.resolved.files[0].tolerances };
}

function problems(files: Record<string, string>, patch: string) {
  const r = resolve(files, patch);
  assert.equal(r.ok, false, 'expected the edit to be rejected');
  return r.ok ? [] : r.problems;
}

const SRC = [
  'function a() {',
  '  return 1;',
  '}',
  '',
  'function b() {',
  '  if (x) {',
  '    return 2;',
  '  }',
  '}',
  '',
].join('\n');

test('exact udiff applies with no tolerance; the base hash is the hash of the bytes', () => {
  const r = resolve(
    { 'f.js': SRC },
    '--- a/f.js\n+++ b/f.js\n@@ -1,3 +1,3 @@\n function a() {\n-  return 1;\n+  return 10;\n }\n',
  );
  assert.ok(r.ok);
  const f = r.resolved.files[0];
  assert.equal(f.after, SRC.replace('return 1;', 'return 10;'));
  assert.deepEqual(f.tolerances, []);
  assert.equal(f.baseHash, snapshotFromText(SRC).hash);
  assert.equal(f.before, SRC);
});

test('wrong line numbers and counts are tolerated and reported', () => {
  const r = after(
    { 'f.js': SRC },
    '--- a/f.js\n+++ b/f.js\n@@ -40,9 +41,1 @@\n function b() {\n   if (x) {\n-    return 2;\n+    return 3;\n',
  );
  assert.equal(r.text, SRC.replace('return 2;', 'return 3;'));
  assert.deepEqual(r.tolerances.sort(), ['hunk-counts', 'line-numbers']);
});

test('hunks given out of order are each placed and applied together', () => {
  const r = after(
    { 'f.js': SRC },
    '--- a/f.js\n+++ b/f.js\n@@ -5,2 +5,2 @@\n function b() {\n-  if (x) {\n+  if (y) {\n@@ -1,2 +1,2 @@\n-function a() {\n+function a2() {\n   return 1;\n',
  );
  assert.equal(r.text, SRC.replace('if (x)', 'if (y)').replace('function a()', 'function a2()'));
  assert.ok(r.tolerances.includes('out-of-order'));
});

test('a uniformly shifted quote is matched and the new lines re-indented to the file', () => {
  // The model dropped the block's common indentation (4 spaces for the body of `if`).
  const r = after(
    { 'f.js': SRC },
    'f.js\n<<<<<<< SEARCH\nif (x) {\n  return 2;\n}\n=======\nif (x) {\n  log();\n  return 2;\n}\n>>>>>>> REPLACE\n',
  );
  assert.equal(r.text, SRC.replace('    return 2;', '    log();\n    return 2;'));
  assert.deepEqual(r.tolerances, ['indentation']);
  // ...and over-indented by a tab-width too.
  const r2 = after(
    { 'f.js': SRC },
    'f.js\n<<<<<<< SEARCH\n      return 2;\n=======\n      return 4;\n>>>>>>> REPLACE\n',
  );
  assert.equal(r2.text, SRC.replace('return 2;', 'return 4;'));
});

test('indentation that differs unevenly is not a match, and the error shows the line', () => {
  const [p] = problems(
    { 'f.js': SRC },
    'f.js\n<<<<<<< SEARCH\n  if (x) {\n  return 2;\n=======\n  if (x) {\n  return 3;\n>>>>>>> REPLACE\n',
  );
  assert.equal(p.kind, 'not-found');
  assert.equal(p.path, 'f.js');
  assert.equal(p.block, 1);
  assert.match(p.message, /indentation/);
  assert.deepEqual(p.closest, { line: 7, text: '    return 2;' });
});

test('trailing whitespace differences are tolerated; unchanged lines keep the file bytes', () => {
  const file = 'a = 1   \nb = 2\t\nc = 3\n';
  const r = after({ 'p.py': file }, '--- a/p.py\n+++ b/p.py\n@@ -1,3 +1,3 @@\n a = 1\n-b = 2\n+b = 20\n c = 3  \n');
  assert.equal(r.text, 'a = 1   \nb = 20\nc = 3\n');
  assert.deepEqual(r.tolerances, ['trailing-whitespace']);
});

test('CRLF files keep CRLF (new lines too), LF patch or not; mixed endings stay as they were', () => {
  const crlf = SRC.replace(/\n/g, '\r\n');
  const r = after(
    { 'f.js': crlf },
    '*** Begin Patch\n*** Update File: f.js\n@@ function a() {\n-  return 1;\n+  const y = 1;\n+  return y;\n*** End Patch\n',
  );
  assert.equal(r.text, crlf.replace('  return 1;', '  const y = 1;\r\n  return y;'));
  assert.ok(r.tolerances.includes('line-endings'));
  const mixed = 'one\r\ntwo\nthree\r\nfour\r\n';
  const m = after({ 'm.txt': mixed }, 'm.txt\n<<<<<<< SEARCH\ntwo\n=======\nTWO\n>>>>>>> REPLACE\n');
  // "two" was the one LF line; its replacement takes the file's usual ending, the rest are untouched.
  assert.equal(m.text, 'one\r\nTWO\r\nthree\r\nfour\r\n');
});

test('a BOM is kept, and a file without a final newline keeps lacking it', () => {
  const r = after({ 'b.txt': '\ufeffx\ny\nz' }, '--- a/b.txt\n+++ b/b.txt\n@@ -2,2 +2,2 @@\n y\n-z\n+Z\n');
  assert.equal(r.text, '\ufeffx\ny\nZ');
  assert.ok(r.tolerances.includes('bom'));
  // A unified diff that says the new side ends without a newline is obeyed.
  const r2 = after(
    { 'c.txt': 'x\ny\n' },
    '--- a/c.txt\n+++ b/c.txt\n@@ -1,2 +1,2 @@\n x\n-y\n+q\n\\ No newline at end of file\n',
  );
  assert.equal(r2.text, 'x\nq');
});

test('text found in several places is rejected with every line, unless an exact line number picks one', () => {
  const file = ['start', 'x()', 'y()', 'mid', 'x()', 'y()', 'end', ''].join('\n');
  const [p] = problems({ 'd.txt': file }, 'd.txt\n<<<<<<< SEARCH\nx()\ny()\n=======\nz()\n>>>>>>> REPLACE\n');
  assert.equal(p.kind, 'ambiguous');
  assert.match(p.message, /d\.txt, block 1 .*matches 2 places \(lines 2, 5\)/);
  // The unified diff's line number hits the second place exactly: that singles it out.
  const r = after({ 'd.txt': file }, '--- a/d.txt\n+++ b/d.txt\n@@ -5,2 +5,1 @@\n-x()\n-y()\n+z()\n');
  assert.equal(r.text, ['start', 'x()', 'y()', 'mid', 'z()', 'end', ''].join('\n'));
  assert.ok(r.tolerances.includes('disambiguated-by-line-number'));
  // A number that is merely near one of them is not evidence enough.
  const [q] = problems({ 'd.txt': file }, '--- a/d.txt\n+++ b/d.txt\n@@ -6,2 +6,1 @@\n-x()\n-y()\n+z()\n');
  assert.equal(q.kind, 'ambiguous');
});

test('an exact match is not preferred over a re-indented one: both are candidates', () => {
  const file = ['if (a) {', '  go();', '}', 'go();', ''].join('\n');
  const [p] = problems({ 'g.js': file }, 'g.js\n<<<<<<< SEARCH\ngo();\n=======\nstop();\n>>>>>>> REPLACE\n');
  assert.equal(p.kind, 'ambiguous');
  // but trailing whitespace alone does not compete with an exact match
  const r = after({ 'h.js': 'go(); \ngo();\n' }, 'h.js\n<<<<<<< SEARCH\ngo();\n=======\nstop();\n>>>>>>> REPLACE\n');
  assert.equal(r.text, 'go(); \nstop();\n');
});

test('a line number corrected by the neighbouring hunk singles out the place', () => {
  // Every number in this diff is 10 too high; hunk 1 places uniquely, so hunk 2 gets the correction.
  const file = ['unique one', 'a', 'b', 'c', 'x()', 'd', 'e', 'f', 'x()', 'g', ''].join('\n');
  const r = after(
    { 'n.txt': file },
    '--- a/n.txt\n+++ b/n.txt\n@@ -11,1 +11,1 @@\n-unique one\n+unique 1\n@@ -19,1 +19,1 @@\n-x()\n+y()\n',
  );
  assert.equal(
    r.text,
    file
      .replace('unique one', 'unique 1')
      .replace('g', 'g')
      .replace(/x\(\)\ng/, 'y()\ng'),
  );
});

test('apply_patch anchors pick the place under them; End of File pins the end', () => {
  const py = [
    'class A:',
    '    def f(self):',
    '        return 1',
    '',
    'class B:',
    '    def f(self):',
    '        return 1',
    '',
  ].join('\n');
  const r = after(
    { 'a.py': py },
    '*** Begin Patch\n*** Update File: a.py\n@@ class B:\n     def f(self):\n-        return 1\n+        return 2\n*** End Patch\n',
  );
  assert.equal(r.text, py.replace(/return 1\n$/, 'return 2\n'));
  assert.ok(r.tolerances.includes('disambiguated-by-anchor'));
  const e = after(
    { 'e.txt': 'x\ny\nx\n' },
    '*** Begin Patch\n*** Update File: e.txt\n@@\n-x\n+z\n*** End of File\n*** End Patch\n',
  );
  assert.equal(e.text, 'x\ny\nz\n');
  const [p] = problems(
    { 'a.py': py },
    '*** Begin Patch\n*** Update File: a.py\n@@\n     def f(self):\n-        return 1\n+        return 2\n*** End Patch\n',
  );
  assert.equal(p.kind, 'ambiguous');
});

test('search/replace blocks apply in order, each to the result of the one before', () => {
  const r = after(
    { 's.txt': 'alpha\nbeta\n' },
    's.txt\n<<<<<<< SEARCH\nalpha\n=======\ngamma\n>>>>>>> REPLACE\ns.txt\n<<<<<<< SEARCH\ngamma\nbeta\n=======\ndelta\n>>>>>>> REPLACE\n',
  );
  assert.equal(r.text, 'delta\n');
});

test('empty SEARCH creates a missing file but is refused on a file with content', () => {
  const r = resolve({}, 'n/new.txt\n<<<<<<< SEARCH\n=======\nhello\n>>>>>>> REPLACE\n');
  assert.ok(r.ok);
  assert.deepEqual(
    [r.resolved.files[0].op, r.resolved.files[0].after, r.resolved.files[0].baseHash],
    ['create', 'hello\n', null],
  );
  const [p] = problems({ 'x.txt': 'content\n' }, 'x.txt\n<<<<<<< SEARCH\n=======\nhello\n>>>>>>> REPLACE\n');
  assert.match(p.message, /SEARCH part is empty/);
});

test('text that is absent is rejected naming the file, block and the closest text', () => {
  const [p] = problems(
    { 'f.js': SRC },
    'f.js\n<<<<<<< SEARCH\nfunction b() {\n  if (z) {\n=======\nfunction b() {\n>>>>>>> REPLACE\n',
  );
  assert.equal(p.kind, 'not-found');
  assert.match(
    p.message,
    /^f\.js, block 1 \(patch line 2\): the old text was not found\. Closest: line 6 reads "if \(x\) \{" where the block expects "if \(z\) \{"/,
  );
  assert.deepEqual(p.closest, { line: 6, text: '  if (x) {' });
  const [q] = problems({ 'f.js': SRC }, 'f.js\n<<<<<<< SEARCH\nnothing like it\n=======\nx\n>>>>>>> REPLACE\n');
  assert.match(q.message, /no line of it/);
});

test('hunks that change the same lines are rejected as overlapping', () => {
  const ps = problems(
    { 'f.js': SRC },
    '--- a/f.js\n+++ b/f.js\n@@ -1,2 +1,2 @@\n function a() {\n-  return 1;\n+  return 2;\n@@ -2,2 +2,2 @@\n-  return 1;\n+  return 3;\n }\n',
  );
  assert.equal(ps[0].kind, 'overlap');
});

test('whole-file operations: create over an existing file, update of a missing one, two edits of one file', () => {
  assert.equal(
    problems({ 'a.txt': 'x\n' }, '--- /dev/null\n+++ b/a.txt\n@@ -0,0 +1 @@\n+y\n')[0].kind,
    'already-exists',
  );
  assert.equal(problems({}, '--- a/a.txt\n+++ b/a.txt\n@@ -1 +1 @@\n-x\n+y\n')[0].kind, 'missing-file');
  assert.equal(
    problems(
      { 'a.txt': 'x\n' },
      '*** Begin Patch\n*** Delete File: a.txt\n*** Update File: a.txt\n@@\n-x\n+y\n*** End Patch\n',
    )[0].kind,
    'conflict',
  );
  assert.equal(
    problems(
      { 'a.txt': 'x\n', 'b.txt': '' },
      '*** Begin Patch\n*** Update File: a.txt\n*** Move to: b.txt\n@@\n-x\n+y\n*** End Patch\n',
    )[0].kind,
    'already-exists',
  );
});

test('a rejected file fails the whole plan, and the files that did resolve are reported', () => {
  const r = resolve(
    { 'a.txt': 'a\n', 'b.txt': 'b\n' },
    'a.txt\n<<<<<<< SEARCH\na\n=======\nA\n>>>>>>> REPLACE\nb.txt\n<<<<<<< SEARCH\nzzz\n=======\nB\n>>>>>>> REPLACE\n',
  );
  assert.equal(r.ok, false);
  if (r.ok) return;
  assert.deepEqual(
    r.problems.map((p) => p.path),
    ['b.txt'],
  );
  assert.deepEqual(
    r.resolvedFiles.map((f) => f.path),
    ['a.txt'],
  );
});

test('a 50,000-line file with repetitive lines resolves in well under a second (no quadratic scan)', () => {
  const lines: string[] = [];
  for (let i = 0; i < 50_000; i++)
    lines.push(i % 10 === 0 ? `  // section ${i}` : i % 3 === 0 ? '  }' : `  call(${i % 7});`);
  const file = lines.join('\n') + '\n';
  const started = performance.now();
  const r = after(
    { 'big.ts': file },
    `big.ts\n<<<<<<< SEARCH\n  // section 49990\n${lines[49991]}\n=======\n  // section 49990 (edited)\n${lines[49991]}\n>>>>>>> REPLACE\n`,
  );
  const ms = performance.now() - started;
  assert.ok(r.text.includes('section 49990 (edited)'));
  assert.ok(ms < 1000, `took ${ms.toFixed(0)} ms`);
  // A block made only of the most common line is ambiguous, and finding that out is fast too.
  const t2 = performance.now();
  const [p] = problems({ 'big.ts': file }, 'big.ts\n<<<<<<< SEARCH\n  }\n=======\n  };\n>>>>>>> REPLACE\n');
  assert.equal(p.kind, 'ambiguous');
  assert.ok(performance.now() - t2 < 2000);
});

test('a unified diff that adds to a missing file from line 0 creates it', () => {
  const r = resolve({}, '--- a/n.txt\n+++ b/n.txt\n@@ -0,0 +1,2 @@\n+x\n+y\n');
  assert.ok(r.ok);
  assert.deepEqual(
    [r.resolved.files[0].op, r.resolved.files[0].after, r.resolved.files[0].baseHash],
    ['create', 'x\ny\n', null],
  );
});

test("apply_patch: a hunk with only added lines and no anchor appends to the file (the format's rule); with an anchor it goes under it", () => {
  const r = after({ 'l.txt': 'a\nb\n' }, '*** Begin Patch\n*** Update File: l.txt\n@@\n+c\n*** End Patch\n');
  assert.equal(r.text, 'a\nb\nc\n');
  const r2 = after({ 'l.txt': 'a\nb\n' }, '*** Begin Patch\n*** Update File: l.txt\n@@ a\n+a2\n*** End Patch\n');
  assert.equal(r2.text, 'a\na2\nb\n');
});

test('a context line or two skipped at the edge of a quote is tolerated when the skipped lines are really there', () => {
  const file = ['// header', 'import a;', 'import b;', '', 'function f() {', '  return 1;', '}', ''].join('\n');
  // The quote skips "import b;" and the blank line between its context and the change.
  const r = after(
    { 's.ts': file },
    '--- a/s.ts\n+++ b/s.ts\n@@ -2,4 +2,4 @@\n import a;\n function f() {\n-  return 1;\n+  return 2;\n }\n',
  );
  assert.equal(r.text, file.replace('return 1;', 'return 2;'));
  assert.ok(r.tolerances.includes('missing-context-lines'));
  // A context line that is wrong (not merely missing) is not forgiven.
  const [p] = problems(
    { 's.ts': file },
    '--- a/s.ts\n+++ b/s.ts\n@@ -2,4 +2,4 @@\n import zzz;\n function f() {\n-  return 1;\n+  return 2;\n }\n',
  );
  assert.equal(p.kind, 'not-found');
  // Nor is a line missing between the lines that change.
  const file2 = ['a', 'b', 'c', 'd', 'e', ''].join('\n');
  const [q] = problems({ 't.txt': file2 }, 't.txt\n<<<<<<< SEARCH\na\nb\nd\n=======\na\nB\nD\n>>>>>>> REPLACE\n');
  assert.equal(q.kind, 'not-found');
});

test('a hand-built plan (tool calls) gets its defaults filled, and a malformed one is refused with the path', () => {
  const r = resolveAgainst(
    {
      format: 'search-replace',
      files: [{ path: 'a.txt', op: 'update', hunks: [{ old: ['a'], new: ['b'], block: 1, patchLine: 1 }] }],
    } as never,
    new Map([['a.txt', snapshotFromText('a\n')]]),
  );
  assert.ok(r.ok);
  assert.equal(r.resolved.files[0].after, 'b\n');
  const bad = resolveAgainst(
    { format: 'udiff', files: [{ path: 'a.txt', op: 'frob', hunks: [] }] } as never,
    new Map(),
  );
  assert.equal(bad.ok, false);
  if (!bad.ok) assert.match(bad.problems[0].message, /malformed at files\.0\.op/);
});

test('a tab-indented file quoted with spaces matches, and new lines come back with tabs', () => {
  const go = ['func f() {', '\tif x {', '\t\treturn 1', '\t}', '}', ''].join('\n');
  const r = after(
    { 'f.go': go },
    'f.go\n<<<<<<< SEARCH\n    if x {\n        return 1\n    }\n=======\n    if x {\n        log()\n        return 1\n    }\n>>>>>>> REPLACE\n',
  );
  assert.equal(r.text, go.replace('\t\treturn 1', '\t\tlog()\n\t\treturn 1'));
  assert.deepEqual(r.tolerances, ['indentation']);
  // A conversion plus a shift is not accepted: the tab width cannot be told from the quote.
  const [p] = problems(
    { 'f.go': go },
    'f.go\n<<<<<<< SEARCH\n      if x {\n          return 1\n=======\n      if y {\n          return 1\n>>>>>>> REPLACE\n',
  );
  assert.equal(p.kind, 'not-found');
});

test('a unified diff that adds the missing final newline is obeyed; the canonical diff of that round-trips', () => {
  const r = after(
    { 'e.txt': 'a\nb' },
    '--- a/e.txt\n+++ b/e.txt\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+b\n',
  );
  assert.equal(r.text, 'a\nb\n');
});

test('a hunk that matched twice is placed once another hunk has claimed one of its places, whatever their order', () => {
  const file = ['x = 1', 'y = 2', 'x = 1', 'z = 3', ''].join('\n');
  // Hunk 1 ("x = 1") alone matches lines 1 and 3; hunk 2 can only be lines 3-4.
  const r = after(
    { 'v.txt': file },
    '*** Begin Patch\n*** Update File: v.txt\n@@\n-x = 1\n+x = 10\n@@\n-x = 1\n-z = 3\n+x = 1\n+z = 30\n*** End Patch\n',
  );
  assert.equal(r.text, ['x = 10', 'y = 2', 'x = 1', 'z = 30', ''].join('\n'));
});

test('apply_patch: a shortened anchor still names the line it starts', () => {
  const py = [
    'class A:',
    '    def run(self, x):',
    '        return x',
    '',
    'class B:',
    '    def run(self, x):',
    '        return x',
    '',
  ].join('\n');
  const r = after(
    { 'a.py': py },
    '*** Begin Patch\n*** Update File: a.py\n@@ class B\n     def run(self, x):\n-        return x\n+        return -x\n*** End Patch\n',
  );
  assert.equal(r.text, py.replace(/return x\n$/, 'return -x\n'));
});

test('applying the same change twice is refused the second time, saying it looks applied already', () => {
  const patch = '--- a/f.js\n+++ b/f.js\n@@ -1,3 +1,3 @@\n function a() {\n-  return 1;\n+  return 10;\n }\n';
  const once = after({ 'f.js': SRC }, patch).text;
  const [p] = problems({ 'f.js': once }, patch);
  assert.match(p.message, /new text is already at line 1; the change looks applied already/);
});

test('blank lines padding a quote where the file has none are set aside, not a reason to refuse', () => {
  const file = ['const a = 1;', 'const b = 2;', 'const c = 3;', ''].join('\n');
  const r = after(
    { 'p.js': file },
    'p.js\n<<<<<<< SEARCH\n\nconst b = 2;\n\n=======\n\nconst b = 20;\n\n>>>>>>> REPLACE\n',
  );
  assert.equal(r.text, file.replace('const b = 2;', 'const b = 20;'));
  assert.ok(r.tolerances.includes('missing-context-lines'));
});

test('a blank context line at a hunk end that lost its space is not reported as a counting mistake', () => {
  const r = after({ 'q.txt': 'a\nb\n\nc\n' }, '--- a/q.txt\n+++ b/q.txt\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n\n');
  assert.equal(r.text, 'a\nB\n\nc\n');
  assert.deepEqual(r.tolerances, []);
});

test('a unified diff deleting a file must show what the file holds', () => {
  const r = resolve({ 'd.txt': 'one\ntwo\n' }, '--- a/d.txt\n+++ /dev/null\n@@ -1,2 +0,0 @@\n-one\n-two\n');
  assert.ok(r.ok);
  assert.equal(r.resolved.files[0].op, 'delete');
  const [p] = problems({ 'd.txt': 'one\ntwo\nthree\n' }, '--- a/d.txt\n+++ /dev/null\n@@ -1,2 +0,0 @@\n-one\n-two\n');
  assert.equal(p.kind, 'conflict');
  assert.match(p.message, /deletes this file but shows different content \(2 lines; the file has 3\)/);
});
