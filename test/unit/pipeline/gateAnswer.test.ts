// What the gate's answer does to a run, against the real pipeline and the loopback server: the
// plan a person approved (with a reviewer's suggestion applied at the gate) is what lands on disk
// and in the record; a refusal says who refused and why, never "human gate" when no rule asked for
// one; a plan that is not the reviewed change is refused and nothing is written.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { approve, startHarness, searchReplace } from './harness';
import { readGateAnswer } from '../../../src/core/pipeline/gateAnswer';
import type { ResolvedPlan } from '../../../src/core/edits/editPlan';

const A = 'export const a = 1;\nexport const b = 2;\n';

async function withChange(run: (h: Awaited<ReturnType<typeof startHarness>>) => Promise<void>) {
  const h = await startHarness({ 'src/a.ts': A });
  try {
    h.queues.implementer.push(searchReplace('src/a.ts', 'export const a = 1;', 'export const a = 10;'));
    h.queues.critic.push(approve());
    await run(h);
  } finally {
    await h.close();
  }
}

test('the plan approved at the gate, with a suggestion applied, is what is written and recorded', () =>
  withChange(async (h) => {
    const r = await h.run('Fix the constant in src/a.ts', {
      confirmEveryApply: true,
      gate: async (req) => {
        const edited = structuredClone(req.resolved!);
        edited.files[0]!.after = edited.files[0]!.after.replace('= 10;', '= 10; // ten, as asked');
        return { apply: edited };
      },
    });
    assert.equal(r.outcome, 'applied', r.message);
    assert.equal(h.read('src/a.ts'), 'export const a = 10; // ten, as asked\nexport const b = 2;\n');
    assert.match(r.record.diff ?? '', /\+export const a = 10; \/\/ ten, as asked/, 'the record keeps what was written');
    assert.deepEqual(
      r.record.gates.map((g) => g.approved),
      [true],
    );
  }));

test('a plain rejection, a "no" and a refusal without a terminal each say why; only a rule makes it a human gate', async () => {
  for (const [answer, expected] of [
    [{ reject: 'you rejected the change' }, 'rejected: you rejected the change; nothing was applied'],
    [false, 'rejected: the change was not confirmed; nothing was applied'],
  ] as const) {
    await withChange(async (h) => {
      const r = await h.run('Fix the constant in src/a.ts', { confirmEveryApply: true, gate: async () => answer });
      assert.equal(r.outcome, 'rejected');
      assert.equal(r.message, expected);
      assert.equal(r.record.message, expected);
      assert.doesNotMatch(r.message, /human gate/);
      assert.equal(h.read('src/a.ts'), A);
    });
  }
});

test('a plan that is not the reviewed change is refused, and nothing is written', () =>
  withChange(async (h) => {
    const r = await h.run('Fix the constant in src/a.ts', {
      confirmEveryApply: true,
      gate: async (req) => {
        const other = structuredClone(req.resolved!);
        other.files[0]!.path = 'src/b.ts';
        return { apply: other };
      },
    });
    assert.equal(r.outcome, 'failed');
    assert.match(r.message, /not the change that was reviewed \(src\/b\.ts in place of src\/a\.ts\)/);
    assert.equal(h.applied.length, 0);
    assert.equal(h.read('src/a.ts'), A);
  }));

test('readGateAnswer: a changed base is not the reviewed change either', () => {
  const reviewed: ResolvedPlan = {
    format: 'search-replace',
    files: [{ path: 'a', op: 'update', baseHash: 'h1', before: 'x', after: 'y', tolerances: [] }],
  };
  const moved = structuredClone(reviewed);
  moved.files[0]!.before = 'z';
  assert.throws(() => readGateAnswer({ apply: moved }, reviewed, false), /made against other content/);
  assert.deepEqual(readGateAnswer(true, reviewed, false), { kind: 'apply', plan: reviewed, edited: false });
  assert.deepEqual(readGateAnswer(false, reviewed, true), { kind: 'reject', reason: 'declined at the human gate' });
});
