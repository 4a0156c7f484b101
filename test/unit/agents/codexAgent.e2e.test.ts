// End to end: a run whose implementer is Codex — the real Codex SDK driving the real codex binary
// (from @openai/codex, linux-x64) in its own sandbox, its Responses API requests answered by the
// loopback server — in a scratch copy; a Claude critic (real @anthropic-ai/sdk over HTTP) reviews
// its diff; the host's gate and apply decide what reaches the workspace.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { approve, KEY } from '../pipeline/harness';
import { askForSumNote, endAgentRun, startAgentRun } from './agentHarness';
import { codexPolicy } from './agentPolicies';
import { sessionOf, type AgentStepScript } from '../../support/agentScript';

const CART = 'export function total(items: number[]): number {\n  return items.reduce((a, b) => a - b, 0);\n}\n';
const FIXED = CART.replace('a - b', 'a + b');

const patch = (from: string, to: string) => ({
  cmd: `apply_patch <<'EOF'\n*** Begin Patch\n*** Update File: src/cart.ts\n@@\n-${from}\n+${to}\n*** End Patch\nEOF`,
});

const setUp = (steps: AgentStepScript[]) => startAgentRun({ 'src/cart.ts': CART }, steps, 'codex');
const tearDown = endAgentRun;

/** Processes started for the agent: their CODEX_HOME is in the scratch folder. */
function codexProcesses(scratch: string): number[] {
  const pids: number[] = [];
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      if (readFileSync(`/proc/${e}/environ`, 'latin1').includes(`CODEX_HOME=${scratch}`)) pids.push(Number(e));
    } catch {
      // gone, or not ours to read
    }
  }
  return pids;
}

test('Codex patches its scratch copy in its sandbox; its diff reaches the Claude critic; applied only after the gate', async () => {
  const a = await setUp([
    { tool: 'exec_command', input: { cmd: 'cat src/cart.ts' } },
    {
      tool: 'exec_command',
      input: patch('  return items.reduce((a, b) => a - b, 0);', '  return items.reduce((a, b) => a + b, 0);'),
    },
    { text: 'Fixed the sum in total().' },
  ]);
  try {
    a.h.queues.critic.push(approve('the sum is right'));
    let atGate = '';
    const r = await a.h.run('Fix the negative total in src/cart.ts', {
      policy: codexPolicy(a.h.server),
      agents: a.host,
      confirmEveryApply: true,
      gate: async () => {
        atGate = a.h.read('src/cart.ts');
        return true;
      },
    });
    assert.equal(r.outcome, 'applied', r.message);
    assert.equal(atGate, CART, 'the workspace is untouched while the change waits at the gate');
    assert.equal(a.h.read('src/cart.ts'), FIXED);
    assert.equal(a.agentRequests[0]!.api, 'openai-responses');
    assert.equal(a.agentRequests[0]!.headers.authorization, `Bearer ${KEY}`);
    // The command ran in the copy and its output went back to the model.
    assert.match(a.agentRequests[1]!.rawBody, /function_call_output.*reduce\(\(a, b\) => a - b/);
    const critic = a.h.requestsOf('critic')[0]!;
    assert.equal(critic.api, 'anthropic-messages');
    assert.match(critic.rawBody, /a \+ b/);
    const out = a.h.events.flatMap((e) => (e.type === 'stage-delta' && e.stage === 'implementer' ? [e.text] : []));
    assert.match(out.join(''), /→ shell .*cat src\/cart\.ts/);
    assert.match(out.join(''), /→ apply_patch update .*src\/cart\.ts/);
    const call = a.h.events.find((e) => e.type === 'model-call-finished' && e.stage === 'implementer');
    assert.ok(call && call.type === 'model-call-finished' && call.provider === 'codex-agent' && call.costUsd > 0);
    assert.deepEqual(codexProcesses(a.scratch), [], 'no codex process outlives the run');
  } finally {
    await tearDown(a);
  }
});

test('Send back resumes the same Codex thread with the findings', async () => {
  const a = await setUp([
    {
      tool: 'exec_command',
      input: patch('  return items.reduce((a, b) => a - b, 0);', '  return items.reduce((a, b) => a + b, 0);'),
    },
    { text: 'Fixed the sum.' },
    {
      tool: 'exec_command',
      input: patch('  return items.reduce((a, b) => a + b, 0);', '  return items.reduce((a, b) => a + b, 0); // sum'),
    },
    { text: 'Noted what it sums.' },
  ]);
  try {
    a.h.queues.critic.push(askForSumNote(), approve());
    const r = await a.h.run('Fix the negative total in src/cart.ts', {
      policy: codexPolicy(a.h.server),
      agents: a.host,
    });
    assert.equal(r.outcome, 'applied', r.message);
    assert.equal(a.h.read('src/cart.ts'), FIXED.replace('a + b, 0);', 'a + b, 0); // sum'));
    assert.equal(new Set(a.agentRequests.map(sessionOf)).size, 1, 'one Codex thread across both rounds');
    const second = a.agentRequests.find((q) => q.rawBody.includes('NOTE-THE-SUM'));
    assert.ok(second && /Fixed the sum\./.test(second.rawBody), 'the resumed thread carries its first round');
  } finally {
    await tearDown(a);
  }
});

test('Cancel stops Codex within seconds and leaves no process; nothing is applied', async () => {
  const a = await setUp([{ reply: { fault: { kind: 'hang' } } }]);
  try {
    const ac = new AbortController();
    const run = a.h.run('Fix the negative total in src/cart.ts', {
      policy: codexPolicy(a.h.server),
      agents: a.host,
      signal: ac.signal,
    });
    while (!a.agentRequests.length) await new Promise((r) => setTimeout(r, 20));
    assert.ok(codexProcesses(a.scratch).length > 0, 'codex is running');
    const t0 = Date.now();
    ac.abort();
    const r = await run;
    assert.equal(r.outcome, 'cancelled');
    assert.ok(Date.now() - t0 < 4000, `cancel took ${Date.now() - t0} ms`);
    assert.deepEqual(codexProcesses(a.scratch), []);
    assert.equal(a.h.read('src/cart.ts'), CART);
  } finally {
    await tearDown(a);
  }
});

test('Codex, which cannot be screened file by file, is not started when a residency rule keeps a file from it', async () => {
  const a = await setUp([]);
  try {
    const policy = codexPolicy(
      a.h.server,
      {},
      {
        rules: { residency: [{ paths: ['src/**'], stages: ['implementer'], denyVendors: ['openai'] }] },
      },
    );
    const r = await a.h.run('Tidy the README', { policy, agents: a.host });
    assert.equal(r.outcome, 'failed');
    assert.match(r.message, /codex was not started: it can read any file in its copy, and .*src\/cart\.ts/);
    assert.equal(a.agentRequests.length, 0);
  } finally {
    await tearDown(a);
  }
});
