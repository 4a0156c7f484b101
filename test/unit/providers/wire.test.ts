// Wire-level behaviour of the providers beyond the happy path: reasoning keeps timeouts quiet,
// abandoned streams really close their connection, and per-server quirks are handled.
import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { createProvider } from '../../../src/core/providers/createProvider';
import { normaliseMessages } from '../../../src/core/providers/anthropicProvider';
import { resilientStream, type ResilienceOptions } from '../../../src/core/providers/resilientStream';
import { startLoopbackServer, type LoopbackServer, type RecordedRequest } from '../../support/loopbackServer';
import {
  ANTHROPIC_TEST_KEY,
  OPENAI_TEST_KEY,
  anthropicSpec,
  drain,
  openaiSpec,
  stopOf,
  until,
} from '../../support/providerFixtures';

let server: LoopbackServer;
before(async () => {
  server = await startLoopbackServer();
  // Warm both SDKs and the connection pool so timing tests measure the stream, not module loading.
  server.setHandler(() => ({ text: 'warm' }));
  await drain(
    createProvider(openaiSpec(server), { apiKey: OPENAI_TEST_KEY }).stream({
      system: '',
      messages: [{ role: 'user', content: 'x' }],
    }),
  );
  await drain(
    createProvider(anthropicSpec(server), { apiKey: ANTHROPIC_TEST_KEY }).stream({
      system: '',
      messages: [{ role: 'user', content: 'x' }],
    }),
  );
});
after(() => server.close());
beforeEach(() => server.reset());

const request = { system: 'sys', messages: [{ role: 'user' as const, content: 'go' }] };
const tight: ResilienceOptions = {
  retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 10 },
  timeouts: { firstTokenSeconds: 0.25, idleSeconds: 0.25 },
};

test('Anthropic thinking deltas keep the first-token and idle clocks quiet, and stay out of the text', async () => {
  // Chunks 2..11 are thinking deltas 120 ms apart: the text comes 1.2 s in, after the 1 s
  // first-token limit, while no gap comes near the 1 s idle limit (generous for a loaded machine).
  server.script({
    thinking: 'Let me think about it a little longer than usual'.split(' '),
    text: 'Answer.',
    chunkDelayMs: (i) => (i >= 2 && i <= 11 ? 120 : 0),
  });
  const p = createProvider(anthropicSpec(server), { apiKey: ANTHROPIC_TEST_KEY });
  const { text, error } = await drain(
    resilientStream(p, request, { ...tight, timeouts: { firstTokenSeconds: 1, idleSeconds: 1 } }),
  );
  assert.equal(error, undefined);
  assert.equal(text, 'Answer.');
});

test('reasoning_content from an OpenAI-compatible server counts as activity too', async () => {
  // Chunks 1..10 are reasoning_content 120 ms apart (chunk 0 is the role chunk).
  server.script({
    thinking: 'a b c d e f g h i j'.split(' '),
    text: 'Done.',
    chunkDelayMs: (i) => (i >= 1 && i <= 10 ? 120 : 0),
  });
  const p = createProvider(
    openaiSpec(server, { provider: 'openai-compatible', vendor: 'deepseek', model: 'deepseek-reasoner' }),
    {},
  );
  const { text, error } = await drain(
    resilientStream(p, request, { ...tight, timeouts: { firstTokenSeconds: 1, idleSeconds: 1 } }),
  );
  assert.equal(error, undefined);
  assert.equal(text, 'Done.');
});

test("the caller's own onActivity still hears the activity", async () => {
  server.script({ thinking: ['x', 'y'], text: 'ok' });
  let seen = 0;
  const p = createProvider(anthropicSpec(server), { apiKey: ANTHROPIC_TEST_KEY });
  await drain(resilientStream(p, { ...request, onActivity: () => void seen++ }, tight));
  assert.ok(seen >= 4, `saw ${seen} activity calls`);
});

for (const [label, make] of [
  ['openai', () => createProvider(openaiSpec(server), { apiKey: OPENAI_TEST_KEY })],
  ['anthropic', () => createProvider(anthropicSpec(server), { apiKey: ANTHROPIC_TEST_KEY })],
] as const) {
  test(`${label}: a caller that stops reading closes the HTTP connection`, async () => {
    server.script({ text: ['one', 'two', 'three', 'four'], chunkDelayMs: 80 });
    for await (const ev of resilientStream(make(), request, {
      ...tight,
      timeouts: { firstTokenSeconds: 5, idleSeconds: 5 },
    })) {
      if (ev.type === 'text') break;
    }
    const rec = server.requests[0] as RecordedRequest;
    await until(() => rec.clientClosedEarly, 'the server to see the connection close');
  });

  test(`${label}: a first-token timeout closes the HTTP connection it gave up on`, async () => {
    server.script({ fault: { kind: 'hang' } });
    const { error } = await drain(
      resilientStream(make(), request, { ...tight, timeouts: { firstTokenSeconds: 0.5, idleSeconds: 5 } }),
    );
    assert.equal((error as { kind?: string }).kind, 'timeout');
    await until(() => server.requests[0]?.clientClosedEarly === true, 'the server to see the connection close');
  });
}

test('temperature is left out for OpenAI reasoning models and sent elsewhere', async () => {
  server.setHandler(() => ({ text: 'ok' }));
  await drain(
    createProvider(openaiSpec(server, { model: 'gpt-5' }), { apiKey: OPENAI_TEST_KEY }).stream({
      ...request,
      temperature: 0.2,
    }),
  );
  await drain(
    createProvider(openaiSpec(server, { model: 'gpt-4.1' }), { apiKey: OPENAI_TEST_KEY }).stream({
      ...request,
      temperature: 0.2,
    }),
  );
  await drain(
    createProvider(
      openaiSpec(server, { provider: 'openai-compatible', model: 'o3-lookalike', vendor: 'acme' }),
      {},
    ).stream({ ...request, temperature: 0.2 }),
  );
  assert.deepEqual(
    server.requests.map((r) => r.body.temperature),
    [undefined, 0.2, 0.2],
  );
});

test('an OpenAI-compatible server that rejects stream_options is asked again without it, once', async () => {
  server.script(
    { fault: { kind: 'bad-request', message: 'Unrecognized request argument supplied: stream_options' } },
    { text: 'first' },
    { text: 'second' },
  );
  const p = createProvider(openaiSpec(server, { provider: 'openai-compatible', vendor: 'meta', model: 'llama' }), {});
  assert.equal((await drain(p.stream(request))).text, 'first');
  assert.equal((await drain(p.stream(request))).text, 'second');
  assert.deepEqual(
    server.requests.map((r) => r.body.stream_options !== undefined),
    [true, false, false],
  );
});

test('an OpenAI refusal is shown as text with stop reason refused', async () => {
  const chunk = (delta: object, finish: string | null = null) =>
    `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'gpt-5', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
  server.script({
    fault: {
      kind: 'http',
      status: 200,
      headers: { 'content-type': 'text/event-stream' },
      body:
        chunk({ role: 'assistant', refusal: '' }) +
        chunk({ refusal: "I can't help with that." }) +
        chunk({}, 'stop') +
        'data: [DONE]\n\n',
    },
  });
  const p = createProvider(openaiSpec(server), { apiKey: OPENAI_TEST_KEY });
  const { events, text, error } = await drain(p.stream(request));
  assert.equal(error, undefined);
  assert.equal(text, "I can't help with that.");
  assert.deepEqual(stopOf(events.at(-1)), { type: 'done', stopReason: 'refused' });
});

test('max-tokens stop reasons reach the caller normalised', async () => {
  server.script({ text: 'cut sh', stopReason: 'length' }, { text: 'cut sh', stopReason: 'max_tokens' });
  const a = await drain(createProvider(openaiSpec(server), { apiKey: OPENAI_TEST_KEY }).stream(request));
  const b = await drain(createProvider(anthropicSpec(server), { apiKey: ANTHROPIC_TEST_KEY }).stream(request));
  assert.deepEqual(stopOf(a.events.at(-1)), { type: 'done', stopReason: 'max-tokens' });
  assert.deepEqual(stopOf(b.events.at(-1)), { type: 'done', stopReason: 'max-tokens' });
});

test('the key is in the auth header of every request and nowhere else', async () => {
  server.setHandler(() => ({ text: 'ok' }));
  await drain(
    createProvider(openaiSpec(server), { apiKey: OPENAI_TEST_KEY }).stream({
      ...request,
      tools: [{ name: 't', description: 'd', parameters: { type: 'object' } }],
    }),
  );
  await drain(createProvider(anthropicSpec(server), { apiKey: ANTHROPIC_TEST_KEY }).stream(request));
  for (const [rec, key] of [
    [server.requests[0]!, OPENAI_TEST_KEY],
    [server.requests[1]!, ANTHROPIC_TEST_KEY],
  ] as const) {
    const carrying = Object.entries(rec.headers)
      .filter(([, v]) => String(v).includes(key))
      .map(([k]) => k);
    assert.deepEqual(carrying, ['authorization']);
    assert.ok(!rec.rawBody.includes(key));
    assert.ok(!rec.path.includes(key));
  }
});

test('Anthropic gets alternating, non-empty turns that start with the user', async () => {
  assert.deepEqual(
    normaliseMessages([
      { role: 'assistant', content: 'prefilled' },
      { role: 'user', content: 'a' },
      { role: 'user', content: 'b' },
      { role: 'assistant', content: '   ' },
    ]),
    [
      { role: 'user', content: '(continue)' },
      { role: 'assistant', content: 'prefilled' },
      { role: 'user', content: 'a\n\nb' },
      { role: 'assistant', content: '(empty)' },
    ],
  );
  server.script({ text: 'ok' });
  await drain(
    createProvider(anthropicSpec(server), { apiKey: ANTHROPIC_TEST_KEY }).stream({
      system: 's',
      messages: [
        { role: 'user', content: 'one' },
        { role: 'user', content: 'two' },
      ],
    }),
  );
  assert.deepEqual(server.requests[0]?.body.messages, [{ role: 'user', content: 'one\n\ntwo' }]);
});

test('a key carried in a gateway URL never shows in errors', async () => {
  const dead = await startLoopbackServer();
  const url = `${dead.openaiBaseUrl}?key=AIzaSecretSecretSecret`;
  await dead.close();
  const p = createProvider(openaiSpec(server, { provider: 'openai-compatible', vendor: 'google', baseUrl: url }), {});
  const { error } = await drain(p.stream(request));
  assert.ok(error instanceof Error);
  assert.equal((error as { kind?: string }).kind, 'network');
  assert.ok(!String(error).includes('AIzaSecret'), String(error));
  assert.match(String(error), /key=…/);
});

test('tool-call deltas without an index, or repeating the name, still assemble correctly', async () => {
  const chunk = (delta: object, finish: string | null = null) =>
    `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'llama', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
  const body =
    chunk({ role: 'assistant' }) +
    chunk({
      tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'read_file', arguments: '{"path":' } }],
    }) +
    chunk({ tool_calls: [{ function: { name: 'read_file', arguments: '"a.ts"}' } }] }) +
    chunk({ tool_calls: [{ id: 'call_2', type: 'function', function: { name: 'list_dir', arguments: '{}' } }] }) +
    chunk({}, 'tool_calls') +
    'data: [DONE]\n\n';
  server.script({ fault: { kind: 'http', status: 200, headers: { 'content-type': 'text/event-stream' }, body } });
  const p = createProvider(openaiSpec(server, { provider: 'openai-compatible', vendor: 'meta', model: 'llama' }), {});
  const { events, error } = await drain(p.stream(request));
  assert.equal(error, undefined);
  assert.deepEqual(
    events.filter((e) => e.type === 'tool-call'),
    [
      { type: 'tool-call', id: 'call_1', name: 'read_file', argumentsJson: '{"path":"a.ts"}' },
      { type: 'tool-call', id: 'call_2', name: 'list_dir', argumentsJson: '{}' },
    ],
  );
});

test('environment credentials never reach the wire: only the key we were given is sent', async () => {
  const saved = { ...process.env };
  Object.assign(process.env, {
    OPENAI_API_KEY: 'sk-env-openai-should-not-be-used',
    OPENAI_ADMIN_KEY: 'sk-admin-must-never-leave-this-machine',
    OPENAI_ORG_ID: 'org-env',
    OPENAI_PROJECT_ID: 'proj-env',
    ANTHROPIC_API_KEY: 'sk-ant-env-should-not-be-used',
    ANTHROPIC_AUTH_TOKEN: 'env-auth-token-should-not-be-used',
  });
  try {
    server.setHandler(() => ({ text: 'ok' }));
    await drain(createProvider(openaiSpec(server), { apiKey: OPENAI_TEST_KEY }).stream(request));
    await drain(
      createProvider(openaiSpec(server, { provider: 'openai-compatible', vendor: 'meta', model: 'llama' }), {}).stream(
        request,
      ),
    );
    await drain(createProvider(anthropicSpec(server), { apiKey: ANTHROPIC_TEST_KEY }).stream(request));
    const [withKey, noKey, claude] = server.requests;
    assert.equal(withKey?.headers['authorization'], `Bearer ${OPENAI_TEST_KEY}`);
    assert.equal(noKey?.headers['authorization'], 'Bearer switchyard-no-key');
    assert.equal(claude?.headers['authorization'], `Bearer ${ANTHROPIC_TEST_KEY}`);
    for (const rec of server.requests) {
      const all = JSON.stringify(rec.headers) + rec.rawBody;
      for (const leaked of ['sk-env-openai', 'sk-admin', 'org-env', 'proj-env', 'sk-ant-env', 'env-auth-token']) {
        assert.ok(!all.includes(leaked), `${leaked} reached ${rec.path}`);
      }
    }
  } finally {
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
  }
});

test('SSE comment lines (OpenRouter keep-alives) are ignored; tool calls ending in "stop" are still tool calls', async () => {
  const chunk = (delta: object, finish: string | null = null) =>
    `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
  const body =
    ': OPENROUTER PROCESSING\n\n' +
    chunk({ role: 'assistant' }) +
    ': OPENROUTER PROCESSING\n\n' +
    chunk({ tool_calls: [{ index: 0, id: 'call_9', type: 'function', function: { name: 'edit', arguments: '{}' } }] }) +
    chunk({}, 'stop') +
    'data: [DONE]\n\n';
  server.script({ fault: { kind: 'http', status: 200, headers: { 'content-type': 'text/event-stream' }, body } });
  const p = createProvider(openaiSpec(server, { provider: 'openai-compatible', vendor: 'meta', model: 'm' }), {});
  const { events, error } = await drain(p.stream(request));
  assert.equal(error, undefined);
  assert.deepEqual(
    events.map((e) => e.type),
    ['tool-call', 'done'],
  );
  assert.deepEqual(stopOf(events.at(-1)), { type: 'done', stopReason: 'tool-calls' });
});

for (const [label, make] of [
  ['openai', () => createProvider(openaiSpec(server), { apiKey: OPENAI_TEST_KEY })],
  ['anthropic', () => createProvider(anthropicSpec(server), { apiKey: ANTHROPIC_TEST_KEY })],
] as const) {
  test(`${label}: a bare provider (no retry layer) also ends within 200 ms of an abort, with cancelled`, async () => {
    server.script({ text: ['a', 'b', 'c'], chunkDelayMs: (i) => (i >= 2 ? 5000 : 0) });
    const ac = new AbortController();
    const run = drain(make().stream({ ...request, signal: ac.signal }));
    await until(() => server.requests.length === 1, 'the request to reach the server');
    await new Promise((r) => setTimeout(r, 30));
    const t0 = Date.now();
    ac.abort();
    const { error } = await run;
    const took = Date.now() - t0;
    assert.equal((error as { kind?: string }).kind, 'cancelled');
    assert.ok(took < 200, `took ${took} ms`);
  });
}

test('a server that leaves out finish_reason but sends the closing usage chunk is a complete reply', async () => {
  const chunk = (data: object) =>
    `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', ...data })}\n\n`;
  const body =
    chunk({ choices: [{ index: 0, delta: { role: 'assistant', content: 'all ' }, finish_reason: null }] }) +
    chunk({ choices: [{ index: 0, delta: { content: 'here' }, finish_reason: null }] }) +
    chunk({ choices: [], usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 } }) +
    'data: [DONE]\n\n';
  server.script({ fault: { kind: 'http', status: 200, headers: { 'content-type': 'text/event-stream' }, body } });
  const p = createProvider(openaiSpec(server, { provider: 'openai-compatible', vendor: 'meta', model: 'm' }), {});
  const { events, text, error } = await drain(p.stream(request));
  assert.equal(error, undefined);
  assert.equal(text, 'all here');
  assert.deepEqual(stopOf(events.at(-1)), { type: 'done', stopReason: 'stop' });
});
