// The scout explores through the read-only tools against the loopback server, over both wire
// protocols with the real SDKs: it calls search, then read_file, then answers; each call and result
// is an event, the results go back as the protocol's own tool turns (fenced as data), the tokens of
// every call count in the stage, and the limits (steps, tokens) hold. A model without native tools
// uses the text protocol.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RoutingPolicy } from '../../../src/core/config/policySchema';
import type { PipelineEventOf } from '../../../src/core/stage/events';
import type { RecordedRequest } from '../../support/loopbackServer';
import { approve, json, searchReplace, startHarness, testPolicy, type Harness } from '../pipeline/harness';

const LOGIN = 'export function login(user: string, password: string) {\n  return db.check(user, password);\n}\n';
const TASK = 'Hash passwords in the login flow';
const FINDINGS = {
  relevantFiles: [{ path: 'src/auth/login.ts', why: 'compares the password' }],
  facts: ['db.check at line 2'],
};

function withScout(
  h: Harness,
  modelId: string,
  tools: boolean,
  limits?: Partial<RoutingPolicy['rules']['tools']['scout']>,
) {
  const policy = testPolicy(h.server);
  for (const m of policy.models) m.capabilities = tools ? ['tools'] : [];
  policy.stages.scout = [modelId];
  if (limits) Object.assign(policy.rules.tools.scout, limits);
  return policy;
}

/** What the model was sent back for its tool calls, in the wire format of the request. */
function toolResultsIn(req: RecordedRequest): string[] {
  const messages = (req.body as { messages: Array<{ role: string; content: unknown }> }).messages;
  if (req.api === 'openai-chat') return messages.filter((m) => m.role === 'tool').map((m) => String(m.content));
  return messages.flatMap((m) =>
    Array.isArray(m.content)
      ? (m.content as Array<{ type: string; content?: string }>)
          .filter((b) => b.type === 'tool_result')
          .map((b) => b.content ?? '')
      : [],
  );
}

function queueRest(h: Harness) {
  h.queues.architect.push(
    json({ summary: 'hash', steps: ['use bcrypt'], filesToTouch: ['src/auth/login.ts'], risks: [] }),
  );
  h.queues.implementer.push(
    searchReplace(
      'src/auth/login.ts',
      '  return db.check(user, password);',
      '  return db.checkHashed(user, hash(password));',
    ),
  );
  h.queues.critic.push(approve());
  h.queues.finalOwner.push(approve());
}

for (const [wire, modelId] of [
  ['OpenAI', 'gpt'],
  ['Anthropic', 'haiku'],
] as const) {
  test(`${wire}: the scout calls search, then read_file, then answers; every call is an event and counts in the stage`, async () => {
    const h = await startHarness({ 'src/auth/login.ts': LOGIN, 'src/db.ts': 'export const db = { check() {} };\n' });
    try {
      h.queues.scout.push(
        { toolCalls: [{ id: 'call_1', name: 'search', arguments: { pattern: 'db.check' } }] },
        (req) => {
          assert.equal(toolResultsIn(req).length, 1);
          assert.match(toolResultsIn(req)[0]!, /src\/auth\/login.ts:2: return db.check\(user, password\);/);
          return { toolCalls: [{ id: 'call_2', name: 'read_file', arguments: { path: 'src/auth/login.ts' } }] };
        },
        (req) => {
          assert.match(
            toolResultsIn(req)[1]!,
            /<<<BEGIN TOOL RESULT read_file [0-9a-f]+>>>\nsrc\/auth\/login.ts lines 1-4 of 4\n1: export function login/,
          );
          return { toolCalls: [{ id: 'call_3', name: 'submit_findings', arguments: FINDINGS }] };
        },
      );
      queueRest(h);
      const r = await h.run(TASK, { policy: withScout(h, modelId, true), gate: async () => true });
      assert.equal(r.outcome, 'applied', r.message);
      const called = h.events.filter((e): e is PipelineEventOf<'tool-called'> => e.type === 'tool-called');
      const results = h.events.filter((e): e is PipelineEventOf<'tool-result'> => e.type === 'tool-result');
      assert.deepEqual(
        called.map((e) => [e.stage, e.tool]),
        [
          ['scout', 'search'],
          ['scout', 'read_file'],
        ],
      );
      assert.deepEqual(
        results.map((e) => [e.tool, e.ok, e.paths]),
        [
          ['search', true, ['src/auth/login.ts']],
          ['read_file', true, ['src/auth/login.ts']],
        ],
      );
      assert.match(results[0]!.summary, /"db.check": 1 hit\(s\) in 1 file\(s\)/);
      const findings = h.events.find((e) => e.type === 'artifact-ready' && e.stage === 'scout');
      assert.deepEqual(findings && findings.type === 'artifact-ready' && findings.artifact.value, FINDINGS);
      // Three calls, all counted: the stage's tokens are the sum of the three requests' usage.
      const scoutReqs = h.requestsOf('scout');
      assert.equal(scoutReqs.length, 3);
      const snap = r.record.stages.find((s) => s.stage === 'scout')!;
      assert.ok(snap.tokensIn > 0 && snap.costUsd > 0);
      // What the scout saw includes the fenced results; the candidates replaced the file listing.
      const saw = r.boundary.textSeenBy('scout');
      assert.match(saw, /CANDIDATE FILES \(ranked by the local locator/);
      assert.doesNotMatch(saw, /FILE LISTING/);
      assert.match(saw, /\[result of read_file call_2\]\n<<<BEGIN TOOL RESULT read_file/);
      // The tools offered were the read-only set plus the answer tool, never anything that writes.
      const offered = (
        scoutReqs[0]!.body as { tools: Array<{ name?: string; function?: { name: string } }> }
      ).tools.map((t) => t.name ?? t.function!.name);
      assert.deepEqual(offered.sort(), [
        'find_symbol',
        'list_dir',
        'read_file',
        'repo_map',
        'search',
        'submit_findings',
      ]);
    } finally {
      await h.close();
    }
  });
}

test('the step limit holds: calls past it are not run, and the model is told to answer now', async () => {
  const h = await startHarness({ 'src/auth/login.ts': LOGIN });
  try {
    h.queues.scout.push(
      {
        toolCalls: [
          { id: 'c1', name: 'search', arguments: { pattern: 'login' } },
          { id: 'c2', name: 'list_dir', arguments: {} },
        ],
      },
      (req) => {
        const results = toolResultsIn(req);
        assert.match(results[1]!, /not run: the tool budget for this stage is used up \(1 tool calls/);
        // Tools stay declared (earlier turns used them) but the answer is forced.
        assert.deepEqual((req.body as { tool_choice: unknown }).tool_choice, {
          type: 'function',
          function: { name: 'submit_findings' },
        });
        return { toolCalls: [{ id: 'c3', name: 'submit_findings', arguments: FINDINGS }] };
      },
    );
    queueRest(h);
    const r = await h.run(TASK, { policy: withScout(h, 'gpt', true, { steps: 1 }), gate: async () => true });
    assert.equal(r.outcome, 'applied', r.message);
    const results = h.events.filter((e): e is PipelineEventOf<'tool-result'> => e.type === 'tool-result');
    assert.deepEqual(
      results.map((e) => [e.tool, e.ok]),
      [
        ['search', true],
        ['list_dir', false],
      ],
    );
    assert.equal(results[1]!.summary, 'not run: tool budget used up');
  } finally {
    await h.close();
  }
});

test('the token limit holds: once the loop has used its input tokens, no more tools run', async () => {
  const h = await startHarness({ 'src/auth/login.ts': LOGIN });
  try {
    h.queues.scout.push(
      {
        toolCalls: [{ id: 'c1', name: 'search', arguments: { pattern: 'login' } }],
        usage: { inputTokens: 5000, outputTokens: 20 },
      },
      (req) => {
        assert.match(JSON.stringify(req.body), /Tool budget for this stage reached/);
        return { toolCalls: [{ id: 'c2', name: 'submit_findings', arguments: FINDINGS }] };
      },
    );
    queueRest(h);
    const r = await h.run(TASK, { policy: withScout(h, 'haiku', true, { inputTokens: 4000 }), gate: async () => true });
    assert.equal(r.outcome, 'applied', r.message);
    assert.equal(h.events.filter((e) => e.type === 'tool-called').length, 1);
  } finally {
    await h.close();
  }
});

test('a model without native tools uses the text protocol: <tool_call> blocks in, fenced results back', async () => {
  const h = await startHarness({ 'src/auth/login.ts': LOGIN });
  try {
    h.queues.scout.push(
      (req) => {
        assert.ok(!(req.body as { tools?: unknown }).tools, 'no native tools are sent');
        assert.match(JSON.stringify(req.body), /To call tools, reply with only one or more blocks like <tool_call>/);
        return {
          text: '<tool_call>{"name": "read_file", "arguments": {"path": "src/auth/login.ts", "endLine": 2}}</tool_call>',
        };
      },
      (req) => {
        assert.match(
          JSON.stringify(req.body),
          /BEGIN TOOL RESULT read_file [0-9a-f]+>>>\\nsrc\/auth\/login.ts lines 1-2 of 4/,
        );
        return json(FINDINGS);
      },
    );
    queueRest(h);
    const r = await h.run(TASK, { policy: withScout(h, 'haiku', false), gate: async () => true });
    assert.equal(r.outcome, 'applied', r.message);
    assert.deepEqual(
      h.events.filter((e) => e.type === 'tool-result').map((e) => e.type === 'tool-result' && e.paths),
      [['src/auth/login.ts']],
    );
  } finally {
    await h.close();
  }
});
