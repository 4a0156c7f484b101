import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RoutingPolicySchema, type RoutingPolicyInput } from '../../../src/core/config/policySchema';
import { DEFAULT_POLICY } from '../../../src/core/config/defaultPolicy';
import { classify } from '../../../src/core/routing/classifier';
import { decide, type ModelAvailability } from '../../../src/core/routing/decide';
import { RoutingDecisionSchema } from '../../../src/core/routing/decisionSchema';
import { mentionedPaths } from '../../../src/core/routing/stagePlan';

const policy = (input: RoutingPolicyInput = DEFAULT_POLICY) => RoutingPolicySchema.parse(input);
const onlyVendors =
  (...vendors: string[]): ModelAvailability =>
  (spec) =>
    vendors.includes(spec.vendor) ? undefined : `no API key for ${spec.vendor}`;

test('a typo with a named file: one implementer pass plus a cross-vendor review', () => {
  const task = 'Fix typo in README.md';
  const d = decide(classify(task), policy(), undefined, { task, knownFiles: mentionedPaths(task).length });
  assert.deepEqual(
    d.stages.map((s) => s.stage),
    ['implementer', 'critic'],
  );
  assert.equal(d.producesEdits, true);
  assert.notEqual(d.stages[0]!.vendor, d.stages[1]!.vendor);
  assert.deepEqual(d.gates, []);
  assert.ok(RoutingDecisionSchema.safeParse(d).success);
});

test('a question gets one answering stage and no edits', () => {
  const d = decide(classify('How does the retry layer work?'), policy());
  assert.equal(d.producesEdits, false);
  assert.equal(d.stages.length, 1);
  assert.equal(d.stages[0]!.stage, 'architect');
  assert.deepEqual(d.gates, []);
});

test('a high-risk feature runs every stage, escalates to the final owner and gates before applying', () => {
  const d = decide(classify('Add OAuth login with refresh tokens'), policy(), undefined, { knownFiles: 2 });
  assert.deepEqual(
    d.stages.map((s) => s.stage),
    ['scout', 'architect', 'implementer', 'critic', 'finalOwner'],
  );
  const gate = d.gates.find((g) => g.code === 'risk');
  assert.ok(gate);
  assert.equal(gate.at, 'before-apply');
  assert.match(gate.reason, /authentication/);
  for (const s of d.stages) assert.ok(s.modelId, `${s.stage} has a model`);
});

test('the critic skips models of the implementer vendor and says why', () => {
  const d = decide(classify('Fix the crash in src/parser.ts'), policy(), undefined, { knownFiles: 1 });
  const impl = d.stages.find((s) => s.stage === 'implementer')!;
  const critic = d.stages.find((s) => s.stage === 'critic')!;
  assert.equal(impl.vendor, 'anthropic');
  assert.notEqual(critic.vendor, 'anthropic');
  assert.ok(critic.chain.every((m) => m.vendor !== 'anthropic'));
  const rej = critic.rejected.find((r) => r.code === 'vendor-rule');
  assert.ok(rej);
  assert.equal(rej.vendor, 'anthropic');
});

test('with only one vendor ready, no reviewer is chosen and a human gate says why', () => {
  const d = decide(classify('Fix the crash in src/parser.ts'), policy(), onlyVendors('anthropic'), { knownFiles: 1 });
  const critic = d.stages.find((s) => s.stage === 'critic')!;
  assert.equal(critic.modelId, undefined);
  const gate = d.gates.find((g) => g.code === 'no-cross-vendor-reviewer');
  assert.ok(gate);
  assert.match(gate.reason, /no reviewer from a vendor other than anthropic/);
  // Missing keys are named as the reason the other vendors were rejected.
  assert.ok(critic.rejected.some((r) => r.code === 'missing-key' && r.modelId === 'gpt-5'));
});

test('the cross-vendor rule can be turned off, and then says so', () => {
  const p = policy({ ...DEFAULT_POLICY, rules: { reviewerVendorMustDiffer: false } });
  const d = decide(classify('Fix the crash in src/parser.ts'), p, onlyVendors('anthropic'), { knownFiles: 1 });
  const critic = d.stages.find((s) => s.stage === 'critic')!;
  assert.equal(critic.vendor, 'anthropic');
  assert.match(critic.why, /cross-vendor rule is off/);
});

test('no implementer at all blocks the run before anything is sent', () => {
  const d = decide(classify('Fix the crash in src/parser.ts'), policy(), () => 'no key', { knownFiles: 1 });
  assert.ok(d.blockedReason);
  assert.match(d.blockedReason, /no model in stages\.implementer is ready/);
  assert.ok(d.gates.some((g) => g.code === 'no-implementer' && g.at === 'before-run'));
});

test('a model whose single pass is estimated over the per-stage budget is rejected for budget', () => {
  // zod 4's z.record over an enum wants every stage named (see report: z.partialRecord would fix it).
  const perStageUsd = { scout: 1, architect: 1, implementer: 0.05, critic: 1, finalOwner: 1 };
  const p = policy({ ...DEFAULT_POLICY, rules: { budgets: { perStageUsd } } });
  const d = decide(classify('Fix the crash in src/parser.ts'), p, undefined, { knownFiles: 1 });
  const impl = d.stages.find((s) => s.stage === 'implementer')!;
  // claude-sonnet: 10k in × $3 + 2.5k out × $15 = $0.0675 > $0.05; gpt-5: $0.0125 + $0.025 = $0.0375.
  assert.equal(impl.modelId, 'gpt-5');
  const rej = impl.rejected.find((r) => r.modelId === 'claude-sonnet');
  assert.equal(rej?.code, 'budget');
  assert.match(rej!.reason, /per-stage budget \$0\.05/);
  // The critic adapts to the new implementer vendor.
  assert.notEqual(d.stages.find((s) => s.stage === 'critic')!.vendor, 'openai');
});

test('an estimate over the per-task budget is a warning up front', () => {
  const p = policy({ ...DEFAULT_POLICY, rules: { budgets: { perTaskUsd: 0.08 } } });
  const d = decide(classify('Add OAuth login'), p, undefined, { knownFiles: 1 });
  assert.ok(d.warnings.some((w) => /over the per-task budget/.test(w)));
  assert.ok(d.estimatedCostUsd > 0.08);
});

test('the estimated cost is the sum of the stage estimates, from policy prices', () => {
  const d = decide(classify('Fix typo in README.md'), policy(), undefined, { knownFiles: 1 });
  const sum = d.stages.reduce((a, s) => a + s.estimate.costUsd, 0);
  assert.equal(d.estimatedCostUsd, sum);
  // claude-sonnet implementer: 10000 × 3/1e6 + 2500 × 15/1e6
  assert.ok(Math.abs(d.stages[0]!.estimate.costUsd - 0.0675) < 1e-9);
});

test('no file known: a scout finds the files first', () => {
  const d = decide(classify('Fix the crash when the list is empty'), policy(), undefined, { knownFiles: 0 });
  assert.equal(d.stages[0]!.stage, 'scout');
});

test('fallbacks stay in the chain in policy order and are listed as lower priority', () => {
  const d = decide(classify('Fix the crash in src/parser.ts'), policy(), undefined, { knownFiles: 1 });
  const impl = d.stages.find((s) => s.stage === 'implementer')!;
  assert.deepEqual(
    impl.chain.map((m) => m.modelId),
    ['claude-sonnet', 'gpt-5', 'gemini-pro'],
  );
  assert.deepEqual(
    impl.rejected.filter((r) => r.code === 'lower-priority').map((r) => r.modelId),
    ['gpt-5', 'gemini-pro'],
  );
});

test('mentionedPaths finds file names in the task and ignores versions and abbreviations', () => {
  assert.deepEqual(mentionedPaths('fix the typo in README.md and src/core/x.ts, e.g. the header; bump to 4.17.21'), [
    'README.md',
    'src/core/x.ts',
  ]);
});

test('prices: the policy price wins, then the built-in table; local servers are free; unknown models are flagged, not $0', () => {
  const p = policy({
    models: [
      { id: 'table', provider: 'openai', model: 'gpt-5', vendor: 'openai' },
      {
        id: 'local',
        provider: 'openai-compatible',
        model: 'qwen',
        vendor: 'alibaba',
        baseUrl: 'http://127.0.0.1:11434/v1',
      },
      { id: 'mystery', provider: 'anthropic', model: 'claude-unknown-9', vendor: 'anthropic' },
    ],
    stages: { implementer: ['table'], critic: ['mystery'] },
  });
  const d = decide(classify('Fix typo in README.md'), p, undefined, { knownFiles: 1 });
  assert.ok(d.stages[0]!.estimate.costUsd > 0, 'gpt-5 is in the built-in table');
  assert.equal(d.stages[1]!.estimate.costUsd, 0);
  assert.ok(d.warnings.some((w) => /no price known for mystery/.test(w)));
  const local = decide(
    classify('Fix typo in README.md'),
    policy({ ...p, stages: { implementer: ['local'], critic: ['table'] } }),
    undefined,
    { knownFiles: 1 },
  );
  assert.equal(local.stages[0]!.estimate.costUsd, 0);
  assert.ok(!local.warnings.some((w) => /no price known/.test(w)), 'a local server is free, not unpriced');
});

test('the final owner is the most independent ready model, then the strongest tier, then the policy order', () => {
  const p = policy({
    ...DEFAULT_POLICY,
    stages: { ...DEFAULT_POLICY.stages, finalOwner: ['claude-opus', 'gpt-5-mini', 'gpt-5', 'gemini-pro'] },
  });
  const d = decide(classify('Add OAuth login'), p, undefined, { knownFiles: 1 });
  // implementer claude-sonnet (anthropic), critic gpt-5: gemini-pro is independent and strong.
  assert.equal(d.stages.find((s) => s.stage === 'finalOwner')!.modelId, 'gemini-pro');
  const noGoogle = decide(classify('Add OAuth login'), p, (m) => (m.vendor === 'google' ? 'no key' : undefined), {
    knownFiles: 1,
  });
  const fo = noGoogle.stages.find((s) => s.stage === 'finalOwner')!;
  // gpt-5-mini is another vendor than the implementer and not the critic's model: independent beats tier.
  assert.equal(fo.modelId, 'gpt-5-mini');
  assert.match(fo.why, /placed ahead of claude-opus/);
});

test('a policy with only an implementer and a critic still answers questions (with the implementer chain)', () => {
  const p = policy({ ...DEFAULT_POLICY, stages: { implementer: ['claude-sonnet'], critic: ['gpt-5'] } });
  const q = decide(classify('Why does the build take so long?'), p);
  assert.deepEqual(
    q.stages.map((s) => [s.stage, s.modelId]),
    [['implementer', 'claude-sonnet']],
  );
  // High risk with no scout/architect/final owner chains: those stages are skipped with a warning, never invented.
  const h = decide(classify('Add OAuth login'), p, undefined, { knownFiles: 1 });
  assert.deepEqual(
    h.stages.filter((s) => s.modelId).map((s) => s.stage),
    ['implementer', 'critic'],
  );
  assert.ok(h.warnings.some((w) => /Scout skipped: stages\.scout lists no model/.test(w)));
  assert.ok(h.gates.some((g) => g.code === 'risk'));
});
