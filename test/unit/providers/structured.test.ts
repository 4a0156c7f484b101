import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import { createProvider } from '../../../src/core/providers/createProvider';
import { resilientStream, type ResilienceOptions } from '../../../src/core/providers/resilientStream';
import { streamChain } from '../../../src/core/providers/chain';
import { callStructured, extractJson } from '../../../src/core/providers/structured';
import { ProviderError, type ChatRequest } from '../../../src/core/providers/types';
import { startLoopbackServer, type LoopbackServer } from '../../support/loopbackServer';
import { ANTHROPIC_TEST_KEY, OPENAI_TEST_KEY, anthropicSpec, openaiSpec } from '../../support/providerFixtures';

let server: LoopbackServer;
before(async () => {
  server = await startLoopbackServer();
});
after(() => server.close());
beforeEach(() => server.reset());

const PlanSchema = z.object({
  steps: z.array(z.string().min(1)).min(1),
  files: z.array(z.string()),
  risk: z.enum(['low', 'medium', 'high']),
});
const opts: ResilienceOptions = {
  retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 10 },
  timeouts: { firstTokenSeconds: 5, idleSeconds: 5 },
};
const request: ChatRequest = {
  system: 'You are the architect.',
  messages: [{ role: 'user', content: 'Plan the change.' }],
};
const gpt = () => createProvider(openaiSpec(server), { apiKey: OPENAI_TEST_KEY });
const sonnet = () => createProvider(anthropicSpec(server), { apiKey: ANTHROPIC_TEST_KEY });
const good = { steps: ['edit a.ts'], files: ['a.ts'], risk: 'low' };

test('tool mode: a valid tool call is accepted on the first attempt', async () => {
  server.script({
    toolCalls: [{ name: 'submit_plan', arguments: good }],
    usage: { inputTokens: 100, outputTokens: 20 },
  });
  const r = await callStructured(PlanSchema, (req) => resilientStream(gpt(), req, opts), request, {
    name: 'submit_plan',
  });
  assert.deepEqual(r.value, good);
  assert.equal(r.attempts, 1);
  assert.deepEqual(r.usage, { inputTokens: 100, outputTokens: 20 });
  const body = server.requests[0]!.body;
  assert.equal(body.tools[0].function.name, 'submit_plan');
  assert.deepEqual(body.tool_choice, { type: 'function', function: { name: 'submit_plan' } });
  assert.equal(body.tools[0].function.parameters.type, 'object');
  assert.deepEqual(body.tools[0].function.parameters.properties.risk.enum, ['low', 'medium', 'high']);
});

test('malformed JSON is sent back once with the parse error, and the retry is accepted', async () => {
  server.script(
    {
      toolCalls: [{ name: 'submit_plan', arguments: '{"steps": ["edit a.ts"], "files": [' }],
      usage: { inputTokens: 100, outputTokens: 10 },
    },
    { toolCalls: [{ name: 'submit_plan', arguments: good }], usage: { inputTokens: 150, outputTokens: 20 } },
  );
  const retries: string[] = [];
  const r = await callStructured(PlanSchema, (req) => resilientStream(gpt(), req, opts), request, {
    name: 'submit_plan',
    onRetry: (p) => void retries.push(p),
  });
  assert.deepEqual(r.value, good);
  assert.equal(r.attempts, 2);
  assert.deepEqual(r.usage, { inputTokens: 250, outputTokens: 30 });
  assert.equal(retries.length, 1);
  assert.match(retries[0]!, /does not parse/);
  const second = server.requests[1]!.body.messages;
  assert.equal(second.at(-2).role, 'assistant');
  assert.equal(second.at(-2).content, '{"steps": ["edit a.ts"], "files": [');
  assert.match(second.at(-1).content, /did not match the required schema/);
  assert.match(second.at(-1).content, /does not parse/);
});

test('a reply in the wrong schema is retried with the exact issues, then reported as invalid-output', async () => {
  const wrong = { steps: [], files: 'a.ts', risk: 'extreme' };
  server.script(
    { text: JSON.stringify(wrong), usage: { inputTokens: 50, outputTokens: 10 } },
    {
      text: `Here you go:\n\`\`\`json\n${JSON.stringify(wrong)}\n\`\`\``,
      usage: { inputTokens: 70, outputTokens: 12 },
    },
  );
  let caught: unknown;
  try {
    await callStructured(PlanSchema, (req) => resilientStream(sonnet(), req, opts), request, {
      mode: 'json',
      name: 'plan',
      modelId: 'sonnet',
    });
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof ProviderError);
  assert.equal(caught.kind, 'invalid-output');
  assert.equal(caught.modelId, 'sonnet');
  assert.match(caught.message, /twice replied/);
  assert.match(caught.message, /steps: /);
  assert.match(caught.message, /files: /);
  assert.match(caught.message, /risk: /);
  assert.deepEqual(caught.usage, { inputTokens: 120, outputTokens: 22 });
  assert.equal(server.requests.length, 2);
  // JSON mode: the schema went in the system prompt, no tools were offered.
  const first = server.requests[0]!.body;
  assert.match(first.system, /JSON Schema/);
  assert.equal(first.tools, undefined);
  const feedback = server.requests[1]!.body.messages.at(-1).content as string;
  assert.match(feedback, /- steps: /);
  assert.match(feedback, /- risk: /);
});

test('json mode accepts JSON wrapped in prose or a code fence', async () => {
  server.script({ text: `Sure! Here is the plan:\n\`\`\`json\n${JSON.stringify(good)}\n\`\`\`\nLet me know.` });
  const r = await callStructured(PlanSchema, (req) => resilientStream(sonnet(), req, opts), request, { mode: 'json' });
  assert.deepEqual(r.value, good);
  assert.equal(r.attempts, 1);
});

test('tool mode with a model that answers in text instead still works', async () => {
  server.script({ text: JSON.stringify(good) });
  const r = await callStructured(PlanSchema, (req) => resilientStream(sonnet(), req, opts), request, {
    name: 'submit_plan',
  });
  assert.deepEqual(r.value, good);
  const body = server.requests[0]!.body;
  assert.deepEqual(body.tool_choice, { type: 'tool', name: 'submit_plan' });
  assert.equal(body.tools[0].input_schema.type, 'object');
});

test('an empty reply is a clear problem', async () => {
  server.script({ text: '' }, { text: '' });
  await assert.rejects(
    callStructured(PlanSchema, (req) => resilientStream(gpt(), req, opts), request, { mode: 'json' }),
    (e: unknown) => e instanceof ProviderError && e.kind === 'invalid-output' && /empty/.test(e.message),
  );
});

test('through a chain: the accepted reply names the model that gave it', async () => {
  server.script({ fault: { kind: 'auth' } }, { toolCalls: [{ name: 'submit_result', arguments: good }] });
  const r = await callStructured(PlanSchema, (req) => streamChain([gpt(), sonnet()], req, opts), request);
  assert.deepEqual(r.value, good);
  assert.equal(r.modelId, 'sonnet');
});

test('provider errors pass through unchanged (not turned into invalid-output)', async () => {
  server.script({ fault: { kind: 'spend-cap' } });
  await assert.rejects(
    callStructured(PlanSchema, (req) => resilientStream(gpt(), req, opts), request),
    (e: unknown) => e instanceof ProviderError && e.kind === 'spend-cap',
  );
  assert.equal(server.requests.length, 1);
});

test('extractJson finds the JSON in common reply shapes', () => {
  assert.equal(extractJson(' {"a":1} '), '{"a":1}');
  assert.equal(extractJson('```json\n{"a":1}\n```'), '{"a":1}');
  assert.equal(extractJson('Result: {"a":{"b":2}} done'), '{"a":{"b":2}}');
  assert.equal(extractJson('[1,2]'), '[1,2]');
  assert.equal(extractJson('no json here'), undefined);
  assert.equal(extractJson(''), undefined);
});

test('a model that does not support tools is asked for JSON text instead, without using up the retry', async () => {
  server.script(
    { fault: { kind: 'bad-request', message: 'registry.ollama.ai/library/gemma:2b does not support tools' } },
    { text: JSON.stringify(good) },
  );
  const local = createProvider(
    openaiSpec(server, { provider: 'openai-compatible', vendor: 'google', model: 'gemma:2b' }),
    {},
  );
  const r = await callStructured(PlanSchema, (req) => resilientStream(local, req, opts), request, {
    name: 'submit_plan',
  });
  assert.deepEqual(r.value, good);
  assert.equal(r.attempts, 1);
  assert.ok(server.requests[0]!.body.tools, 'first asked with a tool');
  assert.equal(server.requests[1]!.body.tools, undefined);
  assert.match(server.requests[1]!.system, /JSON Schema/);
});

test('malformed JSON twice: invalid-output naming the parse problem, both attempts charged', async () => {
  server.script(
    { toolCalls: [{ name: 'submit_plan', arguments: '{"steps": [' }], usage: { inputTokens: 40, outputTokens: 5 } },
    { toolCalls: [{ name: 'submit_plan', arguments: 'not json at all' }], usage: { inputTokens: 60, outputTokens: 6 } },
    { text: 'must not be asked a third time' },
  );
  const retries: string[] = [];
  await assert.rejects(
    callStructured(PlanSchema, (req) => resilientStream(gpt(), req, opts), request, {
      name: 'submit_plan',
      modelId: 'gpt',
      onRetry: (p) => void retries.push(p),
    }),
    (e: unknown) =>
      e instanceof ProviderError &&
      e.kind === 'invalid-output' &&
      e.modelId === 'gpt' &&
      /submit_plan/.test(e.message) &&
      /no JSON value|does not parse/.test(e.message) &&
      e.usage?.inputTokens === 100 &&
      e.usage?.outputTokens === 11,
  );
  assert.equal(retries.length, 1);
  assert.match(retries[0]!, /does not parse/);
  assert.equal(server.requests.length, 2);
  assert.equal(server.pending(), 1);
});

test('a reply cut off at the token limit is sent back saying so', async () => {
  server.script(
    { toolCalls: [{ name: 'submit_plan', arguments: '{"steps": ["a very long' }], stopReason: 'length' },
    { toolCalls: [{ name: 'submit_plan', arguments: good }] },
  );
  const retries: string[] = [];
  const r = await callStructured(PlanSchema, (req) => resilientStream(gpt(), req, opts), request, {
    name: 'submit_plan',
    onRetry: (p) => void retries.push(p),
  });
  assert.deepEqual(r.value, good);
  assert.match(retries[0]!, /cut off at the output token limit/);
  assert.match(server.requests[1]!.body.messages.at(-1).content, /give a shorter answer/);
});

test('Anthropic tool_use input assembled from input_json_delta is validated like any reply', async () => {
  server.script({ toolCalls: [{ name: 'submit_plan', arguments: { ...good, risk: 'medium' } }] });
  const r = await callStructured(PlanSchema, (req) => resilientStream(sonnet(), req, opts), request, {
    name: 'submit_plan',
  });
  assert.deepEqual(r.value, { ...good, risk: 'medium' });
  assert.equal(server.requests[0]!.body.tools[0].name, 'submit_plan');
  assert.deepEqual(server.requests[0]!.body.tools[0].input_schema.required, ['steps', 'files', 'risk']);
});
