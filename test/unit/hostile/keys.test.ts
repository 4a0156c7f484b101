// Where a key may go when a repository's policy names the endpoint and the variable (issue 15, C1
// and H3). Each case builds the provider the way the CLI does — the key from envKeySource, handed to
// the real SDK through createProvider — with a fetch that records what would have left the machine,
// so "the key was not sent" is a claim about the request's headers, not about a helper's return value.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ModelSpec } from '../../../src/core/config/policySchema';
import { createProvider } from '../../../src/core/providers/createProvider';
import { envBaseUrl, envKeySource, isLoopbackHost } from '../../../src/core/providers/keys';
import { drain } from '../../support/providerFixtures';
import { sentinelKey } from './support';

const spec = (over: Partial<ModelSpec>): ModelSpec => ({
  id: 'repo-model',
  provider: 'openai',
  model: 'gpt-test',
  vendor: 'openai',
  capabilities: [],
  tier: 'standard',
  ...over,
});

/** A fetch that never touches the network: records the request and answers 401. */
function recordingFetch(): { fetch: typeof fetch; sent: Array<{ url: string; auth: string }> } {
  const sent: Array<{ url: string; auth: string }> = [];
  const fake = (async (input: string | URL | Request, init?: RequestInit) => {
    const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
    sent.push({
      url: String(input instanceof Request ? input.url : input),
      auth: `${headers.get('authorization') ?? ''} ${headers.get('x-api-key') ?? ''}`,
    });
    return new Response(JSON.stringify({ error: { message: 'no' } }), {
      status: 401,
      headers: { 'content-type': 'application/json' },
    });
  }) as typeof fetch;
  return { fetch: fake, sent };
}

/** What the CLI would send for this model with this environment: the auth headers that went out. */
async function sentAuth(s: ModelSpec, env: Record<string, string>): Promise<{ auth: string[]; withheld?: string }> {
  const keys = envKeySource(env);
  const rec = recordingFetch();
  const provider = createProvider(s, {
    apiKey: await keys.get(s),
    baseUrl: envBaseUrl(s, env),
    fetch: rec.fetch,
  });
  await drain(
    provider.stream({ system: 'test', messages: [{ role: 'user', content: 'hi' }], maxOutputTokens: 5 }),
  ).catch(() => undefined);
  return { auth: rec.sent.map((r) => r.auth), withheld: keys.withheld?.(s) };
}

const LOOK_ALIKES = [
  'http://127.evil.test:18080/v1',
  'http://127.0.0.1.nip.io:18080/v1',
  'http://127-0-0-1.evil.test/v1',
  'http://localhost.evil.test/v1',
  'http://127.0.0.1.evil.test/v1',
];

for (const baseUrl of LOOK_ALIKES) {
  test(`C1: a look-alike loopback host (${baseUrl}) never receives OPENAI_API_KEY`, async () => {
    const key = sentinelKey();
    const r = await sentAuth(spec({ baseUrl }), { OPENAI_API_KEY: key });
    assert.ok(
      r.auth.every((a) => !a.includes(key)),
      `the key went to ${baseUrl}: ${r.auth.join(' | ')}`,
    );
    assert.match(r.withheld ?? '', /only sent to its vendor's hosts/);
  });
}

test('C1: real loopback is only localhost, ::1 and a parsed IPv4 address in 127/8', () => {
  for (const h of ['localhost', '::1', '[::1]', '127.0.0.1', '127.1.2.3', '127.255.255.254'])
    assert.equal(isLoopbackHost(h), true, h);
  for (const h of ['127.evil.test', '127.0.0.1.nip.io', '127.0.0.1.', '1127.0.0.1', 'localhost.evil', '0.0.0.0', '::2'])
    assert.equal(isLoopbackHost(h), false, h);
  // The URL parser turns numeric spellings into dotted IPv4 first: 127.1 and 0x7f.1 are loopback.
  assert.equal(isLoopbackHost(new URL('http://0x7f.1/').hostname), true);
});

test('C1: a true loopback server still gets the key (local gateways keep working)', async () => {
  const key = sentinelKey();
  const r = await sentAuth(spec({ baseUrl: 'http://127.0.0.1:9/v1' }), { OPENAI_API_KEY: key });
  assert.ok(r.auth.some((a) => a.includes(key)));
});

for (const baseUrl of ['http://api.openai.com/v1', 'http://API.OpenAI.com:80/v1']) {
  test(`C1: no key over plain http to a vendor host (${baseUrl}), from the policy or the environment`, async () => {
    const key = sentinelKey();
    const fromPolicy = await sentAuth(spec({ baseUrl }), { OPENAI_API_KEY: key });
    assert.ok(
      fromPolicy.auth.every((a) => !a.includes(key)),
      fromPolicy.auth.join(' | '),
    );
    assert.match(fromPolicy.withheld ?? '', /plain http/);
    const fromEnv = await sentAuth(spec({}), { OPENAI_API_KEY: key, OPENAI_BASE_URL: baseUrl });
    assert.ok(
      fromEnv.auth.every((a) => !a.includes(key)),
      fromEnv.auth.join(' | '),
    );
  });
}

test('C1: https to the vendor host still carries the key', async () => {
  const key = sentinelKey();
  const r = await sentAuth(spec({ baseUrl: 'https://api.openai.com/v1' }), { OPENAI_API_KEY: key });
  assert.ok(r.auth.some((a) => a.includes(key)));
  assert.equal(r.withheld, undefined);
});

// H3: the variables a hostile policy named in the audit, each holding a sentinel.
const OTHER_SECRETS = [
  'STRIPE_SECRET_KEY',
  'SENDGRID_API_KEY',
  'GOOGLE_API_KEY',
  'HF_API_KEY',
  'DD_API_KEY',
  'SECRET_KEY',
  'PRIVATE_KEY',
  'JWT_SECRET_KEY',
];

for (const name of OTHER_SECRETS) {
  test(`H3: a repository policy's apiKeyEnv "${name}" is not sent to the host it names`, async () => {
    const key = sentinelKey();
    const s = spec({ provider: 'openai-compatible', apiKeyEnv: name, baseUrl: 'https://collector.example/v1' });
    const r = await sentAuth(s, { [name]: key });
    assert.ok(
      r.auth.every((a) => !a.includes(key)),
      `${name} reached the collector`,
    );
    assert.match(r.withheld ?? '', new RegExp(`${name}.*SWITCHYARD_KEY_ENV_ALLOW`));
  });
}

test('H3: a name the user allowed (SWITCHYARD_KEY_ENV_ALLOW) or a SWITCHYARD_*_KEY name is sent to the policy’s endpoint', async () => {
  const key = sentinelKey();
  const gateway = spec({
    provider: 'openai-compatible',
    apiKeyEnv: 'TEAM_GATEWAY_KEY',
    baseUrl: 'https://llm.example/v1',
  });
  const allowed = await sentAuth(gateway, {
    TEAM_GATEWAY_KEY: key,
    SWITCHYARD_KEY_ENV_ALLOW: 'OTHER_KEY, TEAM_GATEWAY_KEY',
  });
  assert.ok(allowed.auth.some((a) => a.includes(key)));
  const own = spec({
    provider: 'openai-compatible',
    apiKeyEnv: 'SWITCHYARD_GATEWAY_KEY',
    baseUrl: 'https://llm.example/v1',
  });
  const prefixed = await sentAuth(own, { SWITCHYARD_GATEWAY_KEY: key });
  assert.ok(prefixed.auth.some((a) => a.includes(key)));
});

test('H3: the vendor-host rule still holds for well-known names, even when the user allowed them', async () => {
  const key = sentinelKey();
  const s = spec({
    provider: 'openai-compatible',
    apiKeyEnv: 'OPENAI_API_KEY',
    baseUrl: 'https://collector.example/v1',
  });
  const r = await sentAuth(s, { OPENAI_API_KEY: key, SWITCHYARD_KEY_ENV_ALLOW: 'OPENAI_API_KEY' });
  assert.ok(r.auth.every((a) => !a.includes(key)));
  assert.match(r.withheld ?? '', /only sent to its vendor's hosts/);
});
