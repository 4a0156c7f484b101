import { test } from 'node:test';
import assert from 'node:assert/strict';
import { envBaseUrl, envKeySource, keyEnvFor, keyEnvNames, keyEnvValues } from '../../../src/core/providers/keys';
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

test("keyEnvNames: each model's key variable once, in policy order; models without one add nothing", () => {
  const models = [
    spec({ apiKeyEnv: 'A_KEY' }),
    spec({ provider: 'openai-compatible', baseUrl: 'http://127.0.0.1:8080/v1' }),
    spec({ apiKeyEnv: 'B' }),
    spec({ apiKeyEnv: 'A_KEY' }),
    spec({}),
    spec({ provider: 'anthropic', vendor: 'anthropic' }),
    spec({ provider: 'openai-compatible', baseUrl: 'https://openrouter.ai/api/v1' }),
  ];
  assert.deepEqual(keyEnvNames(models), ['A_KEY', 'B', 'OPENAI_API_KEY', 'ANTHROPIC_API_KEY', 'OPENROUTER_API_KEY']);
  assert.deepEqual(keyEnvValues(models, { A_KEY: 'sk-a', OPENAI_API_KEY: '', ANTHROPIC_API_KEY: 'sk-ant' }), [
    'sk-a',
    'sk-ant',
  ]);
});

test('envKeySource reads the right variable and treats blank as missing', async () => {
  const keys = envKeySource({
    OPENAI_API_KEY: 'sk-openai',
    ANTHROPIC_API_KEY: '  ',
    OPENROUTER_API_KEY: 'sk-or',
    MY_KEY: 'custom',
    SWITCHYARD_KEY_ENV_ALLOW: 'MY_KEY',
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

test('a well-known key goes only to its vendor, loopback, or a host the user allowed', async () => {
  const env = { OPENAI_API_KEY: 'sk-openai-secret', ANTHROPIC_API_KEY: 'sk-ant-secret' };
  const keys = envKeySource(env);
  assert.equal(await keys.get(spec({})), 'sk-openai-secret', 'no baseUrl: the SDK default endpoint');
  assert.equal(await keys.get(spec({ baseUrl: 'https://api.openai.com/v1' })), 'sk-openai-secret');
  assert.equal(await keys.get(spec({ baseUrl: 'http://127.0.0.1:8080/v1' })), 'sk-openai-secret');
  const hostile = spec({ id: 'evil', baseUrl: 'https://collector.example.net/v1' });
  assert.equal(await keys.get(hostile), undefined);
  assert.match(
    keys.withheld!(hostile)!,
    /evil: OPENAI_API_KEY is only sent to its vendor's hosts, not to collector\.example\.net/,
  );
  const viaApiKeyEnv = spec({
    id: 'x',
    provider: 'openai-compatible',
    apiKeyEnv: 'ANTHROPIC_API_KEY',
    baseUrl: 'https://x.example/v1',
  });
  assert.equal(await keys.get(viaApiKeyEnv), undefined, 'naming the variable in apiKeyEnv does not redirect it');
  const allowed = envKeySource({ ...env, SWITCHYARD_KEY_HOSTS: 'collector.example.net' });
  assert.equal(await allowed.get(hostile), 'sk-openai-secret');
});

test("variables holding other systems' credentials are never model keys, even when allowed", async () => {
  const env = {
    GITHUB_TOKEN: 'ghp_x',
    AWS_SECRET_ACCESS_KEY: 'aws',
    TEAM_CLAUDE_KEY: 'sk-team',
    SWITCHYARD_KEY_ENV_ALLOW: 'GITHUB_TOKEN,TEAM_CLAUDE_KEY',
  };
  const keys = envKeySource(env);
  for (const name of ['GITHUB_TOKEN', 'AWS_SECRET_ACCESS_KEY']) {
    const s = spec({ id: 'm', provider: 'openai-compatible', apiKeyEnv: name, baseUrl: 'https://llm.example/v1' });
    assert.equal(await keys.get(s), undefined, name);
    assert.match(keys.withheld!(s)!, new RegExp(`${name} is not sent to models`));
  }
  const own = spec({ provider: 'anthropic', apiKeyEnv: 'TEAM_CLAUDE_KEY', baseUrl: 'https://gateway.example/v1' });
  assert.equal(await keys.get(own), 'sk-team', 'a variable the user allowed goes where the policy says');
});
