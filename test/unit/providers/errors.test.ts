import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  isModelSpecificBadRequest,
  isSpendCap,
  kindForStatus,
  toProviderError,
} from '../../../src/core/providers/providerErrors';
import { parseDuration, parseRetryAfter, parseRetryHint } from '../../../src/core/providers/retryAfter';
import { displayUrl, scrubSecrets } from '../../../src/core/providers/scrub';
import { ProviderError } from '../../../src/core/providers/types';
import { normaliseStopReason } from '../../../src/core/providers/stopReason';

const ctx = {
  modelId: 'gpt',
  model: 'gpt-5',
  providerLabel: 'OpenAI',
  baseUrl: 'https://api.openai.com/v1',
  apiKey: 'sk-secret-abcdef123456',
  keyHint: 'OPENAI_API_KEY',
};

test('status → kind', () => {
  assert.equal(kindForStatus(401, {}), 'auth');
  assert.equal(kindForStatus(403, {}), 'auth');
  assert.equal(kindForStatus(400, {}), 'bad-request');
  assert.equal(kindForStatus(404, {}), 'bad-request');
  assert.equal(kindForStatus(422, {}), 'bad-request');
  assert.equal(kindForStatus(429, { message: 'Rate limit reached for requests' }), 'rate-limit');
  assert.equal(kindForStatus(429, { code: 'insufficient_quota', type: 'insufficient_quota' }), 'spend-cap');
  assert.equal(kindForStatus(402, {}), 'spend-cap');
  assert.equal(kindForStatus(529, {}), 'overloaded');
  assert.equal(kindForStatus(503, {}), 'overloaded');
  assert.equal(kindForStatus(500, {}), 'server');
  assert.equal(kindForStatus(502, {}), 'server');
  assert.equal(kindForStatus(408, {}), 'server');
  assert.equal(kindForStatus(409, {}), 'server');
});

test("spend caps are recognised by each vendor's wording", () => {
  assert.ok(
    isSpendCap(429, { message: 'You exceeded your current quota, please check your plan and billing details.' }),
  );
  assert.ok(
    isSpendCap(400, {
      type: 'error',
      error: { type: 'invalid_request_error', message: 'Your credit balance is too low to access the Anthropic API.' },
    }),
  );
  assert.ok(
    isSpendCap(400, {
      error: {
        message: 'You have reached your specified API usage limits. You will regain access on 2026-12-01 at 00:00 UTC.',
      },
    }),
  );
  assert.ok(
    !isSpendCap(429, {
      error: { type: 'rate_limit_error', message: 'Number of request tokens has exceeded your per-minute rate limit' },
    }),
  );
  assert.ok(!isSpendCap(500, { message: 'billing service unavailable' }), 'only 4xx can be a spend cap');
});

test('HTTP errors carry retry-after and scrub the key, even when echoed', () => {
  const e = toProviderError(
    {
      type: 'http',
      status: 429,
      headers: { 'retry-after': '2' },
      body: { message: `Rate limited for key ${ctx.apiKey}` },
    },
    ctx,
  );
  assert.equal(e.kind, 'rate-limit');
  assert.equal(e.retryAfterMs, 2000);
  assert.ok(!e.message.includes(ctx.apiKey));
  assert.match(e.message, /\[redacted key\]/);
});

test('server text is trimmed so a huge HTML error page does not flood the UI', () => {
  const e = toProviderError({ type: 'http', status: 502, body: `<html>${'x'.repeat(5000)}</html>` }, ctx);
  assert.ok(e.message.length < 700, `message is ${e.message.length} chars`);
  assert.match(e.message, /HTTP 502/);
});

test('parseRetryAfter: ms header, seconds, HTTP date, junk', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  assert.equal(parseRetryAfter({ 'retry-after-ms': '250', 'retry-after': '9' }, now), 250);
  assert.equal(parseRetryAfter({ 'retry-after': '3' }, now), 3000);
  assert.equal(parseRetryAfter({ 'retry-after': '0.5' }, now), 500);
  assert.equal(parseRetryAfter({ 'retry-after': 'Thu, 01 Jan 2026 00:00:05 GMT' }, now), 5000);
  assert.equal(parseRetryAfter({ 'retry-after': 'Wed, 31 Dec 2025 23:59:00 GMT' }, now), 0);
  assert.equal(parseRetryAfter({ 'retry-after': 'soon' }, now), undefined);
  assert.equal(parseRetryAfter({}, now), undefined);
  assert.equal(parseRetryAfter(new Headers({ 'retry-after': '1' }), now), 1000);
});

test('scrubSecrets removes the given key and key-shaped strings, keeps ordinary text', () => {
  const out = scrubSecrets(
    'key sk-proj-AbCdEf0123456789 and Bearer abcdefghijklmnop and api_key=zzzzzzzzzz and mine: hunter2hunter2',
    'hunter2hunter2',
  );
  assert.ok(!out.includes('AbCdEf0123456789'));
  assert.ok(!out.includes('abcdefghijklmnop'));
  assert.ok(!out.includes('zzzzzzzzzz'));
  assert.ok(!out.includes('hunter2hunter2'));
  assert.match(out, /api_key=\[redacted\]/);
  assert.equal(scrubSecrets('task: sketch a skeleton for the desk'), 'task: sketch a skeleton for the desk');
});

test('stop reasons are normalised across vendors', () => {
  assert.equal(normaliseStopReason('end_turn'), 'stop');
  assert.equal(normaliseStopReason('stop'), 'stop');
  assert.equal(normaliseStopReason('tool_use'), 'tool-calls');
  assert.equal(normaliseStopReason('tool_calls'), 'tool-calls');
  assert.equal(normaliseStopReason('length'), 'max-tokens');
  assert.equal(normaliseStopReason('max_tokens'), 'max-tokens');
  assert.equal(normaliseStopReason('content_filter'), 'refused');
  assert.equal(normaliseStopReason('pause_turn'), 'pause_turn');
});

test('displayUrl hides credentials and query values', () => {
  assert.equal(displayUrl('https://user:sk-secret-123456@gw.example.com/v1'), 'https://gw.example.com/v1');
  assert.equal(displayUrl('https://gw.example.com/v1?key=AIzaSecretSecret&x=1'), 'https://gw.example.com/v1?key=…&x=…');
  assert.equal(displayUrl('http://127.0.0.1:11434'), 'http://127.0.0.1:11434');
});

test('a ProviderError serialises with its message and facts, for records', () => {
  const e = new ProviderError('rate-limit', 'Model "gpt" is rate-limited (HTTP 429).', 'gpt', 429, 1000, {
    attempts: 3,
  });
  const json = JSON.parse(JSON.stringify(e));
  assert.equal(json.kind, 'rate-limit');
  assert.equal(json.message, 'Model "gpt" is rate-limited (HTTP 429).');
  assert.equal(json.status, 429);
  assert.equal(json.attempts, 3);
  assert.equal(json.partial, false);
  assert.equal(e.retryable, true);
  assert.equal(new ProviderError('server', 'x', 'm', 500, undefined, { noRetry: true }).retryable, false);
});

test('model-specific bad requests (fallback may help) versus our own mistakes', () => {
  const http = (status: number, message: string) => toProviderError({ type: 'http', status, body: { message } }, ctx);
  assert.ok(isModelSpecificBadRequest(http(404, 'The model `gpt-9` does not exist')));
  assert.ok(isModelSpecificBadRequest(http(413, 'Request exceeds the maximum allowed number of bytes.')));
  assert.ok(isModelSpecificBadRequest(http(400, 'prompt is too long: 210000 tokens > 200000 maximum')));
  assert.ok(isModelSpecificBadRequest(http(400, "This model's maximum context length is 128000 tokens.")));
  assert.ok(!isModelSpecificBadRequest(http(400, "Invalid type for 'messages[0].content'")));
  assert.ok(!isModelSpecificBadRequest(http(401, 'bad key')));
});

test('a wait stated only in words ("Please try again in 1.524s") is used when no header came', () => {
  assert.equal(parseDuration('1.524s'), 1524);
  assert.equal(parseDuration('20ms'), 20);
  assert.equal(parseDuration('6m0s'), 360_000);
  assert.equal(parseDuration('soon'), undefined);
  assert.equal(parseRetryHint('Rate limit reached ... Please try again in 1.524s. Visit ...'), 1524);
  assert.equal(parseRetryHint('Please try again in 6m0s.'), 360_000);
  assert.equal(parseRetryHint('no hint here'), undefined);
  const e = toProviderError({ type: 'http', status: 429, body: { message: 'Please try again in 250ms.' } }, ctx);
  assert.equal(e.retryAfterMs, 250);
  const h = toProviderError(
    { type: 'http', status: 429, headers: { 'retry-after': '2' }, body: { message: 'Please try again in 250ms.' } },
    ctx,
  );
  assert.equal(h.retryAfterMs, 2000, 'the header wins');
  const other = toProviderError({ type: 'http', status: 500, body: { message: 'Please try again in 250ms.' } }, ctx);
  assert.equal(other.retryAfterMs, undefined, 'only 429 bodies are read for a hint');
});

test('URLs inside messages lose their credentials and query values; ordinary links survive', () => {
  const msg =
    'Request cannot be constructed from a URL that includes credentials: http://admin:hunter2hunter2@127.0.0.1:9/v1/chat/completions. See https://platform.openai.com/docs/guides/error-codes.';
  const out = scrubSecrets(msg);
  assert.ok(!out.includes('hunter2'), out);
  assert.ok(!out.includes('admin:'), out);
  assert.match(out, /http:\/\/127\.0\.0\.1:9\/v1\/chat\/completions\. See/);
  assert.match(out, /https:\/\/platform\.openai\.com\/docs\/guides\/error-codes\.$/);
  assert.equal(
    scrubSecrets('GET https://gw.example/v1/models?key=AIzaSecret123 failed'),
    'GET https://gw.example/v1/models?key=… failed',
  );
});

test("other vendors' key shapes are scrubbed too", () => {
  const keys = [
    'AIzaSyA1b2C3d4E5f6G7h8I9j0KlMnOpQrStUvW',
    'gsk_abcdefghijklmnopqrstuvwxyz0123',
    'xai-abcdefghijklmnopqrstuvwxyz0123',
    'ghp_abcdefghijklmnopqrstuvwxyz0123456789',
  ];
  const out = scrubSecrets(`keys: ${keys.join(' , ')}`);
  for (const k of keys) assert.ok(!out.includes(k), `${k} survived: ${out}`);
  assert.equal(out.match(/\[redacted key\]/g)?.length, 4);
});
