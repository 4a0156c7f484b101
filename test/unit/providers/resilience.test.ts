import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { createProvider } from '../../../src/core/providers/createProvider';
import {
  abortableSleep,
  backoffDelay,
  outputCharBound,
  resilientStream,
  type ResilienceOptions,
  type RetryInfo,
} from '../../../src/core/providers/resilientStream';
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

const request = { system: 'sys', messages: [{ role: 'user' as const, content: 'go' }] };

/** Options with a recording, instant sleep: asserts the requested delay without waiting for it. */
function fastOpts(over: Partial<ResilienceOptions> = {}) {
  const sleeps: number[] = [];
  const retries: RetryInfo[] = [];
  const opts: ResilienceOptions = {
    retry: { maxAttempts: 3, baseDelayMs: 400, maxDelayMs: 5000 },
    timeouts: { firstTokenSeconds: 5, idleSeconds: 5, totalSeconds: 60 },
    sleep: async (ms) => void sleeps.push(ms),
    random: () => 0.5,
    onRetry: (i) => void retries.push(i),
    ...over,
  };
  return { opts, sleeps, retries };
}

const gpt = () => createProvider(openaiSpec(server), { apiKey: OPENAI_TEST_KEY });
const sonnet = () => createProvider(anthropicSpec(server), { apiKey: ANTHROPIC_TEST_KEY });

function assertProviderError(err: unknown): asserts err is ProviderError {
  assert.ok(err instanceof ProviderError, `expected a ProviderError, got ${inspect(err)}`);
}

test('429 with retry-after: retried once after exactly the requested wait', async () => {
  server.script({ fault: { kind: 'rate-limit', retryAfterSeconds: 1 } }, { text: 'after the wait' });
  const { opts, sleeps, retries } = fastOpts();
  const { text, error } = await drain(resilientStream(gpt(), request, opts));
  assert.equal(error, undefined);
  assert.equal(text, 'after the wait');
  assert.equal(server.requests.length, 2);
  assert.deepEqual(sleeps, [1000]);
  assert.equal(retries.length, 1);
  assert.equal(retries[0]?.fromRetryAfter, true);
  assert.equal(retries[0]?.error.kind, 'rate-limit');
  assert.equal(retries[0]?.error.status, 429);
});

test('429 with retry-after-ms is honoured with a real wait', async () => {
  server.script({ fault: { kind: 'rate-limit', retryAfterMs: 150 } }, { text: 'ok' });
  const { opts } = fastOpts();
  delete opts.sleep;
  const started = Date.now();
  const { text, error } = await drain(resilientStream(sonnet(), request, opts));
  assert.equal(error, undefined);
  assert.equal(text, 'ok');
  const gap = server.requests[1]!.time - server.requests[0]!.time;
  assert.ok(gap >= 140, `second request came ${gap} ms after the first`);
  assert.ok(Date.now() - started < 10_000);
});

test('429 with retry-after as an HTTP date', async () => {
  server.script({ fault: { kind: 'rate-limit', retryAfterDate: new Date(Date.now() + 3000) } }, { text: 'ok' });
  const { opts, sleeps } = fastOpts();
  const { error } = await drain(resilientStream(gpt(), request, opts));
  assert.equal(error, undefined);
  // HTTP dates have one-second resolution, so allow the truncation.
  assert.ok(sleeps[0]! > 1000 && sleeps[0]! <= 3000, `slept ${sleeps[0]} ms`);
});

test('a retry-after longer than maxDelayMs is not waited out: the error goes to the chain', async () => {
  server.script({ fault: { kind: 'rate-limit', retryAfterSeconds: 60 } }, { text: 'never' });
  const { opts, sleeps } = fastOpts();
  const { error } = await drain(resilientStream(gpt(), request, opts));
  assertProviderError(error);
  assert.equal(error.kind, 'rate-limit');
  assert.equal(error.retryAfterMs, 60_000);
  assert.deepEqual(sleeps, []);
  assert.equal(server.requests.length, 1);
  assert.match(error.message, /asked to wait 60 s/);
});

test('OpenAI spend cap (429 insufficient_quota): one attempt, no retry, clear wording', async () => {
  server.script({ fault: { kind: 'spend-cap' } }, { text: 'must not be used' });
  const { opts, sleeps } = fastOpts();
  const { error } = await drain(resilientStream(gpt(), request, opts));
  assertProviderError(error);
  assert.equal(error.kind, 'spend-cap');
  assert.equal(error.status, 429);
  assert.equal(error.retryable, false);
  assert.equal(server.requests.length, 1);
  assert.deepEqual(sleeps, []);
  assert.match(error.message, /model "gpt"/i);
  assert.match(error.message, /out of quota or credit/);
  assert.match(error.message, /Retrying will not help/);
  assert.equal(server.pending(), 1);
});

test('Anthropic spend cap (credit balance too low) is not retried either', async () => {
  server.script({ fault: { kind: 'spend-cap' } });
  const { opts } = fastOpts();
  const { error } = await drain(resilientStream(sonnet(), request, opts));
  assertProviderError(error);
  assert.equal(error.kind, 'spend-cap');
  assert.equal(error.status, 400);
  assert.equal(server.requests.length, 1);
  assert.match(error.message, /credit balance is too low/);
});

test('500 then success: retried with jittered backoff', async () => {
  server.script(
    { fault: { kind: 'server-error' } },
    { fault: { kind: 'server-error', status: 502 } },
    { text: 'third time' },
  );
  const { opts, sleeps, retries } = fastOpts({ random: () => 0 });
  const { text, error } = await drain(resilientStream(gpt(), request, opts));
  assert.equal(error, undefined);
  assert.equal(text, 'third time');
  assert.equal(server.requests.length, 3);
  // random 0 → half of base·2^(n-1)
  assert.deepEqual(sleeps, [200, 400]);
  assert.deepEqual(
    retries.map((r) => [r.attempt, r.error.status, r.fromRetryAfter]),
    [
      [1, 500, false],
      [2, 502, false],
    ],
  );
});

test('529 overloaded from Anthropic is retried', async () => {
  server.script({ fault: { kind: 'overloaded' } }, { text: 'recovered' });
  const { opts, retries } = fastOpts();
  const { text, error } = await drain(resilientStream(sonnet(), request, opts));
  assert.equal(error, undefined);
  assert.equal(text, 'recovered');
  assert.equal(retries[0]?.error.kind, 'overloaded');
  assert.equal(retries[0]?.error.status, 529);
});

test('retries stop at maxAttempts and the error says so', async () => {
  server.script(
    { fault: { kind: 'server-error' } },
    { fault: { kind: 'server-error' } },
    { fault: { kind: 'server-error' } },
    { text: 'too late' },
  );
  const { opts } = fastOpts();
  const { error } = await drain(resilientStream(gpt(), request, opts));
  assertProviderError(error);
  assert.equal(error.kind, 'server');
  assert.equal(error.attempts, 3);
  assert.equal(server.requests.length, 3);
  assert.match(error.message, /gave up after 3 attempts/);
});

test('401: no retry; message names the model and status; the key appears nowhere', async () => {
  // This server echoes the whole key back in its error body: the worst case.
  server.script({ fault: { kind: 'auth', echoKey: true } }, { text: 'never' });
  const { opts, sleeps } = fastOpts();
  const { error } = await drain(resilientStream(gpt(), request, opts));
  assertProviderError(error);
  assert.equal(error.kind, 'auth');
  assert.equal(error.status, 401);
  assert.equal(server.requests.length, 1);
  assert.deepEqual(sleeps, []);
  assert.match(error.message, /model "gpt"/i);
  assert.match(error.message, /HTTP 401/);
  assert.match(error.message, /Check the API key for model "gpt"/);
  assert.match(error.message, /OPENAI_API_KEY/);
  for (const text of [error.message, String(error), error.stack ?? '', inspect(error), JSON.stringify(error)]) {
    assert.ok(!text.includes(OPENAI_TEST_KEY), `key leaked into: ${text}`);
    assert.ok(!text.includes('0123456789abcdef'), `part of the key leaked into: ${text}`);
  }
  // It did travel, once, in the auth header, and nowhere else in the request.
  const req = server.requests[0]!;
  assert.equal(req.headers['authorization'], `Bearer ${OPENAI_TEST_KEY}`);
  assert.ok(!req.rawBody.includes(OPENAI_TEST_KEY));
});

test('Anthropic 401 with the key echoed is scrubbed too', async () => {
  server.script({ fault: { kind: 'auth', echoKey: true } });
  const { opts } = fastOpts();
  const { error } = await drain(resilientStream(sonnet(), request, opts));
  assertProviderError(error);
  assert.equal(error.kind, 'auth');
  assert.match(error.message, /model "sonnet"/i);
  assert.ok(!inspect(error).includes(ANTHROPIC_TEST_KEY));
  assert.match(error.message, /ANTHROPIC_API_KEY/);
});

test('403 is auth and not retried; 404 and 400 are bad-request and not retried', async () => {
  for (const [fault, kind, status] of [
    [{ kind: 'auth', status: 403 }, 'auth', 403],
    [{ kind: 'bad-request', status: 404, message: 'The model `gpt-9` does not exist' }, 'bad-request', 404],
    [{ kind: 'bad-request' }, 'bad-request', 400],
    [{ kind: 'bad-request', status: 422 }, 'bad-request', 422],
  ] as const) {
    server.reset();
    server.script({ fault }, { text: 'never' });
    const { opts } = fastOpts();
    const { error } = await drain(resilientStream(gpt(), request, opts));
    assertProviderError(error);
    assert.equal(error.kind, kind);
    assert.equal(error.status, status);
    assert.equal(server.requests.length, 1, `${status} must not be retried`);
  }
});

test('mid-stream cut after text: not retried, reported as partial network error', async () => {
  server.script(
    { text: ['one ', 'two ', 'three ', 'four'], fault: { kind: 'cut', afterChunks: 3 } },
    { text: 'must not be used' },
  );
  const { opts } = fastOpts();
  const { text, error } = await drain(resilientStream(gpt(), request, opts));
  assertProviderError(error);
  assert.equal(text, 'one two ');
  assert.equal(error.kind, 'network');
  assert.equal(error.partial, true);
  assert.match(error.message, /discard the partial output/);
  assert.equal(server.requests.length, 1);
});

test('a cut before any output is retried transparently (Anthropic)', async () => {
  server.script({ text: 'lost', fault: { kind: 'cut', afterChunks: 1 } }, { text: 'whole reply' });
  const { opts, retries } = fastOpts();
  const { text, error } = await drain(resilientStream(sonnet(), request, opts));
  assert.equal(error, undefined);
  assert.equal(text, 'whole reply');
  assert.equal(retries[0]?.error.kind, 'network');
});

test('a stream that ends cleanly but early (no [DONE], no finish reason) is an error, not a short reply', async () => {
  server.script({
    fault: {
      kind: 'http',
      status: 200,
      body: 'data: {"id":"x","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"half"},"finish_reason":null}]}\n\n',
      headers: { 'content-type': 'text/event-stream' },
    },
  });
  const { opts } = fastOpts({ retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 10 } });
  const { error } = await drain(resilientStream(gpt(), request, opts));
  assertProviderError(error);
  assert.equal(error.kind, 'network');
  assert.equal(error.partial, true);
});

test('SSE error event after a 200 (Anthropic, before text): retried', async () => {
  server.script({ text: 'x', fault: { kind: 'stream-error', afterChunks: 1 } }, { text: 'fine now' });
  const { opts, retries } = fastOpts();
  const { text, error } = await drain(resilientStream(sonnet(), request, opts));
  assert.equal(error, undefined);
  assert.equal(text, 'fine now');
  assert.equal(retries[0]?.error.kind, 'stream-error');
  assert.match(retries[0]!.error.message, /overloaded_error: Overloaded/);
});

test('SSE error event after a 200 (OpenAI, after text): partial stream-error', async () => {
  server.script({
    text: ['a ', 'b ', 'c'],
    fault: { kind: 'stream-error', afterChunks: 2, message: 'upstream went away' },
  });
  const { opts } = fastOpts();
  const { text, error } = await drain(resilientStream(gpt(), request, opts));
  assertProviderError(error);
  assert.equal(text, 'a ');
  assert.equal(error.kind, 'stream-error');
  assert.equal(error.partial, true);
  assert.match(error.message, /upstream went away/);
  assert.equal(server.requests.length, 1);
});

test('a server that never answers: our first-token timeout fires', async () => {
  server.script({ fault: { kind: 'hang' } });
  const { opts } = fastOpts({
    retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 10 },
    timeouts: { firstTokenSeconds: 0.2, idleSeconds: 5 },
  });
  const started = Date.now();
  const { error } = await drain(resilientStream(gpt(), request, opts));
  const took = Date.now() - started;
  assertProviderError(error);
  assert.equal(error.kind, 'timeout');
  assert.match(error.message, /sent nothing within 0.2 s/);
  assert.ok(took >= 190 && took < 5000, `took ${took} ms`);
});

test('first-token timeout is retried, and the retry can succeed', async () => {
  server.script({ fault: { kind: 'hang-after-headers' } }, { text: 'second try' });
  const { opts, retries } = fastOpts({ timeouts: { firstTokenSeconds: 1, idleSeconds: 5 } });
  const { text, error } = await drain(resilientStream(sonnet(), request, opts));
  assert.equal(error, undefined);
  assert.equal(text, 'second try');
  assert.equal(retries[0]?.error.kind, 'timeout');
});

test('idle timeout on slow tokens after text: partial timeout', async () => {
  // Chunk 0 is the role chunk, chunk 1 the first text; then the model stalls.
  server.script({ text: ['fast ', 'slow ', 'slower'], chunkDelayMs: (i) => (i >= 2 ? 1500 : 0) });
  const { opts } = fastOpts({ timeouts: { firstTokenSeconds: 5, idleSeconds: 0.4 } });
  const { text, error } = await drain(resilientStream(gpt(), request, opts));
  assertProviderError(error);
  assert.equal(error.kind, 'timeout');
  assert.equal(error.partial, true);
  assert.match(error.message, /went silent for 0.4 s/);
  assert.equal(text, 'fast ');
  assert.equal(server.requests.length, 1);
});

test('slow but steady tokens within the idle limit are fine', async () => {
  server.script({ text: ['a', 'b', 'c', 'd'], chunkDelayMs: 60 });
  const { opts } = fastOpts({ timeouts: { firstTokenSeconds: 5, idleSeconds: 1 } });
  const { text, error } = await drain(resilientStream(sonnet(), request, opts));
  assert.equal(error, undefined);
  assert.equal(text, 'abcd');
});

test('the idle clock does not run while the caller holds an event', async () => {
  server.script({ text: ['a', 'b', 'c'] });
  const { opts } = fastOpts({ timeouts: { firstTokenSeconds: 5, idleSeconds: 0.5 } });
  let text = '';
  for await (const ev of resilientStream(gpt(), request, opts)) {
    if (ev.type !== 'text') continue;
    // One slow listener turn, longer than the idle limit.
    if (!text) await new Promise((r) => setTimeout(r, 900));
    text += ev.text;
  }
  assert.equal(text, 'abc');
});

test('abort ends a hung call within 200 ms with cancelled', async () => {
  server.script({ fault: { kind: 'hang' } });
  const ac = new AbortController();
  const { opts } = fastOpts();
  const run = drain(resilientStream(gpt(), { ...request, signal: ac.signal }, opts));
  await until(() => server.requests.length === 1, 'the request to reach the server');
  const t0 = Date.now();
  ac.abort();
  const { error } = await run;
  const took = Date.now() - t0;
  assertProviderError(error);
  assert.equal(error.kind, 'cancelled');
  assert.ok(took < 200, `took ${took} ms`);
});

test('abort mid-stream (Anthropic, slow tokens) ends within 200 ms', async () => {
  server.script({ text: ['a', 'b', 'c', 'd', 'e'], chunkDelayMs: 300 });
  const ac = new AbortController();
  const { opts } = fastOpts();
  let t0 = 0;
  const events: string[] = [];
  let caught: unknown;
  try {
    for await (const ev of resilientStream(sonnet(), { ...request, signal: ac.signal }, opts)) {
      events.push(ev.type);
      if (ev.type === 'text' && t0 === 0) {
        setTimeout(() => {
          t0 = Date.now();
          ac.abort();
        }, 20);
      }
    }
  } catch (e) {
    caught = e;
  }
  const took = Date.now() - t0;
  assertProviderError(caught);
  assert.equal(caught.kind, 'cancelled');
  assert.ok(took < 200, `took ${took} ms`);
  assert.deepEqual(events, ['text']);
});

test('abort during the wait between retries ends promptly with cancelled', async () => {
  server.script({ fault: { kind: 'rate-limit', retryAfterSeconds: 3 } }, { text: 'never' });
  const ac = new AbortController();
  const { opts, retries } = fastOpts();
  delete opts.sleep;
  const run = drain(resilientStream(gpt(), { ...request, signal: ac.signal }, opts));
  await until(() => retries.length === 1, 'the retry layer to start waiting');
  const t0 = Date.now();
  ac.abort();
  const { error } = await run;
  assertProviderError(error);
  assert.equal(error.kind, 'cancelled');
  assert.ok(Date.now() - t0 < 200);
  assert.equal(server.requests.length, 1);
});

test('an already-aborted signal sends nothing', async () => {
  const ac = new AbortController();
  ac.abort();
  const { opts } = fastOpts();
  const { error } = await drain(resilientStream(gpt(), { ...request, signal: ac.signal }, opts));
  assertProviderError(error);
  assert.equal(error.kind, 'cancelled');
  assert.equal(server.requests.length, 0);
});

test('connection refused is a network error naming the base URL, retried', async () => {
  const dead = await startLoopbackServer();
  const url = dead.openaiBaseUrl;
  await dead.close();
  const p = createProvider(openaiSpec(server, { baseUrl: url }), { apiKey: OPENAI_TEST_KEY });
  const { opts, retries } = fastOpts({ retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 10 } });
  const { error } = await drain(resilientStream(p, request, opts));
  assertProviderError(error);
  assert.equal(error.kind, 'network');
  assert.ok(error.message.includes(url), error.message);
  assert.match(error.message, /local model server running/);
  assert.equal(retries.length, 1);
});

test('no key for a hosted model: auth error before any request', async () => {
  const p = createProvider(openaiSpec(server, { baseUrl: undefined }), {});
  const { opts } = fastOpts();
  const { error } = await drain(resilientStream(p, request, opts));
  assertProviderError(error);
  assert.equal(error.kind, 'auth');
  assert.match(error.message, /No API key for model "gpt"/);
  assert.match(error.message, /OPENAI_API_KEY/);
  assert.equal(server.requests.length, 0);
});

test('408, 409 and a connection reset before any response are retried', async () => {
  server.script(
    { fault: { kind: 'http', status: 408, body: { error: { message: 'Request timed out' } } } },
    { fault: { kind: 'http', status: 409, body: { error: { message: 'Conflict, please retry' } } } },
    { fault: { kind: 'reset' } },
    { text: 'made it' },
  );
  const { opts, retries } = fastOpts({ retry: { maxAttempts: 4, baseDelayMs: 10, maxDelayMs: 100 } });
  const { text, error } = await drain(resilientStream(gpt(), request, opts));
  assert.equal(error, undefined);
  assert.equal(text, 'made it');
  assert.deepEqual(
    retries.map((r) => [r.error.kind, r.error.status]),
    [
      ['server', 408],
      ['server', 409],
      ['network', undefined],
    ],
  );
});

test('x-should-retry: false from the server stops retries of a 5xx', async () => {
  server.script(
    {
      fault: {
        kind: 'http',
        status: 500,
        headers: { 'x-should-retry': 'false' },
        body: { error: { message: 'deterministic failure' } },
      },
    },
    { text: 'never' },
  );
  const { opts, retries } = fastOpts();
  const { error } = await drain(resilientStream(gpt(), request, opts));
  assertProviderError(error);
  assert.equal(error.kind, 'server');
  assert.equal(error.noRetry, true);
  assert.equal(retries.length, 0);
  assert.equal(server.requests.length, 1);
});

test('backoff: exponential, capped at maxDelayMs, jitter within [half, full]', () => {
  const retry = { maxAttempts: 5, baseDelayMs: 500, maxDelayMs: 3000 };
  assert.deepEqual(
    [1, 2, 3, 4, 5].map((n) => backoffDelay(n, retry, () => 0)),
    [250, 500, 1000, 1500, 1500],
  );
  assert.deepEqual(
    [1, 2, 3, 4, 5].map((n) => backoffDelay(n, retry, () => 0.999999)),
    [500, 1000, 2000, 3000, 3000],
  );
  for (let i = 0; i < 50; i++) {
    const d = backoffDelay(2, retry);
    assert.ok(d >= 500 && d <= 1000, `delay ${d}`);
  }
});

test('totalSeconds bounds a model that keeps talking slowly but never finishes', async () => {
  server.script({ text: Array.from({ length: 40 }, (_, i) => `w${i} `), chunkDelayMs: 50 });
  const { opts } = fastOpts({ timeouts: { firstTokenSeconds: 5, idleSeconds: 5, totalSeconds: 1 } });
  const started = Date.now();
  const { text, error } = await drain(resilientStream(gpt(), request, opts));
  assertProviderError(error);
  assert.equal(error.kind, 'timeout');
  assert.match(error.message, /did not finish within 1 s/);
  assert.equal(error.partial, true);
  assert.ok(text.length > 0);
  assert.ok(Date.now() - started < 6000);
});

test('abortableSleep waits, and rejects at once on abort', async () => {
  const t0 = Date.now();
  await abortableSleep(30);
  assert.ok(Date.now() - t0 >= 25);
  const ac = new AbortController();
  const p = abortableSleep(10_000, ac.signal);
  ac.abort(new Error('stop'));
  await assert.rejects(p, /stop/);
});

test('a server ignoring max_tokens is cut off at a bound, not read to the end', async () => {
  const chunk = 'All work and no play makes a dull model. '.repeat(500); // ~20 k chars
  server.script(
    { text: Array.from({ length: 200 }, () => chunk), chunkDelayMs: 2 },
    { text: 'must not be asked again' },
  );
  const { opts, retries } = fastOpts();
  let streamed = 0;
  let caught: unknown;
  try {
    for await (const ev of resilientStream(gpt(), { ...request, maxOutputTokens: 4000 }, opts)) {
      if (ev.type === 'text') streamed += ev.text.length;
    }
  } catch (e) {
    caught = e;
  }
  assertProviderError(caught);
  assert.equal(caught.kind, 'server');
  assert.equal(caught.partial, true);
  assert.match(caught.message, /longer than the 64,000-character limit although at most 4000 tokens were asked for/);
  assert.ok(streamed <= outputCharBound(4000), `streamed ${streamed} chars`);
  assert.equal(retries.length, 0);
  assert.equal(server.requests.length, 1);
  await until(() => server.requests[0]!.clientClosedEarly, 'the connection to be dropped');
});

test('the output bound: explicit option, or derived from maxOutputTokens', () => {
  assert.equal(outputCharBound(undefined), 2_000_000);
  assert.equal(outputCharBound(1000), 64_000);
  assert.equal(outputCharBound(10_000), 160_000);
});

test('one oversized first chunk is not retried either', async () => {
  server.script({ text: ['x'.repeat(5000)] }, { text: 'never' });
  const { opts, retries } = fastOpts({ maxOutputChars: 1000 });
  const { error } = await drain(resilientStream(sonnet(), request, opts));
  assertProviderError(error);
  assert.equal(error.kind, 'server');
  assert.equal(retries.length, 0);
  assert.equal(server.requests.length, 1);
});

test('a key pasted with a trailing newline is sent trimmed, and scrubbed when a server echoes it', async () => {
  const key = 'local-gateway-secret-value';
  server.script({ fault: { kind: 'auth', echoKey: true } });
  const p = createProvider(openaiSpec(server, { provider: 'openai-compatible', vendor: 'meta', model: 'm' }), {
    apiKey: `${key}\n`,
  });
  const { error } = await drain(resilientStream(p, request, fastOpts().opts));
  assertProviderError(error);
  assert.equal(error.kind, 'auth');
  assert.equal(server.requests[0]?.headers['authorization'], `Bearer ${key}`);
  assert.ok(!inspect(error).includes(key), error.message);
});
