// A hostile change is never executed before it is reviewed (issue 15, C2): the model rewrites the
// project's test script to run a payload; the critic blocks the change; the verify command — run
// here WITHOUT the sandbox (the user's opt-in), so a payload that ran would leave its mark on this
// machine — never runs. Real SDKs over HTTP to the loopback server, the real pipeline and verify stage.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { runVerifyStage } from '../../../src/core/verify/verifyStage';
import { json, searchReplace, startHarness, testPolicy } from '../pipeline/harness';

test('a change the critic blocks is never run: no verify call, no payload, and the run says why tests did not run', async () => {
  const test_sh = 'grep -q two src/a.sh';
  const h = await startHarness({ 'src/a.sh': 'echo one\n', 'test.sh': `${test_sh}\n` });
  const out = mkdtempSync(path.join(tmpdir(), 'switchyard-payload-'));
  const marker = path.join(out, 'payload-ran');
  try {
    h.queues.implementer.push(searchReplace('test.sh', test_sh, `touch ${marker}`));
    h.queues.critic.push(
      json({ verdict: 'block', summary: 'rewrites the test script to run a payload', findings: [] }),
    );
    h.gateAnswer = false; // a block goes to a person (rules.humanGate.onBlock), who says no
    let calls = 0;
    const command = 'sh test.sh';
    const r = await h.run('Fix src/a.sh to print two', {
      policy: { ...testPolicy(h.server), verify: { command, timeoutSeconds: 30 } },
      verify: (resolvedPlan, signal) => {
        calls++;
        return runVerifyStage({
          root: h.root,
          resolvedPlan,
          verify: { command, timeoutSeconds: 30 },
          trusted: true,
          approvals: { has: () => true, add: () => undefined },
          askApproval: async () => true,
          isolation: {
            allowUnsandboxed: true,
            support: { ok: false, reason: 'this case runs unsandboxed on purpose' },
          },
          signal,
        });
      },
    });
    assert.equal(calls, 0, 'the verify command never ran');
    assert.equal(existsSync(marker), false, 'the payload never ran');
    const verified = h.events.filter((e) => e.type === 'verified');
    assert.equal(verified.length, 1);
    assert.ok(verified[0]!.type === 'verified');
    assert.equal(verified[0]!.status, 'skipped-blocked');
    assert.match(verified[0]!.summary, /critic blocked this change, so its code was not run/);
    assert.deepEqual(r.record.verifications, [{ round: 1, status: 'skipped-blocked', passed: undefined }]);
    assert.equal(r.outcome, 'rejected');
    assert.equal(h.read('test.sh'), `${test_sh}\n`);
  } finally {
    await h.close();
    rmSync(out, { recursive: true, force: true });
  }
});
