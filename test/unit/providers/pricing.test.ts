import { test } from 'node:test';
import assert from 'node:assert/strict';
import { builtInPrice, costUsd, isPriced, normaliseModelName, priceOf } from '../../../src/core/providers/pricing';
import type { ModelSpec } from '../../../src/core/config/policySchema';

const spec = (over: Partial<ModelSpec>): ModelSpec => ({
  id: 'm',
  provider: 'openai',
  model: 'gpt-5',
  vendor: 'openai',
  capabilities: [],
  tier: 'standard',
  ...over,
});

test('normalises gateway, dated and dotted model names to the table key', () => {
  assert.equal(normaliseModelName('anthropic/claude-sonnet-4.5'), 'claude-sonnet-4-5');
  assert.equal(normaliseModelName('claude-sonnet-4-5-20250929'), 'claude-sonnet-4-5');
  assert.equal(normaliseModelName('gpt-4.1-2025-04-14'), 'gpt-4-1');
  assert.equal(normaliseModelName('claude-3-5-haiku-latest'), 'claude-3-5-haiku');
  assert.equal(normaliseModelName('openai/gpt-5-mini:free'), 'gpt-5-mini');
});

test('costUsd uses the built-in table: usage → dollars', () => {
  // gpt-5: $1.25 in / $10 out per million
  assert.equal(costUsd(spec({}), { inputTokens: 1_000_000, outputTokens: 0 }), 1.25);
  assert.ok(
    Math.abs(costUsd(spec({}), { inputTokens: 2000, outputTokens: 500 }) - (2000 * 1.25 + 500 * 10) / 1e6) < 1e-12,
  );
  const sonnet = spec({ provider: 'anthropic', model: 'claude-sonnet-4-5', vendor: 'anthropic' });
  assert.ok(Math.abs(costUsd(sonnet, { inputTokens: 10_000, outputTokens: 1_000 }) - 0.045) < 1e-12);
  assert.equal(priceOf(sonnet)?.source, 'built-in');
});

test('the policy price overrides the table', () => {
  const s = spec({ price: { inputPerMTok: 2, outputPerMTok: 4 } });
  assert.equal(costUsd(s, { inputTokens: 500_000, outputTokens: 250_000 }), 2);
  assert.equal(priceOf(s)?.source, 'policy');
  assert.deepEqual(builtInPrice(s), { inputPerMTok: 1.25, outputPerMTok: 10 });
});

test('a local OpenAI-compatible server is free; an unknown hosted model is unpriced, not free', () => {
  const local = spec({
    provider: 'openai-compatible',
    model: 'llama3.1:8b',
    vendor: 'meta',
    baseUrl: 'http://localhost:11434/v1',
  });
  assert.equal(priceOf(local)?.source, 'local');
  assert.equal(costUsd(local, { inputTokens: 1e6, outputTokens: 1e6 }), 0);
  const unknown = spec({
    provider: 'openai-compatible',
    model: 'some-new-model',
    vendor: 'acme',
    baseUrl: 'https://gateway.example.com/v1',
  });
  assert.equal(isPriced(unknown), false);
  assert.equal(costUsd(unknown, { inputTokens: 1e6, outputTokens: 1e6 }), 0);
  assert.equal(builtInPrice(unknown), undefined);
});

test("exact matches only: an unlisted version does not inherit a neighbour's price", () => {
  assert.equal(isPriced(spec({ model: 'claude-opus-4-9', provider: 'anthropic' })), false);
  assert.equal(isPriced(spec({ model: 'gpt-5-mini' })), true);
  assert.notDeepEqual(builtInPrice(spec({ model: 'gpt-5-mini' })), builtInPrice(spec({ model: 'gpt-5' })));
});
