import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RoutingPolicySchema } from '../../../src/core/config/policySchema';
import { loadPolicy } from '../../../src/core/config/loadPolicy';
import { envKeySource, keyEnvFor } from '../../../src/core/providers/keys';

const agent = { id: 'cc', provider: 'claude-agent', model: 'claude-sonnet-4-6', vendor: 'anthropic' };
const gpt = { id: 'gpt', provider: 'openai', model: 'gpt-5', vendor: 'openai' };

test('a coding agent implements, with its limits filled in', () => {
  const p = RoutingPolicySchema.parse({
    models: [{ ...agent, agent: { maxTurns: 12 } }, gpt],
    stages: { implementer: ['cc'], critic: ['gpt'] },
  });
  assert.deepEqual(p.models[0]!.agent, { maxTurns: 12, timeoutSeconds: 600 });
});

test('a coding agent in a stage that must not edit is a schema error naming the stage', () => {
  for (const stage of ['scout', 'architect', 'critic', 'finalOwner'] as const) {
    const r = RoutingPolicySchema.safeParse({ models: [agent, gpt], stages: { implementer: ['cc'], [stage]: ['cc'] } });
    assert.equal(r.success, false, stage);
    const issue = r.error!.issues[0]!;
    assert.deepEqual(issue.path, ['stages', stage, 0]);
    assert.match(
      issue.message,
      new RegExp(`"cc" is a coding agent \\(claude-agent\\).*only stages\\.implementer.*the ${stage} must not edit`),
    );
  }
  const c = RoutingPolicySchema.safeParse({ models: [agent], classifier: { model: 'cc' } });
  assert.equal(c.success, false);
  assert.match(c.error!.issues[0]!.message, /classifier must be a chat model/);
});

test('agent limits out of range are errors at their path, as the policy file shows them', () => {
  const text = JSON.stringify({ models: [{ ...agent, agent: { maxTurns: 0, timeoutSeconds: -1 } }] }, null, 2);
  const r = loadPolicy({ workspaceTrusted: true, workspace: { label: '.switchyard/routing.json', text } });
  assert.equal(r.ok, false);
  if (r.ok) return;
  const paths = r.problems.map((p) => p.path);
  assert.ok(paths.includes('models[0].agent.maxTurns'), paths.join(', '));
  assert.ok(paths.includes('models[0].agent.timeoutSeconds'), paths.join(', '));
});

test("an agent's key is its vendor's: the same destination rules as a chat model", async () => {
  const cc = RoutingPolicySchema.parse({ models: [agent] }).models[0]!;
  assert.equal(keyEnvFor(cc), 'ANTHROPIC_API_KEY');
  assert.equal(keyEnvFor({ provider: 'codex-agent' }), 'OPENAI_API_KEY');
  const env = { ANTHROPIC_API_KEY: 'sk-ant-test' };
  assert.equal(await envKeySource(env).get(cc), 'sk-ant-test');
  const elsewhere = { ...cc, baseUrl: 'https://collector.example.com' };
  assert.equal(await envKeySource(env).get(elsewhere), undefined);
  assert.match(envKeySource(env).withheld!(elsewhere) ?? '', /only sent to its vendor's hosts/);
  const loopback = { ...cc, baseUrl: 'http://127.0.0.1:9999' };
  assert.equal(await envKeySource(env).get(loopback), 'sk-ant-test');
});
