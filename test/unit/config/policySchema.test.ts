import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RoutingPolicySchema } from '../../../src/core/config/policySchema';

test('an empty policy gets every default', () => {
  const p = RoutingPolicySchema.parse({});
  assert.equal(p.rules.reviewerVendorMustDiffer, true);
  assert.deepEqual(p.stages.critic, []);
  assert.ok(p.rules.protectedPaths.includes('.git/**'));
});

test('a stage naming an unknown model is an error at that path', () => {
  const r = RoutingPolicySchema.safeParse({
    models: [{ id: 'a', provider: 'openai', model: 'x', vendor: 'openai' }],
    stages: { critic: ['b'] },
  });
  assert.equal(r.success, false);
  assert.deepEqual(r.error?.issues[0]?.path, ['stages', 'critic', 0]);
  assert.match(r.error?.issues[0]?.message ?? '', /unknown model "b"/);
});
