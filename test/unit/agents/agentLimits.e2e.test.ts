// An agent pass's limits — model turns and dollars — kept the same way for Claude Code and Codex
// (the real SDKs and agents, their model answered by the loopback server through Switchyard's
// metering gateway): a turn is one model request, however many commands it asks for; a request over
// the turn limit is never sent; the dollar limit is priced from each response's usage as it ends.
// The stage's result, its output and the run record say which limit stopped the agent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunResult } from '../../../src/core/pipeline/runTypes';
import { approve } from '../pipeline/harness';
import type { Harness } from '../pipeline/harness';
import { endAgentRun, startAgentRun } from './agentHarness';
import { claudePolicy, codexPolicy } from './agentPolicies';
import type { AgentKind, AgentStepScript } from '../../support/agentScript';
import { liveAgentProcesses } from './agentProcessesLeft';

const CART = 'export function total(items: number[]): number {\n  return items.reduce((a, b) => a - b, 0);\n}\n';
const FIXED = CART.replace('a - b', 'a + b');
const TASK = 'Fix the negative total in src/cart.ts';

const codexPatch = {
  tool: 'exec_command',
  input: {
    cmd: "apply_patch <<'EOF'\n*** Begin Patch\n*** Update File: src/cart.ts\n@@\n-  return items.reduce((a, b) => a - b, 0);\n+  return items.reduce((a, b) => a + b, 0);\n*** End Patch\nEOF",
  },
};
const claudeEdit = {
  tool: 'Edit',
  input: { file_path: '{cwd}/src/cart.ts', old_string: 'a - b', new_string: 'a + b' },
};
/** One model turn asking for three commands at once (Codex) or three reads (Claude Code). */
const threeAtOnce =
  (kind: AgentKind): AgentStepScript =>
  () => ({
    toolCalls:
      kind === 'codex'
        ? ['cat src/cart.ts', 'ls src', 'wc -l src/cart.ts'].map((cmd, i) => ({
            id: `call_many_${i}`,
            name: 'exec_command',
            arguments: { cmd },
          }))
        : [0, 1, 2].map((i) => ({ id: `toolu_many_${i}`, name: 'Glob', arguments: { pattern: `src/*${i}*` } })),
  });
/** A turn whose response reports a million input tokens ($3 at Claude's test price, $1.25 at Codex's). */
const expensive = (kind: AgentKind): AgentStepScript => {
  const step = kind === 'codex' ? codexPatch : claudeEdit;
  return () => ({
    toolCalls: [{ id: `${kind}_big`, name: step.tool, arguments: JSON.parse(JSON.stringify(step.input)) }],
    usage: { inputTokens: 1_000_000, outputTokens: 100 },
  });
};

const policyOf = (kind: AgentKind, h: Harness, agent: Record<string, unknown>) =>
  kind === 'codex' ? codexPolicy(h.server, agent) : claudePolicy(h.server, agent);
const outputOf = (r: { h: Harness }) =>
  r.h.events.flatMap((e) => (e.type === 'stage-delta' && e.stage === 'implementer' ? [e.text] : [])).join('');

function assertStopped(r: RunResult, kind: string, what: RegExp): void {
  assert.equal(r.outcome, 'failed', r.message);
  assert.equal(r.record.error?.kind, kind);
  assert.match(r.message, what);
  const impl = r.record.stages.find((s) => s.stage === 'implementer');
  assert.equal(impl?.state, 'failed');
}

for (const kind of ['claude', 'codex'] as const) {
  const id = kind === 'codex' ? 'codex' : 'claude-code';
  const edit = kind === 'codex' ? codexPatch : claudeEdit;

  test(`${kind}: a turn is one model request, however many tool calls it makes`, async () => {
    const a = await startAgentRun({ 'src/cart.ts': CART }, [threeAtOnce(kind), edit, { text: 'Fixed.' }], kind);
    try {
      a.h.queues.critic.push(approve());
      const r = await a.h.run(TASK, { policy: policyOf(kind, a.h, { maxTurns: 3 }), agents: a.host });
      assert.equal(r.outcome, 'applied', r.message);
      assert.equal(a.h.read('src/cart.ts'), FIXED);
      assert.equal(a.agentRequests.length, 3);
      assert.match(outputOf(a), /── agent pass: 3 turn\(s\);.*stopped: done/);
    } finally {
      await endAgentRun(a);
    }
  });

  test(`${kind}: the turn limit stops the agent before a request over it is sent`, async () => {
    const a = await startAgentRun({ 'src/cart.ts': CART }, [threeAtOnce(kind), edit, { text: 'Fixed.' }], kind);
    try {
      const r = await a.h.run(TASK, { policy: policyOf(kind, a.h, { maxTurns: 2 }), agents: a.host });
      assertStopped(
        r,
        'max-turns',
        new RegExp(`${id} was stopped at its turn limit \\(agent\\.maxTurns = 2 model turns\\)`),
      );
      assert.equal(a.agentRequests.length, 2, 'the third request never reached the model');
      assert.match(outputOf(a), /stopped at its turn limit/);
      const call = a.h.events.find((e) => e.type === 'model-call-finished' && e.stage === 'implementer');
      assert.ok(call?.type === 'model-call-finished' && call.error?.kind === 'max-turns');
      assert.equal(a.h.read('src/cart.ts'), CART);
      assert.deepEqual(liveAgentProcesses(a.scratch), []);
    } finally {
      await endAgentRun(a);
    }
  });

  test(`${kind}: the dollar limit stops the agent as soon as a response takes it over`, async () => {
    const a = await startAgentRun({ 'src/cart.ts': CART }, [expensive(kind), { text: 'Fixed.' }], kind);
    try {
      const r = await a.h.run(TASK, { policy: policyOf(kind, a.h, { maxBudgetUsd: 0.5 }), agents: a.host });
      assertStopped(
        r,
        'agent-budget',
        /was stopped at its budget \(agent\.maxBudgetUsd = \$0\.5; \$\d+\.\d{4} spent\)/,
      );
      assert.equal(a.agentRequests.length, 1, 'no request after the limit was passed');
      assert.match(outputOf(a), /stopped at its budget/);
      const impl = r.record.stages.find((s) => s.stage === 'implementer')!;
      assert.ok(impl.costUsd >= 1, `the spend is accounted (${impl.costUsd})`);
      assert.equal(a.h.read('src/cart.ts'), CART);
      assert.deepEqual(liveAgentProcesses(a.scratch), []);
    } finally {
      await endAgentRun(a);
    }
  });
}
