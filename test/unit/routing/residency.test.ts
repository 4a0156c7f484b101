// Data residency where models are chosen: the decision keeps out every model a rule forbids for
// this task's stages and files, names the rule that did it, stops the run before any call when a
// stage is left with nobody, and `explain` shows the rules that shaped the decision.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_POLICY } from '../../../src/core/config/defaultPolicy';
import { RoutingPolicySchema, type RoutingPolicyInput } from '../../../src/core/config/policySchema';
import { classify } from '../../../src/core/routing/classifier';
import { decide } from '../../../src/core/routing/decide';
import { RoutingDecisionSchema } from '../../../src/core/routing/decisionSchema';
import { explainDecision } from '../../../src/core/routing/explainDecision';
import { residencyViolations } from '../../../src/core/residency/residencyRules';

const DEEPSEEK = {
  id: 'deepseek-coder',
  provider: 'openai-compatible' as const,
  model: 'deepseek-coder',
  vendor: 'deepseek',
  baseUrl: 'https://api.deepseek.com/v1',
  region: 'cn',
  price: { inputPerMTok: 0.27, outputPerMTok: 1.1 },
};

function policy(rules: NonNullable<RoutingPolicyInput['rules']>['residency'], extra: Partial<RoutingPolicyInput> = {}) {
  return RoutingPolicySchema.parse({
    ...DEFAULT_POLICY,
    models: [...DEFAULT_POLICY.models!, DEEPSEEK],
    vendors: { openai: { region: 'us' }, anthropic: { region: 'us' }, google: { region: 'us' } },
    stages: {
      ...DEFAULT_POLICY.stages,
      scout: ['deepseek-coder', 'claude-haiku'],
      implementer: ['deepseek-coder', 'claude-sonnet', 'gpt-5'],
      critic: ['deepseek-coder', 'gpt-5', 'gemini-pro'],
    },
    rules: { residency: rules },
    ...extra,
  });
}

const PAYMENTS_EU_US = [{ paths: ['src/payments/**'], denyRegions: ['cn'] }];

function decideFor(task: string, files: string[], p = policy(PAYMENTS_EU_US)) {
  return decide(classify(task, { filePaths: files }), p, undefined, { task, knownFiles: files.length, files });
}

test('a path rule keeps a region away from the files it names, saying which rule did it', () => {
  const d = decideFor('Fix the rounding bug in src/payments/charge.ts', ['src/payments/charge.ts']);
  assert.ok(RoutingDecisionSchema.safeParse(d).success);
  const impl = d.stages.find((s) => s.stage === 'implementer')!;
  assert.equal(impl.modelId, 'claude-sonnet');
  const rej = impl.rejected.find((r) => r.modelId === 'deepseek-coder')!;
  assert.equal(rej.code, 'residency');
  assert.equal(rej.rule, 'rules.residency[0]');
  assert.equal(rej.reason, 'region cn not allowed for src/payments/** (rules.residency[0])');
  // Nowhere in the decision does the cn model own a stage, nor stand as a fallback.
  for (const s of d.stages) assert.ok(!s.chain.some((m) => m.modelId === 'deepseek-coder'), `${s.stage} chain`);
  assert.equal(d.blockedReason, undefined);
  const applied = d.residency![0]!;
  assert.equal(applied.applies, true);
  assert.deepEqual(applied.files, ['src/payments/charge.ts']);
  assert.ok(applied.excluded.some((x) => x.stage === 'implementer' && x.modelId === 'deepseek-coder'));
});

test('the same rule leaves work on other files alone', () => {
  const d = decideFor('Fix the typo in README.md', ['README.md']);
  assert.equal(d.stages.find((s) => s.stage === 'implementer')!.modelId, 'deepseek-coder');
  assert.equal(d.residency![0]!.applies, false);
  assert.deepEqual(d.residency![0]!.excluded, []);
});

test('globs match normalised workspace-relative paths, dotfiles and nested folders included', () => {
  const p = policy(PAYMENTS_EU_US);
  const ds = p.models.find((m) => m.id === 'deepseek-coder')!;
  for (const f of ['src/payments/a/b/c.ts', 'src/payments/.env.example'])
    assert.equal(residencyViolations(p, 'implementer', ds, [f]).length, 1, f);
  for (const f of ['src/paymentsx/a.ts', 'src/payment.ts', 'lib/src/payments/a.ts'])
    assert.equal(residencyViolations(p, 'implementer', ds, [f]).length, 0, f);
});

test('a stage rule applies to that stage only; a global rule to every stage', () => {
  const p = policy([{ stages: ['scout'], denyVendors: ['deepseek'] }]);
  const d = decideFor('Something is wrong with checkout totals', [], p);
  const scout = d.stages.find((s) => s.stage === 'scout')!;
  assert.equal(scout.modelId, 'claude-haiku');
  assert.match(scout.rejected[0]!.reason, /^vendor deepseek not allowed for the scout \(rules\.residency\[0\]\)$/);
  assert.equal(d.stages.find((s) => s.stage === 'implementer')!.modelId, 'deepseek-coder');

  const g = decideFor('Fix the typo in README.md', ['README.md'], policy([{ allowRegions: ['us'] }]));
  for (const s of g.stages) assert.notEqual(s.modelId, 'deepseek-coder');
  assert.match(
    g.stages[0]!.rejected.find((r) => r.modelId === 'deepseek-coder')!.reason,
    /region cn not allowed for any work/,
  );
});

test('unknown facts fail closed: a region rule rejects a model whose region nobody declared', () => {
  const p = policy([{ paths: ['src/payments/**'], allowRegions: ['us'] }], { vendors: {} });
  const d = decideFor('Fix the rounding bug in src/payments/charge.ts', ['src/payments/charge.ts'], p);
  const impl = d.stages.find((s) => s.stage === 'implementer')!;
  assert.equal(impl.modelId, undefined);
  assert.match(impl.rejected[1]!.reason, /a model with no declared region \(claude-sonnet\) not allowed/);
});

test("a vendor's facts hold for its models; a model's own facts override them", () => {
  const p = policy([{ requireRetention: ['none'] }], {
    vendors: { anthropic: { region: 'us', retention: 'none' }, openai: { region: 'us', retention: '30d' } },
  });
  const d = decideFor('Fix the typo in README.md', ['README.md'], p);
  const impl = d.stages.find((s) => s.stage === 'implementer')!;
  assert.equal(impl.modelId, 'claude-sonnet');
  assert.ok(impl.rejected.some((r) => r.modelId === 'gpt-5' && /retention 30d not allowed/.test(r.reason)));
  assert.ok(impl.rejected.some((r) => r.modelId === 'deepseek-coder' && /no declared retention/.test(r.reason)));
});

test('a stage left with no model stops the run before any call, naming the rule', () => {
  const p = policy([{ paths: ['src/payments/**'], allowRegions: ['eu'] }]);
  const d = decideFor('Fix the rounding bug in src/payments/charge.ts', ['src/payments/charge.ts'], p);
  assert.ok(d.blockedReason);
  assert.match(
    d.blockedReason,
    /Data residency leaves no model for the implementer \(files: src\/payments\/charge\.ts\)/,
  );
  assert.match(
    d.blockedReason,
    /claude-sonnet: region us not allowed for src\/payments\/\*\* \(rules\.residency\[0\]\)/,
  );
  const gate = d.gates.find((g) => g.code === 'residency')!;
  assert.equal(gate.at, 'before-run');
});

test('a critic the rule forbids is passed over for an allowed one of another vendor; none left stops the run', () => {
  // Implementer anthropic; critics: deepseek (cn, forbidden), gpt-5 (us, allowed, other vendor).
  const d = decideFor('Fix the rounding bug in src/payments/charge.ts', ['src/payments/charge.ts']);
  const critic = d.stages.find((s) => s.stage === 'critic')!;
  assert.equal(critic.modelId, 'gpt-5');
  assert.ok(critic.rejected.some((r) => r.modelId === 'deepseek-coder' && r.code === 'residency'));

  // Only an anthropic model left allowed to review an anthropic implementer's diff: stop, don't self-review.
  const p = policy([{ paths: ['src/payments/**'], denyVendors: ['deepseek', 'openai', 'google'] }]);
  const blocked = decideFor('Fix the rounding bug in src/payments/charge.ts', ['src/payments/charge.ts'], p);
  assert.match(blocked.blockedReason ?? '', /no model for the critic/);
  assert.ok(!blocked.gates.some((g) => g.code === 'no-cross-vendor-reviewer'));
});

test('explain shows the rules that shaped the decision and each rejection with its rule', () => {
  const p = policy([...PAYMENTS_EU_US, { paths: ['infra/**'], allowRegions: ['eu'] }]);
  const d = decideFor('Fix the rounding bug in src/payments/charge.ts', ['src/payments/charge.ts'], p);
  const text = explainDecision(d);
  assert.match(
    text,
    /rejected deepseek-coder \(deepseek\): residency — region cn not allowed for src\/payments\/\*\* \(rules\.residency\[0\]\)/,
  );
  assert.match(text, /Data residency \(the rules that shape which models may see this work\):/);
  assert.match(
    text,
    /- rules\.residency\[0\]: src\/payments\/\*\*: not regions cn — applies to src\/payments\/charge\.ts; kept deepseek-coder from the scout, implementer, critic/,
  );
  assert.match(
    text,
    /- rules\.residency\[1\]: infra\/\*\*: regions eu only — does not apply to the files known so far/,
  );
});

test('files the locator ranks weigh on the choice: a model a path rule forbids for them is passed over, naming them', () => {
  const task = 'Round the charge total to cents';
  const d = decide(classify(task), policy(PAYMENTS_EU_US), undefined, {
    task,
    files: [],
    likelyFiles: ['src/payments/charge.ts', 'src/cart.ts'],
  });
  const impl = d.stages.find((s) => s.stage === 'implementer')!;
  assert.equal(impl.modelId, 'claude-sonnet');
  const rej = impl.rejected.find((r) => r.modelId === 'deepseek-coder')!;
  assert.equal(rej.code, 'residency');
  assert.equal(rej.rule, 'rules.residency[0]');
  assert.equal(
    rej.reason,
    'region cn not allowed for src/payments/** (rules.residency[0]); the locator ranks src/payments/charge.ts for this task',
  );
  assert.equal(d.blockedReason, undefined);
  // Likely files are a guess: they shape the choice, but are not "the files of this task" that every call carries.
  assert.equal(d.files, undefined);
  assert.deepEqual(d.residency![0]!.files, ['src/payments/charge.ts']);
});

test('when every model of a stage is forbidden for a likely file, the chain stands and a warning says reading it stops the run', () => {
  const task = 'Round the charge total to cents';
  const p = policy([{ paths: ['src/payments/**'], allowRegions: ['eu'] }]);
  const d = decide(classify(task), p, undefined, { task, files: [], likelyFiles: ['src/payments/charge.ts'] });
  assert.equal(d.blockedReason, undefined);
  const impl = d.stages.find((s) => s.stage === 'implementer')!;
  assert.equal(impl.modelId, 'deepseek-coder');
  assert.ok(
    d.warnings.some((w) =>
      /^Implementer: the locator ranks src\/payments\/charge\.ts for this task and rules\.residency\[0\] forbids every model of this stage for it; if the role reads it, the run stops then$/.test(
        w,
      ),
    ),
    d.warnings.join('\n'),
  );
  // Named, the same file blocks the run before any call.
  const named = decide(classify(task), p, undefined, { task, files: ['src/payments/charge.ts'] });
  assert.match(named.blockedReason ?? '', /rules\.residency\[0\]/);
});
