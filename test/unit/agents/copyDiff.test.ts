import { test } from 'node:test';
import assert from 'node:assert/strict';
import { splitDiff } from '../../../src/core/agents/copyDiff';

const DIFF = [
  'diff --git a/app/src/x.ts b/app/src/x.ts',
  'index 1..2 100644',
  '--- a/app/src/x.ts',
  '+++ b/app/src/x.ts',
  '@@ -1 +1 @@',
  '-a',
  '+b',
  'diff --git a/other/y.ts b/other/y.ts',
  'new file mode 100644',
  '--- /dev/null',
  '+++ b/other/y.ts',
  '@@ -0,0 +1 @@',
  '+y',
  'diff --git a/app/logo.png b/app/logo.png',
  'GIT binary patch',
  'literal 1',
  '',
].join('\n');

test('a change in a repository folder keeps that folder, relative; others and binaries are reported', () => {
  const c = splitDiff(DIFF, 'app');
  assert.deepEqual(c.outsideRoot, ['other/y.ts']);
  assert.deepEqual(c.binary, ['logo.png']);
  assert.match(c.diff, /^diff --git a\/src\/x\.ts b\/src\/x\.ts$/m);
  assert.match(c.diff, /^--- a\/src\/x\.ts$/m);
  assert.match(c.diff, /^\+\+\+ b\/src\/x\.ts$/m);
  assert.doesNotMatch(c.diff, /other\/y\.ts/);
});

test('at the repository top nothing is outside', () => {
  const c = splitDiff(DIFF, '');
  assert.deepEqual(c.outsideRoot, []);
  assert.deepEqual(c.binary, ['app/logo.png']);
  assert.match(c.diff, /\+\+\+ b\/other\/y\.ts/);
});
