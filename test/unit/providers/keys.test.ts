import { test } from 'node:test';
import assert from 'node:assert/strict';
import { envBaseUrl, envKeySource, keyEnvFor } from '../../../src/core/providers/keys';
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

test('keyEnvFor: apiKeyEnv wins, else the provider default, else the gateway host', () => {
  assert.equal(keyEnvFor(spec({})), 'OPENAI_API_KEY');
  assert.equal(keyEnvFor(spec({ provider: 'anthropic' })), 'ANTHROPIC_API_KEY');
  assert.equal(keyEnvFor(spec({ apiKeyEnv: 'MY_KEY' })), 'MY_KEY');
  assert.equal(
    keyEnvFor(spec({ provider: 'openai-compatible', baseUrl: 'https://openrouter.ai/api/v1' })),
    'OPENROUTER_API_KEY',
  );
  assert.equal(keyEnvFor(spec({ provider: 'openai-compatible', baseUrl: 'http://localhost:11434/v1' })), undefined);
  assert.equal(keyEnvFor(spec({ provider: 'vscode-lm' })), undefined);
});

test('envKeySource reads the right variable and treats blank as missing', async () => {
  const keys = envKeySource({
    OPENAI_API_KEY: 'sk-openai',
    ANTHROPIC_API_KEY: '  ',
    OPENROUTER_API_KEY: 'sk-or',
    MY_KEY: 'custom',
  });
  assert.equal(await keys.get(spec({})), 'sk-openai');
  assert.equal(await keys.get(spec({ provider: 'anthropic' })), undefined);
  assert.equal(
    await keys.get(spec({ provider: 'openai-compatible', baseUrl: 'https://openrouter.ai/api/v1' })),
    'sk-or',
  );
  assert.equal(await keys.get(spec({ apiKeyEnv: 'MY_KEY' })), 'custom');
  assert.equal(await keys.get(spec({ provider: 'openai-compatible', baseUrl: 'http://127.0.0.1:1234/v1' })), undefined);
});

test('envBaseUrl: the policy baseUrl wins, then OPENAI_BASE_URL / ANTHROPIC_BASE_URL', () => {
  const env = { OPENAI_BASE_URL: 'http://127.0.0.1:9/v1', ANTHROPIC_BASE_URL: 'http://127.0.0.1:9' };
  assert.equal(envBaseUrl(spec({}), env), 'http://127.0.0.1:9/v1');
  assert.equal(envBaseUrl(spec({ provider: 'anthropic' }), env), 'http://127.0.0.1:9');
  assert.equal(envBaseUrl(spec({ baseUrl: 'https://proxy.example/v1' }), env), 'https://proxy.example/v1');
  assert.equal(envBaseUrl(spec({}), {}), undefined);
  assert.equal(envBaseUrl(spec({ provider: 'openai-compatible', baseUrl: undefined }), env), undefined);
});
