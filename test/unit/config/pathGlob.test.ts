// The policy's path globs: the usual semantics (segments, `**`, classes, braces, dotfiles, escapes),
// and work bounded by (path length + 1) × (items + 2) even for the patterns that make regex-based
// matchers backtrack for minutes — counted in steps, not timed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expandBraces, globMatcher } from '../../../src/core/config/pathGlob';
import { loadPolicy } from '../../../src/core/config/loadPolicy';

const cases: Array<[string, string, boolean]> = [
  ['src/payments/**', 'src/payments/charge.ts', true],
  ['src/payments/**', 'src/payments/a/b/c.ts', true],
  ['src/payments/**', 'src/payments', true],
  ['src/payments/**', 'src/payments/.env', true],
  ['src/payments/**', 'src/paymentsx/a.ts', false],
  ['src/payments/**', 'lib/src/payments/a.ts', false],
  ['src/payments/', 'src/payments/a.ts', true],
  ['./src/*.ts', 'src/a.ts', true],
  ['src/*.ts', 'src/a/b.ts', false],
  ['src/*.ts', 'src/.hidden.ts', true],
  ['**/*.pem', 'key.pem', true],
  ['**/*.pem', 'a/b/key.pem', true],
  ['**/*.pem', 'a/b/key.pem.txt', false],
  ['**', 'anything/at/all', true],
  ['src/**/test/*.ts', 'src/test/a.ts', true],
  ['src/**/test/*.ts', 'src/a/b/test/a.ts', true],
  ['src/**/test/*.ts', 'src/a/b/test/c/a.ts', false],
  ['**/migrations/**', 'db/migrations/001.sql', true],
  ['**/migrations/**', 'migrations/001.sql', true],
  ['**/migrations/**', 'db/migration/001.sql', false],
  ['file?.ts', 'file1.ts', true],
  ['file?.ts', 'file/.ts', false],
  ['file?.ts', 'file12.ts', false],
  ['[a-c]x', 'bx', true],
  ['[a-c]x', 'dx', false],
  ['[!a-c]x', 'dx', true],
  ['[^a-c]x', 'ax', false],
  ['[]]x', ']x', true],
  ['a[/]b', 'a/b', false],
  ['[abc', '[abc', true],
  ['{apps,libs}/*/src/**', 'libs/core/src/x/y.ts', true],
  ['{apps,libs}/*/src/**', 'tools/core/src/x.ts', false],
  ['src/{a,b{c,d}}.ts', 'src/bd.ts', true],
  ['src/{a}.ts', 'src/{a}.ts', true],
  ['src/{a,b', 'src/{a,b', true],
  ['\\*.ts', '*.ts', true],
  ['\\*.ts', 'a.ts', false],
  ['a**b', 'axxb', true],
  ['a**b', 'ax/xb', false],
  ['docs/ünïcode/*', 'docs/ünïcode/ä.md', true],
];

test('glob semantics on workspace-relative paths', () => {
  for (const [pattern, path, want] of cases) assert.equal(globMatcher([pattern])(path), want, `${pattern} ~ ${path}`);
});

test('case folding is an option (Windows and macOS fold case)', () => {
  assert.equal(globMatcher(['src/Payments/**'])('src/payments/a.ts'), false);
  assert.equal(globMatcher(['src/Payments/**'], { nocase: true })('SRC/payments/A.ts'), true);
  assert.equal(globMatcher(['[A-C]x'], { nocase: true })('bx'), true);
});

test('work stays linear in the path on patterns that make backtracking matchers explode', () => {
  const hostile = ['**/a*a*a*a*a*a*a*b', '**/*a*a*a*a*a*a*a*a', 'x/**/**/**/**/y', '{a,b}*{c,d}*{e,f}*g'];
  for (const pattern of hostile) {
    const m = globMatcher([pattern]);
    const items = pattern.length + 2;
    for (const path of ['x/' + 'a'.repeat(10_000), 'x/' + 'x/'.repeat(5_000) + 'z', 'a'.repeat(20_000)]) {
      // Only a run of a's ending in 8 a's matches one of these; none ends in b, g or y.
      assert.equal(m(path), pattern === '**/*a*a*a*a*a*a*a*a' && path.endsWith('aaaaaaaa'), `${pattern}`);
      const alternatives = expandBraces(pattern).length;
      assert.ok(
        m.lastSteps <= (path.length + 1) * items * alternatives,
        `${pattern} on ${path.length} chars: ${m.lastSteps} steps`,
      );
    }
  }
});

test('a pattern with too many alternatives is a policy error at its path', () => {
  const glob = '{a,b}{c,d}{e,f}{g,h}{i,j}{k,l}{m,n}{o,p}{q,r}/**';
  const r = loadPolicy({
    workspaceTrusted: true,
    workspace: {
      label: 'routing.json',
      text: JSON.stringify({ rules: { residency: [{ paths: [glob], allowRegions: ['eu'] }] } }),
    },
  });
  assert.equal(r.ok, false);
  if (!r.ok) {
    assert.equal(r.problems[0]!.path, 'rules.residency[0].paths[0]');
    assert.match(r.problems[0]!.message, /expands to more than 256 patterns/);
  }
});
