import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diffLines } from '../../../src/core/edits/lineDiff';
import { mulberry32 } from '../../fixtures/edits/corpus';

function lcs(a: string[], b: string[]): number {
  const dp = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--)
    for (let j = b.length - 1; j >= 0; j--)
      dp[i][j] = a[i] === b[j] ? dp[i + 1][j + 1] + 1 : Math.max(dp[i + 1][j], dp[i][j + 1]);
  return dp[0][0];
}

test('diffLines walks both sides in order, rebuilds b from a, and keeps a longest common subsequence', () => {
  const rng = mulberry32(7);
  for (let t = 0; t < 2000; t++) {
    const gen = () => Array.from({ length: Math.floor(rng() * 14) }, () => 'abcde'[Math.floor(rng() * 5)]);
    const a = gen();
    const b = gen();
    const ops = diffLines(a, b);
    assert.deepEqual(
      ops.filter((o) => o.kind !== '+').map((o) => o.a),
      a.map((_, i) => i),
    );
    assert.deepEqual(
      ops.filter((o) => o.kind !== '-').map((o) => o.b),
      b.map((_, i) => i),
    );
    for (const o of ops) if (o.kind === '=') assert.equal(a[o.a], b[o.b]);
    assert.equal(ops.filter((o) => o.kind === '=').length, lcs(a, b), `${a.join('')} -> ${b.join('')}`);
  }
});

test('past the difference budget the middle becomes one replacement, still a correct diff', () => {
  const a = Array.from({ length: 3000 }, (_, i) => `a${i}`);
  const b = Array.from({ length: 3000 }, (_, i) => `b${i}`);
  const started = performance.now();
  const ops = diffLines(['same', ...a, 'tail'], ['same', ...b, 'tail'], 100);
  assert.ok(performance.now() - started < 2000);
  assert.equal(ops.filter((o) => o.kind === '=').length, 2);
  assert.equal(ops.length, 2 + 6000);
});

test('many scattered changes in a large file still diff line by line (split at unique lines)', () => {
  const a = Array.from({ length: 50_000 }, (_, i) => `line ${i}`);
  const b = a.map((l, i) => (i % 20 === 7 ? `${l} changed` : l));
  const started = performance.now();
  const ops = diffLines(a, b, 100);
  assert.ok(performance.now() - started < 3000);
  assert.equal(ops.filter((o) => o.kind === '-').length, 2500);
  assert.equal(ops.filter((o) => o.kind === '=').length, 47_500);
  assert.deepEqual(
    ops.filter((o) => o.kind !== '-').map((o) => (o.kind === '=' ? a[o.a] : b[o.b])),
    b,
  );
});
