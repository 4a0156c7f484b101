// Re-run a stage with another model: the models that can run it come first, in the stage's own order;
// a model without its key, or a reviewer of the change author's vendor, is listed apart with the
// reason instead of being offered and then silently replaced.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RoutingPolicySchema } from '../../../src/core/config/policySchema';
import { rerunChoices } from '../../../src/vscode/commands/rerunChoices';

const policy = RoutingPolicySchema.parse({
  models: [
    { id: 'claude', provider: 'anthropic', model: 'c', vendor: 'anthropic' },
    { id: 'gemini', provider: 'openai-compatible', model: 'g', vendor: 'google', baseUrl: 'http://127.0.0.1:1/v1' },
    { id: 'gpt', provider: 'openai', model: 'g5', vendor: 'openai' },
    { id: 'haiku', provider: 'anthropic', model: 'h', vendor: 'anthropic' },
  ],
  stages: { implementer: ['claude'], critic: ['gpt', 'gemini', 'haiku'] },
});

test('a reviewer of the author’s vendor and a model without a key are not offered as ready', () => {
  const readiness = new Map<string, string | undefined>([
    ['claude', undefined],
    ['gemini', undefined],
    ['gpt', 'no OPENAI_API_KEY stored'],
    ['haiku', undefined],
  ]);
  const choices = rerunChoices('critic', policy, { implementerVendor: 'anthropic', readiness });
  assert.deepEqual(
    choices.map((c) => `${c.spec.id}: ${c.blocked ?? 'ready'}`),
    [
      'gemini: ready',
      'gpt: no OPENAI_API_KEY stored',
      "haiku: same vendor as the change's author (anthropic): a reviewer must be from another vendor",
      "claude: same vendor as the change's author (anthropic): a reviewer must be from another vendor",
    ],
  );
  // The implementer has no such rule: any ready model may write the change.
  const impl = rerunChoices('implementer', policy, { implementerVendor: 'anthropic', readiness });
  assert.deepEqual(
    impl.filter((c) => !c.blocked).map((c) => c.spec.id),
    ['claude', 'gemini', 'haiku'],
  );
});

test('a model the data-residency rules keep from the run’s files is listed apart, with the rule', () => {
  const ruled = RoutingPolicySchema.parse({
    ...policy,
    models: policy.models.map((m) => (m.id === 'gemini' ? { ...m, region: 'cn' } : m)),
    rules: { residency: [{ paths: ['src/payments/**'], denyRegions: ['cn'] }] },
  });
  const readiness = new Map<string, string | undefined>(ruled.models.map((m) => [m.id, undefined]));
  const on = (files: string[]) =>
    rerunChoices('critic', ruled, { implementerVendor: 'anthropic', readiness, files }).find(
      (c) => c.spec.id === 'gemini',
    )!.blocked;
  assert.equal(
    on(['src/payments/charge.ts']),
    'not allowed here: region cn not allowed for src/payments/** (rules.residency[0])',
  );
  assert.equal(on(['README.md']), undefined, 'other files: the rule does not apply');
});
