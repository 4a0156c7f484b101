// When a coding-agent implementer fails — its model refuses its key, it passes one of its limits, it
// has no key, or its SDK cannot be loaded — the stage falls back to the next model of the
// implementer's chain exactly as a chat model's failure does, through a whole run (the real Claude
// Agent SDK and Claude Code, real openai / @anthropic-ai/sdk chat models, all on the loopback
// server): the reason is in the fallback event and the run record, and a chat implementer taking
// over starts from the same brief (the task and the architect's plan). The reverse holds too: a
// chat implementer's failure hands the stage to an agent next in the chain.
import { test } from 'node:test';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { RoutingPolicySchema } from '../../../src/core/config/policySchema';
import type { AgentHost } from '../../../src/core/agents/agentTypes';
import { approve, messagesText, searchReplace } from '../pipeline/harness';
import { endAgentRun, startAgentRun, type AgentRun } from './agentHarness';
import type { LoopbackServer } from '../../support/loopbackServer';
import type { AgentStepScript } from '../../support/agentScript';

const CART = 'export function total(items: number[]): number {\n  return items.reduce((a, b) => a - b, 0);\n}\n';
const FIXED = CART.replace('a - b', 'a + b');
// Payment code is high risk: the run plans first (here with an earlier run's plan), then implements.
const TASK = 'Fix the negative payment total in src/cart.ts';
const PLAN = {
  summary: 'PLAN-SUM-WITH-PLUS',
  steps: ['use a + b in total()'],
  filesToTouch: ['src/cart.ts'],
  risks: [],
};
/** The brief every implementer of the chain starts from: the task, and this plan (from an earlier run's architect). */
const FINDINGS = { relevantFiles: [{ path: 'src/cart.ts', why: 'total() is there' }], facts: ['FACT-SUM'] };
const BRIEF = { from: 'an earlier run', findings: FINDINGS, plan: PLAN };
const chatFix = () =>
  searchReplace(
    'src/cart.ts',
    '  return items.reduce((a, b) => a - b, 0);',
    '  return items.reduce((a, b) => a + b, 0);',
  );

function chainPolicy(server: LoopbackServer, implementer: string[], agent: Record<string, unknown> = {}) {
  return RoutingPolicySchema.parse({
    models: [
      {
        id: 'claude-code',
        provider: 'claude-agent',
        model: 'claude-sonnet-test',
        vendor: 'anthropic',
        baseUrl: server.anthropicBaseUrl,
        price: { inputPerMTok: 3, outputPerMTok: 15 },
        agent: { maxTurns: 8, timeoutSeconds: 60, ...agent },
      },
      {
        id: 'gpt',
        provider: 'openai',
        model: 'gpt-test',
        vendor: 'openai',
        baseUrl: server.openaiBaseUrl,
        price: { inputPerMTok: 1.25, outputPerMTok: 10 },
        tier: 'strong',
      },
      {
        id: 'sonnet',
        provider: 'anthropic',
        model: 'claude-chat-test',
        vendor: 'anthropic',
        baseUrl: server.anthropicBaseUrl,
        price: { inputPerMTok: 3, outputPerMTok: 15 },
        tier: 'strong',
      },
    ],
    stages: { architect: ['gpt'], implementer, critic: ['gpt', 'sonnet'], finalOwner: ['gpt', 'sonnet'] },
    rules: { retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 5 } },
  });
}

const fallbacksOf = (r: {
  record: { fallbacks: Array<{ stage: string; from: string; to: string; errorKind: string }> };
}) => r.record.fallbacks.map((f) => `${f.stage}:${f.from}->${f.to}:${f.errorKind}`);

/** The run falls back from the agent to gpt, which gets the same brief (task and plan) and fixes the file. */
async function fallsBackToChat(a: AgentRun, host: AgentHost, agent: Record<string, unknown> = {}) {
  a.h.queues.implementer.push(chatFix());
  a.h.queues.critic.push(approve());
  a.h.queues.finalOwner.push(approve());
  const r = await a.h.run(TASK, {
    policy: chainPolicy(a.h.server, ['claude-code', 'gpt'], agent),
    agents: host,
    reuse: BRIEF,
  });
  assert.equal(r.outcome, 'applied', r.message);
  assert.equal(a.h.read('src/cart.ts'), FIXED);
  const chat = a.h.requestsOf('implementer');
  assert.equal(chat.length, 1);
  assert.equal(chat[0]!.api, 'openai-chat');
  const text = messagesText(chat[0]!);
  assert.match(text, /Fix the negative payment total in src\/cart\.ts/, 'the same task');
  assert.match(text, /PLAN-SUM-WITH-PLUS/, 'the same plan');
  const taken = a.h.events.find((e) => e.type === 'fallback-taken' && e.stage === 'implementer');
  assert.ok(taken && taken.type === 'fallback-taken');
  assert.equal(taken.fromModelId, 'claude-code');
  assert.equal(taken.toModelId, 'gpt');
  const impl = r.record.stages.find((s) => s.stage === 'implementer');
  assert.equal(impl?.modelId, 'gpt');
  return { r, taken };
}

const setUp = (steps: AgentStepScript[]) => startAgentRun({ 'src/cart.ts': CART }, steps, 'claude');

test('the agent’s model rejects its request and its pass ends in an error: the stage falls back to the chat model, with the reason', async () => {
  const tooLong = { reply: { fault: { kind: 'bad-request' as const, message: 'prompt is too long: 250000 tokens' } } };
  const a = await setUp([tooLong, tooLong, tooLong]);
  try {
    const { r, taken } = await fallsBackToChat(a, a.host);
    assert.deepEqual(fallbacksOf(r), ['implementer:claude-code->gpt:agent']);
    assert.match(taken.error.message, /claude-code stopped with an error/);
  } finally {
    await endAgentRun(a);
  }
});

test('the agent passes its turn limit: the stage falls back, and the record says which limit', async () => {
  const read = { tool: 'Read', input: { file_path: '{cwd}/src/cart.ts' } };
  const a = await setUp([read, read, read]);
  try {
    const { r, taken } = await fallsBackToChat(a, a.host, { maxTurns: 2 });
    assert.deepEqual(fallbacksOf(r), ['implementer:claude-code->gpt:max-turns']);
    assert.match(taken.error.message, /its turn limit \(agent\.maxTurns = 2 model turns\)/);
  } finally {
    await endAgentRun(a);
  }
});

test('the agent has no key: it is not started, and the stage falls back', async () => {
  const a = await setUp([]);
  try {
    const host: AgentHost = { ...a.host, credentials: async () => ({}) };
    const { r, taken } = await fallsBackToChat(a, host);
    assert.deepEqual(fallbacksOf(r), ['implementer:claude-code->gpt:auth']);
    assert.match(taken.error.message, /was not started: no API key/);
    assert.equal(a.agentRequests.length, 0);
  } finally {
    await endAgentRun(a);
  }
});

test('the agent’s SDK crashes as it loads: the stage falls back', async () => {
  const a = await setUp([]);
  const sdkDir = mkdtempSync(join(tmpdir(), 'switchyard-broken-sdk-'));
  try {
    const pkg = join(sdkDir, 'node_modules', '@anthropic-ai', 'claude-agent-sdk');
    mkdirSync(pkg, { recursive: true });
    writeFileSync(
      join(pkg, 'package.json'),
      JSON.stringify({ name: '@anthropic-ai/claude-agent-sdk', exports: './sdk.mjs' }),
    );
    writeFileSync(join(pkg, 'sdk.mjs'), "throw new Error('BROKEN-INSTALL');\n");
    const { r, taken } = await fallsBackToChat(a, { ...a.host, claudeSdkDir: sdkDir });
    assert.deepEqual(fallbacksOf(r), ['implementer:claude-code->gpt:no-model']);
    assert.match(taken.error.message, /claude-agent-sdk at .* could not be loaded: BROKEN-INSTALL/);
  } finally {
    await endAgentRun(a);
    rmSync(sdkDir, { recursive: true, force: true });
  }
});

test('a chat implementer that fails hands the stage to the agent next in its chain', async () => {
  const a = await setUp([
    { tool: 'Edit', input: { file_path: '{cwd}/src/cart.ts', old_string: 'a - b', new_string: 'a + b' } },
    { text: 'Fixed.' },
  ]);
  try {
    a.h.queues.implementer.push({ fault: { kind: 'auth' } });
    a.h.queues.critic.push(approve());
    a.h.queues.finalOwner.push(approve());
    const r = await a.h.run(TASK, {
      policy: chainPolicy(a.h.server, ['sonnet', 'claude-code']),
      agents: a.host,
      reuse: BRIEF,
    });
    assert.equal(r.outcome, 'applied', r.message);
    assert.equal(a.h.read('src/cart.ts'), FIXED);
    assert.deepEqual(fallbacksOf(r), ['implementer:sonnet->claude-code:auth']);
    assert.match(a.agentRequests.map((q) => q.rawBody).join(''), /PLAN-SUM-WITH-PLUS/, 'the agent got the same brief');
  } finally {
    await endAgentRun(a);
  }
});
