import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createProvider } from '../../../src/core/providers/createProvider';
import { ProviderError, type Provider } from '../../../src/core/providers/types';
import type { ModelSpec } from '../../../src/core/config/policySchema';
import { drain } from '../../support/providerFixtures';

const spec = (over: Partial<ModelSpec>): ModelSpec => ({
  id: 'm',
  provider: 'openai',
  model: 'gpt-5',
  vendor: 'openai',
  capabilities: [],
  tier: 'standard',
  ...over,
});
const request = { system: '', messages: [{ role: 'user' as const, content: 'x' }] };

test('each provider kind builds the right client and keeps the policy id and vendor', () => {
  const a = createProvider(spec({ id: 'gpt' }), { apiKey: 'sk-a-123456789' });
  const b = createProvider(
    spec({ id: 'claude', provider: 'anthropic', vendor: 'anthropic', model: 'claude-haiku-4-5' }),
    {
      apiKey: 'sk-ant-123456789',
    },
  );
  const c = createProvider(
    spec({ id: 'llama', provider: 'openai-compatible', vendor: 'meta', baseUrl: 'http://localhost:11434/v1' }),
  );
  assert.deepEqual(
    [a, b, c].map((p) => [p.modelId, p.vendor]),
    [
      ['gpt', 'openai'],
      ['claude', 'anthropic'],
      ['llama', 'meta'],
    ],
  );
});

test('vscode-lm models need the extension host factory; without it the error says why', () => {
  assert.throws(
    () => createProvider(spec({ id: 'copilot', provider: 'vscode-lm', vendor: 'openai' })),
    (e: unknown) =>
      e instanceof ProviderError && e.kind === 'bad-request' && /only the extension can call/.test(e.message),
  );
  const fake: Provider = { modelId: 'copilot', vendor: 'openai', stream: async function* () {} };
  assert.equal(createProvider(spec({ id: 'copilot', provider: 'vscode-lm' }), { vscodeLm: () => fake }), fake);
});

test('missing keys are reported before any request, naming where to set them', async () => {
  const openai = await drain(createProvider(spec({ id: 'gpt' })).stream(request));
  const claude = await drain(
    createProvider(
      spec({ id: 'claude', provider: 'anthropic', vendor: 'anthropic', apiKeyEnv: 'TEAM_CLAUDE_KEY' }),
    ).stream(request),
  );
  const custom = await drain(
    createProvider(spec({ id: 'gpt' }), { keyHint: 'the key in Settings › Switchyard' }).stream(request),
  );
  for (const [r, hint] of [
    [openai, /OPENAI_API_KEY/],
    [claude, /TEAM_CLAUDE_KEY/],
    [custom, /the key in Settings › Switchyard/],
  ] as const) {
    assert.ok(r.error instanceof ProviderError);
    assert.equal(r.error.kind, 'auth');
    assert.match(r.error.message, hint);
  }
});

test('a key that cannot be sent is an auth error naming the model, not a network error', async () => {
  for (const apiKey of ['ключ-секрет-123', '“sk-quoted-key-123”', '   ']) {
    const { error } = await drain(
      createProvider(spec({ id: 'gpt', baseUrl: 'http://127.0.0.1:9/v1' }), { apiKey }).stream(request),
    );
    assert.ok(error instanceof ProviderError);
    assert.equal(error.kind, 'auth');
    assert.match(error.message, /The API key for model "gpt" (contains characters|is empty)/);
    assert.ok(!error.message.includes(apiKey.trim()) || apiKey.trim() === '');
  }
});
