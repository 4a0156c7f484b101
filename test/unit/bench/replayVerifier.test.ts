// The verify command for replays: approval is asked once against the real workspace (not per
// scratch copy), remembered in the usual store, refused in an untrusted workspace, and the approved
// command then really runs in each scratch copy without asking again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { replayVerifier } from '../../../src/core/bench/replayVerifier';
import { RoutingPolicySchema } from '../../../src/core/config/policySchema';
import { approvalHash } from '../../../src/core/verify/verifyApproval';
import { parsePatch } from '../../../src/core/edits/parsePatch';
import { resolveEdits } from '../../../src/core/edits/resolveEdits';

// Passes only in a copy of the scratch root (marker.txt) with the change applied (new.txt).
const COMMAND = 'test -f marker.txt && test -f new.txt';
const policy = RoutingPolicySchema.parse({ verify: { command: COMMAND, timeoutSeconds: 10 } });

test('asked once for the workspace root, remembered, then run in any scratch root without asking', async () => {
  const root = mkdtempSync(join(tmpdir(), 'switchyard-rv-'));
  const scratchA = mkdtempSync(join(tmpdir(), 'switchyard-rv-a-'));
  try {
    writeFileSync(join(scratchA, 'marker.txt'), 'x');
    const stored = new Set<string>();
    const asked: string[] = [];
    const approvals = { has: (h: string) => stored.has(h), add: (h: string) => void stored.add(h) };
    const v = await replayVerifier({
      policy,
      root,
      trusted: true,
      approvals,
      askApproval: async (c) => (asked.push(c), true),
    });
    assert.deepEqual(asked, [COMMAND]);
    assert.ok(stored.has(approvalHash(COMMAND, root)), 'remembered for the real workspace');
    assert.ok(v.verify);
    const resolved = await resolveEdits(
      parsePatch('--- /dev/null\n+++ b/new.txt\n@@ -0,0 +1 @@\n+hello\n', 'udiff'),
      scratchA,
    );
    assert.ok(resolved.ok);
    const ok = await v.verify!(scratchA, resolved.resolved, new AbortController().signal);
    assert.equal(ok.status, 'ran');
    assert.equal(ok.status === 'ran' && ok.result.passed, true);
    const again = await replayVerifier({
      policy,
      root,
      trusted: true,
      approvals,
      askApproval: async () => assert.fail('asked twice'),
    });
    assert.ok(again.verify, 'a remembered approval is not asked again');
  } finally {
    rmSync(root, { recursive: true, force: true });
    rmSync(scratchA, { recursive: true, force: true });
  }
});

test('declined or untrusted: no verification in the replays, and a note says why', async () => {
  const root = mkdtempSync(join(tmpdir(), 'switchyard-rv-'));
  try {
    const approvals = { has: () => false, add: () => undefined };
    const no = await replayVerifier({ policy, root, trusted: true, approvals, askApproval: async () => false });
    assert.equal(no.verify, undefined);
    assert.match(
      no.note!,
      /verification not run in the replays: skipped: the verify command was not approved: test -f marker\.txt && test -f new\.txt/,
    );
    const untrusted = await replayVerifier({
      policy,
      root,
      trusted: false,
      approvals,
      askApproval: async () => assert.fail('never asked when untrusted'),
    });
    assert.equal(untrusted.verify, undefined);
    assert.match(untrusted.note!, /workspace not trusted/);
    const none = await replayVerifier({
      policy: RoutingPolicySchema.parse({}),
      root,
      trusted: true,
      approvals,
      askApproval: async () => true,
    });
    assert.deepEqual(none, {});
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
