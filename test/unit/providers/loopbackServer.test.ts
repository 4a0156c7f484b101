// The loopback server is test infrastructure other areas build on; these check that the real SDKs
// accept what it sends, that scripting by request works, and that close() never hangs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { startLoopbackServer, toolTurnProblem } from '../../support/loopbackServer';
import { createProvider } from '../../../src/core/providers/createProvider';
import { ANTHROPIC_TEST_KEY, OPENAI_TEST_KEY, anthropicSpec, drain, openaiSpec } from '../../support/providerFixtures';

test('non-streaming replies parse with both SDKs', async () => {
  const server = await startLoopbackServer();
  try {
    server.script(
      {
        text: 'plain answer',
        toolCalls: [{ name: 'f', arguments: { x: 1 } }],
        usage: { inputTokens: 9, outputTokens: 4 },
      },
      {
        text: 'claude answer',
        toolCalls: [{ id: 'toolu_9', name: 'g', arguments: { y: 2 } }],
        usage: { inputTokens: 11, outputTokens: 6 },
      },
    );
    const oai = new OpenAI({ apiKey: OPENAI_TEST_KEY, baseURL: server.openaiBaseUrl, maxRetries: 0 });
    const c = await oai.chat.completions.create({ model: 'gpt-5', messages: [{ role: 'user', content: 'hi' }] });
    assert.equal(c.choices[0]?.message.content, 'plain answer');
    const call = c.choices[0]?.message.tool_calls?.[0];
    assert.equal(call?.type === 'function' ? call.function.arguments : undefined, '{"x":1}');
    assert.equal(c.usage?.prompt_tokens, 9);

    const ant = new Anthropic({ apiKey: ANTHROPIC_TEST_KEY, baseURL: server.anthropicBaseUrl, maxRetries: 0 });
    const m = await ant.messages.create({
      model: 'claude-haiku-4-5',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'hi' }],
    });
    assert.deepEqual(
      m.content.map((b) => b.type),
      ['text', 'tool_use'],
    );
    assert.equal(m.stop_reason, 'tool_use');
    assert.equal(m.usage.output_tokens, 6);
    assert.equal(server.requests[1]?.stream, false);
  } finally {
    await server.close();
  }
});

test('the Responses API streams text the openai SDK accepts', async () => {
  const server = await startLoopbackServer();
  try {
    server.script({ text: ['Hello ', 'from ', 'responses'] });
    const oai = new OpenAI({ apiKey: OPENAI_TEST_KEY, baseURL: server.openaiBaseUrl, maxRetries: 0 });
    const stream = await oai.responses.create({ model: 'gpt-5', input: 'hi', instructions: 'be brief', stream: true });
    let text = '';
    let completed = false;
    for await (const ev of stream) {
      if (ev.type === 'response.output_text.delta') text += ev.delta;
      if (ev.type === 'response.completed') completed = true;
    }
    assert.equal(text, 'Hello from responses');
    assert.ok(completed);
    assert.equal(server.requests[0]?.api, 'openai-responses');
    assert.equal(server.requests[0]?.system, 'be brief');
  } finally {
    await server.close();
  }
});

test('a handler can answer each role by its system prompt and model (a pipeline script)', async () => {
  const server = await startLoopbackServer();
  try {
    server.setHandler((req) => {
      if (req.system.includes('architect')) return { text: 'PLAN' };
      if (req.model === 'claude-sonnet-4-6') return { text: 'REVIEW' };
      return undefined;
    });
    const gpt = createProvider(openaiSpec(server), { apiKey: OPENAI_TEST_KEY });
    const sonnet = createProvider(anthropicSpec(server), { apiKey: ANTHROPIC_TEST_KEY });
    const plan = await drain(
      gpt.stream({ system: 'You are the architect.', messages: [{ role: 'user', content: 'x' }] }),
    );
    const review = await drain(
      sonnet.stream({ system: 'You are the critic.', messages: [{ role: 'user', content: 'x' }] }),
    );
    assert.equal(plan.text, 'PLAN');
    assert.equal(review.text, 'REVIEW');
    // Nothing scripted for this one: a 400 that names the request, so a test's gap is obvious.
    const miss = await drain(gpt.stream({ system: 'You are the scout.', messages: [{ role: 'user', content: 'x' }] }));
    assert.ok(miss.error instanceof Error);
    assert.match(miss.error.message, /no reply scripted for POST \/v1\/chat\/completions \(model gpt-5-mini\)/);
    assert.equal(server.requests.length, 3);
    assert.ok(server.requests.every((r) => typeof r.time === 'number' && r.method === 'POST'));
  } finally {
    await server.close();
  }
});

test('queued replies win over the handler, in order', async () => {
  const server = await startLoopbackServer();
  try {
    server.setHandler(() => ({ text: 'handler' }));
    server.script({ text: 'first' }, (req) => ({ text: `second for ${req.model}` }));
    const gpt = createProvider(openaiSpec(server), { apiKey: OPENAI_TEST_KEY });
    const texts: string[] = [];
    for (let i = 0; i < 3; i++)
      texts.push((await drain(gpt.stream({ system: '', messages: [{ role: 'user', content: 'x' }] }))).text);
    assert.deepEqual(texts, ['first', 'second for gpt-5-mini', 'handler']);
    assert.equal(server.pending(), 0);
  } finally {
    await server.close();
  }
});

test('close() ends hanging requests and open streams promptly', async () => {
  const server = await startLoopbackServer();
  server.script(
    { fault: { kind: 'hang' } },
    { fault: { kind: 'hang-after-headers' } },
    { text: ['a', 'b', 'c'], chunkDelayMs: 10_000 },
  );
  const gpt = createProvider(openaiSpec(server), { apiKey: OPENAI_TEST_KEY });
  const runs = [0, 1, 2].map(() => drain(gpt.stream({ system: '', messages: [{ role: 'user', content: 'x' }] })));
  while (server.requests.length < 3) await new Promise((r) => setTimeout(r, 10));
  const t0 = Date.now();
  await server.close();
  assert.ok(Date.now() - t0 < 1500, `close took ${Date.now() - t0} ms`);
  const results = await Promise.all(runs);
  for (const r of results) assert.ok(r.error instanceof Error, 'each client sees its connection end');
});

test('concurrent streams from both vendors do not cross', async () => {
  const server = await startLoopbackServer();
  try {
    server.setHandler((req) => {
      const last = req.body.messages.at(-1).content as string;
      return { text: [`echo `, last], chunkDelayMs: 5 };
    });
    const gpt = createProvider(openaiSpec(server), { apiKey: OPENAI_TEST_KEY });
    const sonnet = createProvider(anthropicSpec(server), { apiKey: ANTHROPIC_TEST_KEY });
    const runs = Array.from({ length: 16 }, (_, i) =>
      drain((i % 2 ? gpt : sonnet).stream({ system: '', messages: [{ role: 'user', content: `n${i}` }] })),
    );
    const texts = (await Promise.all(runs)).map((r) => r.text);
    assert.deepEqual(
      texts,
      Array.from({ length: 16 }, (_, i) => `echo n${i}`),
    );
    assert.equal(server.requests.length, 16);
  } finally {
    await server.close();
  }
});

test('a scripted reply that throws becomes a 400 naming the problem (not retried)', async () => {
  const server = await startLoopbackServer();
  try {
    server.script(() => {
      throw new Error('script bug: no such role');
    });
    const gpt = createProvider(openaiSpec(server), { apiKey: OPENAI_TEST_KEY });
    const { error } = await drain(gpt.stream({ system: '', messages: [{ role: 'user', content: 'x' }] }));
    assert.ok(error instanceof Error);
    assert.equal((error as { kind?: string }).kind, 'bad-request');
    assert.match(error.message, /the scripted reply threw: Error: script bug: no such role/);
  } finally {
    await server.close();
  }
});

test('like the real APIs, the loopback server refuses a tool call left without its result', async () => {
  const call = { role: 'assistant', content: null, tool_calls: [{ id: 'a' }, { id: 'b' }] };
  assert.match(
    toolTurnProblem('openai-chat', {
      messages: [{ role: 'user', content: 'q' }, call, { role: 'tool', tool_call_id: 'a', content: 'r' }],
    }) ?? '',
    /missing: b/,
  );
  assert.equal(
    toolTurnProblem('openai-chat', {
      messages: [
        call,
        { role: 'tool', tool_call_id: 'a', content: 'r' },
        { role: 'tool', tool_call_id: 'b', content: 'r' },
      ],
    }),
    undefined,
  );
  const use = { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'search', input: {} }] };
  assert.match(
    toolTurnProblem('anthropic-messages', {
      messages: [use, { role: 'user', content: [{ type: 'text', text: 'hi' }] }],
    }) ?? '',
    /without tool_result blocks immediately after: t1/,
  );
  assert.equal(
    toolTurnProblem('anthropic-messages', {
      messages: [
        use,
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 't1', content: 'ok' },
            { type: 'text', text: 'note' },
          ],
        },
      ],
    }),
    undefined,
  );
});
