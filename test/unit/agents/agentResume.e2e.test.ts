// Send back after a re-run that reused an agent's change (the real SDKs and agents on the loopback
// server): the agent resumes its own session in its own copy (Claude Code: the session id; Codex:
// its thread) with the findings. When that session cannot be resumed — its copy is gone, or this
// host kept no session — the run says so and starts a new session with the earlier change applied
// to a new copy: the change is never lost.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ParkedSessions } from '../../../src/core/agents/parkedSessions';
import { approve } from '../pipeline/harness';
import { askForSumNote, endAgentRun, startAgentRun, type AgentRun } from './agentHarness';
import { claudePolicy, codexPolicy } from './agentPolicies';
import { sessionOf, type AgentKind, type AgentStepScript } from '../../support/agentScript';

const CART = 'export function total(items: number[]): number {\n  return items.reduce((a, b) => a - b, 0);\n}\n';
const FIXED = CART.replace('a - b', 'a + b');
const NOTED = FIXED.replace('a + b, 0);', 'a + b, 0); // sum');
const TASK = 'Fix the negative total in src/cart.ts';

function edit(kind: AgentKind, from: string, to: string): AgentStepScript {
  if (kind === 'claude')
    return { tool: 'Edit', input: { file_path: '{cwd}/src/cart.ts', old_string: from, new_string: to } };
  const cmd = `apply_patch <<'EOF'\n*** Begin Patch\n*** Update File: src/cart.ts\n@@\n-${from}\n+${to}\n*** End Patch\nEOF`;
  return { tool: 'exec_command', input: { cmd } };
}
const LINE = '  return items.reduce((a, b) => a - b, 0);';
const fix = (kind: AgentKind) => edit(kind, LINE, LINE.replace('a - b', 'a + b'));
const note = (kind: AgentKind) =>
  edit(kind, LINE.replace('a - b', 'a + b'), LINE.replace('a - b', 'a + b') + ' // sum');

const idOf = (kind: AgentKind) => (kind === 'codex' ? 'codex' : 'claude-code');
const policyOf = (kind: AgentKind, a: AgentRun) =>
  kind === 'codex' ? codexPolicy(a.h.server) : claudePolicy(a.h.server);
const outputOf = (a: AgentRun) =>
  a.h.events.flatMap((e) => (e.type === 'stage-delta' && e.stage === 'implementer' ? [e.text] : [])).join('');

/** Run 1: the agent fixes the sum, the critic approves, the person rejects it at the gate; its diff is returned. */
async function firstRun(kind: AgentKind, a: AgentRun): Promise<string> {
  a.h.queues.critic.push(approve());
  a.h.gateAnswer = false;
  const r = await a.h.run(TASK, { policy: policyOf(kind, a), agents: a.host, confirmEveryApply: true });
  assert.equal(r.outcome, 'rejected', r.message);
  assert.equal(a.h.read('src/cart.ts'), CART);
  a.h.gateAnswer = true;
  a.h.events.length = 0;
  return r.diff!.diff;
}

/** Run 2 reuses that change (a re-run of the critic), whose reviewer sends it back with one finding. */
async function rerunAndSendBack(kind: AgentKind, a: AgentRun, diff: string) {
  a.h.queues.critic.push(askForSumNote(), approve());
  const reuse = { from: 'the earlier run', implementation: { modelId: idOf(kind), diff } };
  const r = await a.h.run(TASK, { policy: policyOf(kind, a), agents: a.host, reuse });
  assert.equal(r.outcome, 'applied', r.message);
  assert.equal(a.h.read('src/cart.ts'), NOTED, 'both the reused change and the revision are applied');
  return r;
}

for (const kind of ['claude', 'codex'] as const) {
  test(`${kind}: a send-back after a re-run resumes the agent's own session in its own copy`, async () => {
    const parked = new ParkedSessions();
    const a = await startAgentRun(
      { 'src/cart.ts': CART },
      [fix(kind), { text: 'Fixed the sum in total().' }, note(kind), { text: 'Noted what it sums.' }],
      kind,
    );
    a.host.parked = parked;
    try {
      const diff = await firstRun(kind, a);
      assert.equal(parked.size, 1, 'the session is kept after its run');
      const firstRunRequests = a.agentRequests.length;
      await rerunAndSendBack(kind, a, diff);
      const resumed = a.agentRequests.slice(firstRunRequests);
      assert.ok(resumed.length > 0);
      assert.equal(new Set(a.agentRequests.map(sessionOf)).size, 1, 'one session across both runs');
      assert.match(resumed[0]!.rawBody, /NOTE-THE-SUM/, 'the findings reached the agent');
      assert.match(resumed[0]!.rawBody, /Fixed the sum in total/, 'its session carries its first pass');
      assert.match(outputOf(a), new RegExp(`Resuming ${idOf(kind)}'s session from the earlier run, in its copy`));
    } finally {
      await parked.dispose();
      await endAgentRun(a);
    }
  });
}

test('claude: its copy is gone — the run says so and starts a new session with the change applied to a new copy', async () => {
  const parked = new ParkedSessions();
  const a = await startAgentRun(
    { 'src/cart.ts': CART },
    [fix('claude'), { text: 'Fixed the sum in total().' }, note('claude'), { text: 'Noted what it sums.' }],
    'claude',
  );
  a.host.parked = parked;
  try {
    const diff = await firstRun('claude', a);
    const containers = readdirSync(a.scratch).filter((n) => n.startsWith('switchyard-scratch-'));
    assert.equal(containers.length, 1);
    rmSync(join(a.scratch, containers[0]!, 'work'), { recursive: true, force: true });
    const before = a.agentRequests.length;
    await rerunAndSendBack('claude', a, diff);
    assert.match(outputOf(a), /Cannot resume claude-code's earlier session: the scratch copy of its session is gone/);
    const fresh = a.agentRequests[before]!;
    assert.notEqual(sessionOf(fresh), sessionOf(a.agentRequests[0]!), 'a new session');
    assert.match(fresh.rawBody, /EARLIER CHANGE/);
    assert.match(fresh.rawBody, /a \+ b, 0/, 'the earlier change is in its brief');
    assert.match(fresh.rawBody, /NOTE-THE-SUM/, 'and the findings');
  } finally {
    await parked.dispose();
    await endAgentRun(a);
  }
});

test('codex: no session was kept — the run says so and starts a new thread with the change applied to a new copy', async () => {
  const a = await startAgentRun(
    { 'src/cart.ts': CART },
    [fix('codex'), { text: 'Fixed the sum in total().' }, note('codex'), { text: 'Noted what it sums.' }],
    'codex',
  );
  try {
    const diff = await firstRun('codex', a);
    const before = a.agentRequests.length;
    await rerunAndSendBack('codex', a, diff);
    assert.match(outputOf(a), /Cannot resume codex's earlier session: this host does not keep agent sessions/);
    const fresh = a.agentRequests[before]!;
    assert.notEqual(sessionOf(fresh), sessionOf(a.agentRequests[0]!), 'a new thread');
    assert.match(fresh.rawBody, /EARLIER CHANGE/);
    assert.match(fresh.rawBody, /NOTE-THE-SUM/);
  } finally {
    await endAgentRun(a);
  }
});
