import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { createProvider } from '../../../src/core/providers/createProvider';
import { costUsd } from '../../../src/core/providers/pricing';
import { startLoopbackServer, type LoopbackServer } from '../../support/loopbackServer';
import {
  ANTHROPIC_TEST_KEY,
  OPENAI_TEST_KEY,
  anthropicSpec,
  drain,
  openaiSpec,
  stopOf,
} from '../../support/providerFixtures';

let server: LoopbackServer;
before(async () => {
  server = await startLoopbackServer();
});
after(() => server.close());
beforeEach(() => {
  server.reset();
});

const request = { system: 'You are terse.', messages: [{ role: 'user' as const, content: 'Say hello.' }] };

test('openai: streams text, usage and a normalised stop reason over real HTTP', async () => {
  server.script({
    text: 'Hello there, world!',
    usage: { inputTokens: 12, outputTokens: 5 },
    responseModel: 'gpt-5-mini-2025-08-07',
  });
  const p = createProvider(openaiSpec(server), { apiKey: OPENAI_TEST_KEY });
  const { events, text, error } = await drain(p.stream(request));
  assert.equal(error, undefined);
  assert.equal(text, 'Hello there, world!');
  assert.ok(events.filter((e) => e.type === 'text').length > 1, 'text arrives in several deltas');
  assert.deepEqual(events.at(-2), { type: 'usage', inputTokens: 12, outputTokens: 5 });
  assert.deepEqual(events.at(-1), {
    type: 'done',
    stopReason: 'stop',
    responseModel: 'gpt-5-mini-2025-08-07',
    responseId: 'chatcmpl-loopback1',
  });

  const [req] = server.requests;
  assert.equal(req?.path, '/v1/chat/completions');
  assert.equal(req?.headers['authorization'], `Bearer ${OPENAI_TEST_KEY}`);
  assert.equal(req?.headers['x-api-key'], undefined);
  assert.equal(req?.body.model, 'gpt-5-mini');
  assert.equal(req?.body.stream, true);
  assert.deepEqual(req?.body.stream_options, { include_usage: true });
  assert.deepEqual(req?.body.messages[0], { role: 'system', content: 'You are terse.' });
  assert.equal(req?.headers['x-stainless-retry-count'], '0');
});

test('anthropic: streams text and usage; the key travels in one auth header only', async () => {
  server.script({
    text: 'Hi from Claude.',
    usage: { inputTokens: 30, outputTokens: 7 },
    responseModel: 'claude-sonnet-4-6-20260101',
  });
  const p = createProvider(anthropicSpec(server), { apiKey: ANTHROPIC_TEST_KEY });
  const { events, text, error } = await drain(p.stream(request));
  assert.equal(error, undefined);
  assert.equal(text, 'Hi from Claude.');
  assert.deepEqual(events.at(-2), { type: 'usage', inputTokens: 30, outputTokens: 7 });
  assert.deepEqual(events.at(-1), {
    type: 'done',
    stopReason: 'stop',
    responseModel: 'claude-sonnet-4-6-20260101',
    responseId: 'msg_loopback1',
  });
  const [req] = server.requests;
  assert.equal(req?.path, '/v1/messages');
  // @anthropic-ai/sdk 1.x sends an API key as a bearer token (0.x used x-api-key).
  assert.equal(req?.headers['authorization'], `Bearer ${ANTHROPIC_TEST_KEY}`);
  const carrying = Object.entries(req?.headers ?? {}).filter(([, v]) => String(v).includes(ANTHROPIC_TEST_KEY));
  assert.deepEqual(
    carrying.map(([k]) => k),
    ['authorization'],
  );
  assert.ok(!req?.rawBody.includes(ANTHROPIC_TEST_KEY), 'key never in the body');
  assert.equal(req?.body.system, 'You are terse.');
  assert.equal(req?.body.max_tokens, 8192);
  assert.ok(req?.headers['anthropic-version'], 'SDK sends anthropic-version');
});

test('openai: tool calls are assembled from argument deltas', async () => {
  server.script({
    toolCalls: [
      { id: 'call_a', name: 'read_file', arguments: { path: 'src/a.ts', lines: [1, 20] } },
      { id: 'call_b', name: 'list_dir', arguments: { path: 'src' } },
    ],
  });
  const p = createProvider(openaiSpec(server), { apiKey: OPENAI_TEST_KEY });
  const tools = [
    {
      name: 'read_file',
      description: 'Read a file',
      parameters: { type: 'object', properties: { path: { type: 'string' } } },
    },
  ];
  const { events, error } = await drain(p.stream({ ...request, tools, toolChoice: { name: 'read_file' } }));
  assert.equal(error, undefined);
  const calls = events.filter((e) => e.type === 'tool-call');
  assert.deepEqual(calls, [
    {
      type: 'tool-call',
      id: 'call_a',
      name: 'read_file',
      argumentsJson: JSON.stringify({ path: 'src/a.ts', lines: [1, 20] }),
    },
    { type: 'tool-call', id: 'call_b', name: 'list_dir', argumentsJson: JSON.stringify({ path: 'src' }) },
  ]);
  assert.deepEqual(stopOf(events.at(-1)), { type: 'done', stopReason: 'tool-calls' });
  const body = server.requests[0]?.body;
  assert.equal(body.tools[0].type, 'function');
  assert.equal(body.tools[0].function.name, 'read_file');
  assert.deepEqual(body.tool_choice, { type: 'function', function: { name: 'read_file' } });
});

test('anthropic: tool use is assembled from input_json_delta', async () => {
  server.script({
    text: 'Reading it.',
    toolCalls: [{ id: 'toolu_1', name: 'read_file', arguments: { path: 'README.md' } }],
  });
  const p = createProvider(anthropicSpec(server), { apiKey: ANTHROPIC_TEST_KEY });
  const tools = [
    {
      name: 'read_file',
      description: 'Read a file',
      parameters: { type: 'object', properties: { path: { type: 'string' } } },
    },
  ];
  const { events, text, error } = await drain(p.stream({ ...request, tools, toolChoice: 'auto' }));
  assert.equal(error, undefined);
  assert.equal(text, 'Reading it.');
  assert.deepEqual(
    events.filter((e) => e.type === 'tool-call'),
    [{ type: 'tool-call', id: 'toolu_1', name: 'read_file', argumentsJson: '{"path":"README.md"}' }],
  );
  assert.deepEqual(stopOf(events.at(-1)), { type: 'done', stopReason: 'tool-calls' });
  const body = server.requests[0]?.body;
  assert.equal(body.tools[0].name, 'read_file');
  assert.equal(body.tools[0].input_schema.type, 'object');
  assert.deepEqual(body.tool_choice, { type: 'auto' });
});

test('openai-compatible: a local server gets max_tokens and a placeholder key', async () => {
  server.script({ text: 'local reply' });
  const spec = openaiSpec(server, {
    id: 'llama',
    provider: 'openai-compatible',
    model: 'llama3.1:8b',
    vendor: 'meta',
    maxOutputTokens: 256,
  });
  const p = createProvider(spec, {});
  assert.equal(p.vendor, 'meta');
  assert.equal(p.modelId, 'llama');
  const { text, error } = await drain(p.stream(request));
  assert.equal(error, undefined);
  assert.equal(text, 'local reply');
  const req = server.requests[0];
  assert.equal(req?.body.max_tokens, 256);
  assert.equal(req?.body.max_completion_tokens, undefined);
});

test('openai: max_completion_tokens for OpenAI models', async () => {
  server.script({ text: 'ok' });
  const p = createProvider(openaiSpec(server), { apiKey: OPENAI_TEST_KEY });
  await drain(p.stream({ ...request, maxOutputTokens: 100 }));
  assert.equal(server.requests[0]?.body.max_completion_tokens, 100);
  assert.equal(server.requests[0]?.body.max_tokens, undefined);
});

test('streamed usage turns into dollars with the price table and a policy override', async () => {
  server.script(
    { text: 'a', usage: { inputTokens: 12_000, outputTokens: 3_000 } },
    { text: 'b', usage: { inputTokens: 12_000, outputTokens: 3_000 } },
  );
  const sonnetSpec = anthropicSpec(server, { model: 'claude-haiku-4-5' });
  const usageOf = async (spec: typeof sonnetSpec) => {
    const { events } = await drain(createProvider(spec, { apiKey: ANTHROPIC_TEST_KEY }).stream(request));
    const u = events.find((e) => e.type === 'usage');
    assert.ok(u && u.type === 'usage');
    return u;
  };
  // claude-haiku-4-5: $1 in / $5 out per million tokens → 0.012 + 0.015
  assert.ok(Math.abs(costUsd(sonnetSpec, await usageOf(sonnetSpec)) - 0.027) < 1e-9);
  const priced = { ...sonnetSpec, price: { inputPerMTok: 1, outputPerMTok: 2 } };
  assert.ok(Math.abs(costUsd(priced, await usageOf(priced)) - 0.018) < 1e-9);
});

test('a custom fetch is used for every call (proxies, tests)', async () => {
  server.script({ text: 'via custom fetch' });
  const seen: string[] = [];
  const countingFetch: typeof fetch = (input, init) => {
    seen.push(String(input instanceof Request ? input.url : input));
    return fetch(input, init);
  };
  const p = createProvider(openaiSpec(server), { apiKey: OPENAI_TEST_KEY, fetch: countingFetch });
  const { text } = await drain(p.stream(request));
  assert.equal(text, 'via custom fetch');
  assert.deepEqual(seen, [`${server.openaiBaseUrl}/chat/completions`]);
});

test('the SDKs never retry on their own: one failing request is one request', async () => {
  server.script(
    { fault: { kind: 'server-error' } },
    { fault: { kind: 'rate-limit', retryAfterMs: 10 } },
    { fault: { kind: 'overloaded' } },
    { fault: { kind: 'reset' } },
    { text: 'only our retry layer would get here' },
  );
  const gpt = createProvider(openaiSpec(server), { apiKey: OPENAI_TEST_KEY });
  const sonnet = createProvider(anthropicSpec(server), { apiKey: ANTHROPIC_TEST_KEY });
  const kinds: string[] = [];
  for (const p of [gpt, sonnet, sonnet, gpt]) {
    const { error } = await drain(p.stream(request));
    kinds.push((error as { kind?: string }).kind ?? 'none');
  }
  assert.deepEqual(kinds, ['server', 'rate-limit', 'overloaded', 'network']);
  assert.equal(server.requests.length, 4);
  assert.equal(server.pending(), 1);
});
