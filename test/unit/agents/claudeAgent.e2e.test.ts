// End to end: a run whose implementer is Claude Code — the real Claude Agent SDK driving the real
// Claude Code CLI, pointed at the loopback server — in a scratch copy; a GPT critic (real openai
// SDK over HTTP) reviews its diff; the host's gate and apply decide what reaches the workspace.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { approve, KEY } from '../pipeline/harness';
import { askForSumNote, endAgentRun, startAgentRun } from './agentHarness';
import { claudePolicy } from './agentPolicies';
import { sessionOf, type AgentStepScript } from '../../support/agentScript';

const CART = 'export function total(items: number[]): number {\n  return items.reduce((a, b) => a - b, 0);\n}\n';
const FIXED = CART.replace('a - b', 'a + b');

const setUp = (steps: AgentStepScript[]) =>
  startAgentRun({ 'src/cart.ts': CART, 'README.md': '# shop\n' }, steps, 'claude');
const tearDown = endAgentRun;

const READ_AND_FIX: AgentStepScript[] = [
  { tool: 'Read', input: { file_path: '{cwd}/src/cart.ts' } },
  { tool: 'Edit', input: { file_path: '{cwd}/src/cart.ts', old_string: 'a - b', new_string: 'a + b' } },
  { text: 'Fixed the sum in total().' },
];

/** Processes whose working directory is under `dir` (the agent runs in its copy there). */
function processesUnder(dir: string): number[] {
  const pids: number[] = [];
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      if (readlinkSync(`/proc/${e}/cwd`).startsWith(dir)) pids.push(Number(e));
    } catch {
      // gone, or not ours to read
    }
  }
  return pids;
}

test('Claude Code edits its scratch copy; its diff reaches the GPT critic; the workspace is untouched until Apply', async () => {
  const a = await setUp([...READ_AND_FIX]);
  try {
    a.h.queues.critic.push(approve('the sum is right now'));
    let atGate = '';
    const r = await a.h.run('Fix the negative total in src/cart.ts', {
      policy: claudePolicy(a.h.server),
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
    assert.ok(a.agentRequests.length >= 3, 'the agent read, edited and closed through the loopback server');
    const critic = a.h.requestsOf('critic')[0]!;
    assert.equal(critic.api, 'openai-chat');
    assert.match(critic.rawBody, /a \+ b/, 'the critic reviewed the agent diff');
    // Its steps are the stage's output, its tool calls are events, its pass is accounted.
    const out = a.h.events.flatMap((e) => (e.type === 'stage-delta' && e.stage === 'implementer' ? [e.text] : []));
    assert.match(out.join(''), /→ Read .*cart\.ts/);
    assert.match(out.join(''), /→ Edit /);
    assert.match(out.join(''), /Fixed the sum/);
    assert.match(out.join(''), /── agent pass: \d+ turn\(s\); Read ×1, Edit ×1; stopped: done/);
    // What this role saw: its brief, in the boundary log; the critic saw the diff, not the brief.
    assert.deepEqual(r.boundary.seenBy('implementer')[0]!.artifacts, ['task']);
    assert.match(r.boundary.textSeenBy('implementer'), /Fix the negative total/);
    assert.doesNotMatch(r.boundary.textSeenBy('critic'), /You are the implementer in a multi-model coding pipeline/);
    const tools = a.h.events.flatMap((e) => (e.type === 'tool-called' && e.stage === 'implementer' ? [e.tool] : []));
    assert.deepEqual(tools, ['Read', 'Edit']);
    const call = a.h.events.find((e) => e.type === 'model-call-finished' && e.stage === 'implementer');
    assert.ok(call && call.type === 'model-call-finished');
    assert.equal(call.provider, 'claude-agent');
    assert.equal(call.status, 'ok');
    assert.ok(call.inputTokens > 0 && call.costUsd > 0);
    const impl = r.record.stages.find((s) => s.stage === 'implementer');
    assert.ok(impl && impl.costUsd > 0 && impl.modelId === 'claude-code');
    assert.equal(r.record.outcome, 'applied');
    assert.doesNotMatch(JSON.stringify(r.record), new RegExp(KEY));
    // The agent never wrote in the workspace: its working directory was the copy.
    assert.ok(a.agentRequests.every((q) => !q.rawBody.includes(`Primary working directory: ${a.h.root}`)));
    assert.deepEqual(processesUnder(a.scratch), [], 'no agent process outlives the run');
    assert.deepEqual(readdirSync(a.scratch), [], 'the scratch copy is removed');
  } finally {
    await tearDown(a);
  }
});

test('Send back resumes the same Claude Code session with the findings, on the same copy', async () => {
  const a = await setUp([
    ...READ_AND_FIX,
    {
      tool: 'Edit',
      input: { file_path: '{cwd}/src/cart.ts', old_string: 'a + b, 0', new_string: 'a + b, 0 /* sum */' },
    },
    { text: 'Added the note.' },
  ]);
  try {
    a.h.queues.critic.push(askForSumNote(), approve());
    const r = await a.h.run('Fix the negative total in src/cart.ts', {
      policy: claudePolicy(a.h.server),
      agents: a.host,
    });
    assert.equal(r.outcome, 'applied', r.message);
    assert.equal(a.h.read('src/cart.ts'), FIXED.replace('a + b, 0', 'a + b, 0 /* sum */'));
    const sessions = new Set(a.agentRequests.map(sessionOf));
    assert.equal(sessions.size, 1, 'one agent session across both rounds');
    const second = a.agentRequests.find((q) => q.rawBody.includes('NOTE-THE-SUM'));
    assert.ok(second, 'the findings reached the agent');
    assert.match(second.rawBody, /Fixed the sum in total/, 'the resumed session carries its first round');
    const rounds = a.h.events.flatMap((e) =>
      e.type === 'stage-started' && e.snapshot.stage === 'implementer' ? [e.snapshot.round] : [],
    );
    assert.deepEqual(rounds, [1, 2]);
    // The second round's diff is the whole change against the workspace, not a diff on a diff.
    const critic2 = a.h.requestsOf('critic')[1]!;
    assert.match(critic2.rawBody, /a \+ b, 0 \/\* sum \*\//);
  } finally {
    await tearDown(a);
  }
});

test('an agent that edits nothing is reported, and nothing is applied', async () => {
  const a = await setUp([{ tool: 'Read', input: { file_path: '{cwd}/src/cart.ts' } }, { text: 'Looks fine to me.' }]);
  try {
    const r = await a.h.run('Fix the negative total in src/cart.ts', {
      policy: claudePolicy(a.h.server),
      agents: a.host,
    });
    assert.equal(r.outcome, 'failed');
    assert.match(r.message, /claude-code finished without editing any file/);
    assert.equal(a.h.read('src/cart.ts'), CART);
    assert.equal(a.h.requestsOf('critic').length, 0);
  } finally {
    await tearDown(a);
  }
});

test('an agent that edits outside its copy is refused and reported; the real file is unchanged', async () => {
  let target = '';
  const a = await setUp([
    { tool: 'Read', input: { file_path: '{cwd}/src/cart.ts' } },
    () => ({ toolCalls: [{ id: 'toolu_out', name: 'Write', arguments: { file_path: target, content: 'planted\n' } }] }),
    { tool: 'Edit', input: { file_path: '{cwd}/src/cart.ts', old_string: 'a - b', new_string: 'a + b' } },
    { text: 'Done.' },
  ]);
  target = join(a.h.root, 'src/planted.ts');
  try {
    const r = await a.h.run('Fix the negative total in src/cart.ts', {
      policy: claudePolicy(a.h.server),
      agents: a.host,
    });
    assert.equal(r.outcome, 'failed');
    assert.match(r.message, /tried to edit outside its scratch copy \(Write .*planted\.ts\)/);
    assert.equal(a.h.read('src/cart.ts'), CART);
    assert.ok(!existsSync(target), 'nothing was written outside the copy');
    const out = a.h.events.flatMap((e) => (e.type === 'stage-delta' ? [e.text] : [])).join('');
    assert.match(out, /Write refused: .* is outside the scratch copy/);
    assert.equal(a.h.applied.length, 0);
  } finally {
    await tearDown(a);
  }
});

test('Cancel stops the agent and its process within seconds; nothing is applied', async () => {
  const a = await setUp([{ reply: { fault: { kind: 'hang' } } }]);
  try {
    const ac = new AbortController();
    const started = new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (a.agentRequests.length) {
          clearInterval(poll);
          resolve();
        }
      }, 20);
    });
    const run = a.h.run('Fix the negative total in src/cart.ts', {
      policy: claudePolicy(a.h.server),
      agents: a.host,
      signal: ac.signal,
    });
    await started;
    assert.ok(processesUnder(a.scratch).length > 0, 'the agent is running in its copy');
    const t0 = Date.now();
    ac.abort();
    const r = await run;
    const took = Date.now() - t0;
    assert.equal(r.outcome, 'cancelled');
    assert.ok(took < 4000, `cancel took ${took} ms`);
    assert.deepEqual(processesUnder(a.scratch), []);
    assert.equal(a.h.read('src/cart.ts'), CART);
  } finally {
    await tearDown(a);
  }
});

test('the time limit stops an agent that hangs, and says which limit', async () => {
  const a = await setUp([{ reply: { fault: { kind: 'hang' } } }]);
  try {
    const r = await a.h.run('Fix the negative total in src/cart.ts', {
      policy: claudePolicy(a.h.server, { timeoutSeconds: 2 }),
      agents: a.host,
    });
    assert.equal(r.outcome, 'failed');
    assert.match(r.message, /claude-code was stopped at its time limit \(agent\.timeoutSeconds = 2 s\)/);
    assert.equal(r.record.error?.kind, 'timeout');
    assert.deepEqual(processesUnder(a.scratch), []);
    assert.equal(a.h.read('src/cart.ts'), CART);
  } finally {
    await tearDown(a);
  }
});

test('an agent whose vendor may not read the files in scope is not started, and the run says which rule', async () => {
  const a = await setUp([...READ_AND_FIX]);
  writeFileSync(join(a.h.root, 'src/payments.ts'), 'export const fee = 1;\n');
  try {
    const policy = claudePolicy(
      a.h.server,
      {},
      { rules: { residency: [{ paths: ['src/**'], denyVendors: ['anthropic'] }] } },
    );
    const r = await a.h.run('Fix the negative total in src/cart.ts', { policy, agents: a.host });
    assert.equal(r.outcome, 'failed');
    assert.match(r.message, /anthropic|residency|rules\.residency/);
    assert.equal(a.agentRequests.length, 0, 'nothing was sent to the agent model');
    assert.equal(a.h.read('src/cart.ts'), CART);
  } finally {
    await tearDown(a);
  }
});
