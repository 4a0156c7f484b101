import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { createProvider } from '../../../src/core/providers/createProvider';
import { streamChain, type ChainEvent, type FallbackInfo } from '../../../src/core/providers/chain';
import type { ResilienceOptions } from '../../../src/core/providers/resilientStream';
import { ProviderError } from '../../../src/core/providers/types';
import { startLoopbackServer, type LoopbackServer } from '../../support/loopbackServer';
import {
  ANTHROPIC_TEST_KEY,
  OPENAI_TEST_KEY,
  anthropicSpec,
  drain,
  openaiSpec,
  until,
} from '../../support/providerFixtures';

let server: LoopbackServer;
before(async () => {
  server = await startLoopbackServer();
});
after(() => server.close());
beforeEach(() => server.reset());

const request = { system: 'You implement.', messages: [{ role: 'user' as const, content: 'fix it' }] };
const base: ResilienceOptions = {
  retry: { maxAttempts: 2, baseDelayMs: 10, maxDelayMs: 1000 },
  timeouts: { firstTokenSeconds: 5, idleSeconds: 5 },
  sleep: async () => {},
};

const gpt = () => createProvider(openaiSpec(server), { apiKey: OPENAI_TEST_KEY });
const sonnet = () => createProvider(anthropicSpec(server), { apiKey: ANTHROPIC_TEST_KEY });
const mini = () => createProvider(openaiSpec(server, { id: 'mini', model: 'gpt-5-nano' }), { apiKey: OPENAI_TEST_KEY });

test('falls back to the next model after retries are exhausted, and reports it', async () => {
  server.script({ fault: { kind: 'server-error' } }, { fault: { kind: 'server-error' } }, { text: 'from claude' });
  const fallbacks: FallbackInfo[] = [];
  const { events, text, error } = await drain(
    streamChain([gpt(), sonnet()], request, { ...base, onFallback: (f) => void fallbacks.push(f) }),
  );
  assert.equal(error, undefined);
  assert.equal(text, 'from claude');
  assert.deepEqual(
    server.requests.map((r) => r.api),
    ['openai-chat', 'openai-chat', 'anthropic-messages'],
  );
  assert.equal(fallbacks.length, 1);
  assert.equal(fallbacks[0]?.from, 'gpt');
  assert.equal(fallbacks[0]?.to, 'sonnet');
  assert.equal(fallbacks[0]?.error.kind, 'server');
  assert.equal(fallbacks[0]?.error.attempts, 2);
  assert.equal(fallbacks[0]?.discardPartial, false);
  assert.ok(events.every((e: ChainEvent) => e.modelId === 'sonnet' && e.vendor === 'anthropic'));
});

test('falls back at once on auth and spend-cap, without retrying', async () => {
  server.script({ fault: { kind: 'auth' } }, { fault: { kind: 'spend-cap' } }, { text: 'third model' });
  const fallbacks: FallbackInfo[] = [];
  const { text, error } = await drain(
    streamChain([gpt(), mini(), sonnet()], request, { ...base, onFallback: (f) => void fallbacks.push(f) }),
  );
  assert.equal(error, undefined);
  assert.equal(text, 'third model');
  assert.equal(server.requests.length, 3);
  assert.deepEqual(
    fallbacks.map((f) => [f.from, f.to, f.error.kind]),
    [
      ['gpt', 'mini', 'auth'],
      ['mini', 'sonnet', 'spend-cap'],
    ],
  );
  assert.deepEqual(
    server.requests.map((r) => r.model),
    ['gpt-5-mini', 'gpt-5-nano', 'claude-sonnet-4-6'],
  );
});

test('a partial reply falls back with discardPartial, and events say which model they came from', async () => {
  server.script({ text: ['half ', 'a ', 'reply'], fault: { kind: 'cut', afterChunks: 2 } }, { text: 'complete reply' });
  const fallbacks: FallbackInfo[] = [];
  const { events, error } = await drain(
    streamChain([gpt(), sonnet()], request, { ...base, onFallback: (f) => void fallbacks.push(f) }),
  );
  assert.equal(error, undefined);
  assert.equal(fallbacks[0]?.discardPartial, true);
  assert.equal(fallbacks[0]?.error.partial, true);
  const byModel = (id: string) =>
    events
      .filter((e) => e.modelId === id && e.type === 'text')
      .map((e) => (e.type === 'text' ? e.text : ''))
      .join('');
  assert.equal(byModel('gpt'), 'half ');
  assert.equal(byModel('sonnet'), 'complete reply');
});

test('a plain bad request does not fall back (it would fail everywhere)', async () => {
  server.script(
    { fault: { kind: 'bad-request', message: 'Unrecognized request argument supplied: foo' } },
    { text: 'never' },
  );
  const fallbacks: FallbackInfo[] = [];
  const { error } = await drain(
    streamChain([gpt(), sonnet()], request, { ...base, onFallback: (f) => void fallbacks.push(f) }),
  );
  assert.ok(error instanceof ProviderError);
  assert.equal(error.kind, 'bad-request');
  assert.equal(fallbacks.length, 0);
  assert.equal(server.requests.length, 1);
});

test('a 404 unknown model and a too-long prompt do fall back (they are about that model)', async () => {
  server.script(
    {
      fault: {
        kind: 'bad-request',
        status: 404,
        message: 'The model `gpt-5-mini` does not exist or you do not have access to it.',
      },
    },
    {
      fault: {
        kind: 'bad-request',
        message: "This model's maximum context length is 8192 tokens. However, your messages resulted in 9000 tokens.",
      },
    },
    { text: 'ok' },
  );
  const fallbacks: FallbackInfo[] = [];
  const { text, error } = await drain(
    streamChain([gpt(), mini(), sonnet()], request, { ...base, onFallback: (f) => void fallbacks.push(f) }),
  );
  assert.equal(error, undefined);
  assert.equal(text, 'ok');
  assert.deepEqual(
    fallbacks.map((f) => f.error.kind),
    ['bad-request', 'bad-request'],
  );
});

test('cancellation never falls back', async () => {
  server.script({ fault: { kind: 'hang' } }, { text: 'never' });
  const ac = new AbortController();
  const fallbacks: FallbackInfo[] = [];
  const run = drain(
    streamChain(
      [gpt(), sonnet()],
      { ...request, signal: ac.signal },
      { ...base, onFallback: (f) => void fallbacks.push(f) },
    ),
  );
  // Abort only once the request is at the server, so nothing arrives late into the next test.
  await until(() => server.requests.length === 1, 'the request to reach the server');
  ac.abort();
  const { error } = await run;
  assert.ok(error instanceof ProviderError);
  assert.equal(error.kind, 'cancelled');
  assert.equal(fallbacks.length, 0);
  assert.equal(server.requests.length, 1);
});

test('when every model fails, one error lists them all', async () => {
  server.script({ fault: { kind: 'auth' } }, { fault: { kind: 'overloaded' } }, { fault: { kind: 'overloaded' } });
  const { error } = await drain(streamChain([gpt(), sonnet()], request, base));
  assert.ok(error instanceof ProviderError);
  assert.equal(error.kind, 'overloaded');
  assert.match(error.message, /Every model in this stage's chain failed/);
  assert.match(error.message, /- gpt \(auth 401\)/);
  assert.match(error.message, /- sonnet \(overloaded 529\)/);
  assert.ok(!error.message.includes(OPENAI_TEST_KEY) && !error.message.includes(ANTHROPIC_TEST_KEY));
});

test('an empty chain is a clear error', async () => {
  const { error } = await drain(streamChain([], request, base));
  assert.ok(error instanceof ProviderError);
  assert.match(error.message, /No model is configured for this stage/);
});
