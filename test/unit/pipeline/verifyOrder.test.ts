// Where verification sits in a run (issue 15, C2): the policy's test command runs only on a diff
// the critic reviewed and did not block (test/unit/hostile/verifyAfterCritic.test.ts), in the
// sandboxed copy runVerifyStage makes; a failing run is a finding that sends the change back within
// the review rounds, and the critic of the next round, the final owner and the person at the gate
// all see it. Real SDKs over HTTP to the loopback
// server, the real verify stage and sandbox.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ResolvedPlan } from '../../../src/core/edits/editPlan';
import { runVerifyStage } from '../../../src/core/verify/verifyStage';
import type { VerifyOutcome } from '../../../src/core/verify/verifySchema';
import { approve, json, messagesText, searchReplace, startHarness, testPolicy, type Harness } from './harness';

const SRC = {
  'src/a.sh': 'echo one\n',
  'test.sh': 'grep -q two src/a.sh || { echo "expected two in src/a.sh"; exit 1; }\n',
};
const COMMAND = 'sh test.sh && echo TESTS-PASSED';

/** The real verify stage, counting its calls; approved and trusted. */
function verifier(h: Harness) {
  const calls: ResolvedPlan[] = [];
  const verify = (resolved: ResolvedPlan, signal: AbortSignal): Promise<VerifyOutcome> => {
    calls.push(resolved);
    return runVerifyStage({
      root: h.root,
      resolvedPlan: resolved,
      verify: { command: COMMAND, timeoutSeconds: 30 },
      trusted: true,
      approvals: { has: () => true, add: () => undefined },
      askApproval: async () => true,
      signal,
    });
  };
  return { calls, verify };
}

function withVerify(h: Harness, rules: Record<string, unknown> = {}) {
  const base = testPolicy(h.server);
  return { ...base, rules: { ...base.rules, ...rules }, verify: { command: COMMAND, timeoutSeconds: 30 } };
}

test('an approved change whose tests fail goes back to the implementer with the output; the fix is tested and applied', async () => {
  const h = await startHarness(SRC);
  try {
    h.queues.implementer.push(searchReplace('src/a.sh', 'echo one', 'echo three'));
    h.queues.implementer.push(searchReplace('src/a.sh', 'echo one', 'echo two'));
    h.queues.critic.push(approve('fine'), approve('fine now'));
    const v = verifier(h);
    const r = await h.run('Fix src/a.sh to print two', { policy: withVerify(h), verify: v.verify });
    assert.equal(r.outcome, 'applied', r.message);
    assert.equal(v.calls.length, 2, 'each reviewed round was tested');
    assert.deepEqual(r.record.verifications, [
      { round: 1, status: 'ran', passed: false },
      { round: 2, status: 'ran', passed: true },
    ]);
    // The implementer's second request carries the failure as data…
    const impl = h.requestsOf('implementer');
    assert.equal(impl.length, 2);
    assert.match(messagesText(impl[1]!), /Verification FAILED[\s\S]*expected two in src\/a\.sh/);
    // …and the critic of round 2 reads it in its previous review.
    const critic = h.requestsOf('critic');
    assert.match(messagesText(critic[1]!), /YOUR PREVIOUS REVIEW[\s\S]*Verification FAILED[\s\S]*expected two/);
    assert.equal(h.read('src/a.sh'), 'echo two\n');
  } finally {
    await h.close();
  }
});

test('tests that keep failing use up the review rounds: the person at the gate sees why, and the final owner gets the result', async () => {
  const h = await startHarness(SRC);
  try {
    h.queues.implementer.push(searchReplace('src/a.sh', 'echo one', 'echo three'));
    h.queues.implementer.push(searchReplace('src/a.sh', 'echo one', 'echo four'));
    h.queues.critic.push(approve(), approve());
    h.queues.finalOwner.push(json({ verdict: 'request-changes', summary: 'tests still fail', findings: [] }));
    const v = verifier(h);
    const policy = withVerify(h, { maxReviewRounds: 1 });
    const r = await h.run('Fix src/a.sh to print two', { policy, verify: v.verify });
    assert.equal(v.calls.length, 2);
    const fo = h.requestsOf('finalOwner');
    assert.equal(fo.length, 1, 'rounds ran out with the tests failing: escalated');
    assert.match(messagesText(fo[0]!), /VERIFICATION[\s\S]*Verification FAILED[\s\S]*expected two/);
    assert.equal(h.gates.length, 1);
    assert.equal(h.gates[0]!.review?.verdict, 'request-changes');
    assert.match(h.gates[0]!.review?.summary ?? '', /tests still fail/);
    assert.equal(r.outcome, 'applied', 'the person at the gate decided (the harness says yes)');
  } finally {
    await h.close();
  }
});
