// The verify stage where there is no sandbox (macOS, Windows, no user namespaces, no bubblewrap):
// it refuses, saying what is missing and how the user (never the repository) can opt into the
// unsandboxed mode; opted in, it runs in the copy and says it ran unconfined. What is approved
// includes how the command runs and which variables the policy passes to it.
import { strict as assert } from 'node:assert';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { chooseIsolation } from '../../../src/core/sandbox/chooseIsolation';
import type { ApprovalDetails } from '../../../src/core/verify/verifyApproval';
import { runVerifyStage, type VerifyStageInput } from '../../../src/core/verify/verifyStage';
import { makeWorkspace, memoryApprovals, PASSING_PATCH, resolvePatch, type TempWorkspace } from './helpers';

const NO_SANDBOX = { ok: false as const, reason: 'bubblewrap (bwrap) is not installed' };

describe('verify stage without a sandbox', () => {
  let ws: TempWorkspace;
  afterEach(() => ws.cleanup());

  async function stage(over: Partial<VerifyStageInput>) {
    const asked: Array<{ command: string; details?: ApprovalDetails }> = [];
    const outcome = await runVerifyStage({
      root: ws.root,
      resolvedPlan: await resolvePatch(ws.root, PASSING_PATCH),
      verify: { command: `touch ${JSON.stringify(path.join(ws.outDir, 'ran'))}`, timeoutSeconds: 10 },
      trusted: true,
      approvals: memoryApprovals(),
      askApproval: async (command, details) => {
        asked.push({ command, details });
        return true;
      },
      scratch: { tmpDir: ws.scratchTmp },
      ...over,
    });
    return { outcome, asked };
  }

  it('refuses to run, before asking anyone, and says what is missing and how to opt in', async () => {
    ws = makeWorkspace({ git: true });
    const { outcome, asked } = await stage({ isolation: { support: NO_SANDBOX } });
    assert.equal(outcome.status, 'skipped-no-sandbox');
    const reason = outcome.status === 'skipped-no-sandbox' ? outcome.reason : '';
    assert.match(reason, /bubblewrap \(bwrap\) is not installed/);
    assert.match(reason, /switchyard\.verify\.allowUnsandboxed/);
    assert.match(reason, /--verify-unsandboxed/);
    assert.deepEqual(asked, []);
    assert.equal(existsSync(path.join(ws.outDir, 'ran')), false);
  });

  it('opted in: asks again (a sandboxed approval does not cover it), runs in the copy, and says it was unconfined', async () => {
    ws = makeWorkspace({ git: true });
    const approvals = memoryApprovals();
    // Approved before, with the sandbox: that approval is for the sandboxed command only.
    const first = await stage({ approvals, verify: { command: 'true', timeoutSeconds: 10 } });
    assert.equal(first.outcome.status, 'ran');
    assert.equal(first.asked.length, 1);
    assert.equal(first.outcome.status === 'ran' && first.outcome.result.isolation, 'sandbox');
    const { outcome, asked } = await stage({
      approvals,
      verify: { command: 'true', timeoutSeconds: 10 },
      isolation: { support: NO_SANDBOX, allowUnsandboxed: true },
    });
    assert.equal(asked.length, 1, 'asked again');
    assert.deepEqual(asked[0]!.details, { isolation: 'unsandboxed', passEnv: [] });
    assert.equal(outcome.status, 'ran');
    if (outcome.status !== 'ran') return;
    assert.equal(outcome.result.isolation, 'unsandboxed');
    assert.match(
      outcome.notes?.join(' ') ?? '',
      /WITHOUT a sandbox.*bwrap\) is not installed.*read your files and reach the network/,
    );
  });

  it('variables the policy passes are shown and approved with the command; changing them asks again', async () => {
    ws = makeWorkspace({ git: false });
    const approvals = memoryApprovals();
    const run = (env: string[]) =>
      stage({ approvals, verify: { command: 'echo "jh=$JAVA_HOME db=$DATABASE_URL"', timeoutSeconds: 10, env } });
    const a = await run(['JAVA_HOME']);
    assert.deepEqual(a.asked[0]!.details, { isolation: 'sandbox', passEnv: ['JAVA_HOME'] });
    const again = await run(['JAVA_HOME']);
    assert.deepEqual(again.asked, [], 'remembered');
    const more = await run(['JAVA_HOME', 'DATABASE_URL']);
    assert.equal(more.asked.length, 1, 'a changed list asks again');
    assert.equal(more.outcome.status, 'ran');
    if (more.outcome.status !== 'ran') return;
    assert.deepEqual(
      more.outcome.result.refusedEnv,
      ['DATABASE_URL'],
      'a credential is never passed, even when listed',
    );
  });

  it('on macOS or Windows the reason says a Linux sandbox is needed', async () => {
    const chosen = await chooseIsolation({ probe: { platform: 'darwin' } });
    assert.ok('refused' in chosen);
    assert.match(
      chosen.refused,
      /needs Linux \(bubblewrap and user namespaces\), and this is darwin.*WSL or a Dev Container/,
    );
  });
});
