// Data residency end to end: runTask with real SDK providers over HTTP to the loopback server, whose
// request log holds every byte each model was sent. A policy that forbids region cn for
// src/payments/** must keep that file's contents away from the cn model whether the file is named
// up front, found by the scout, quoted in an edit problem or part of the diff to review — by
// routing to an allowed model, or by stopping with the rule named.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { RoutingPolicySchema, type RoutingPolicyInput } from '../../../src/core/config/policySchema';
import { RunRecordSchema } from '../../../src/core/ledger/runRecordSchema';
import { createProvider } from '../../../src/core/providers/createProvider';
import { reviewDiff } from '../../../src/core/pipeline/reviewDiff';
import type { LoopbackServer } from '../../support/loopbackServer';
import { approve, json, KEY, roleOf, searchReplace, startHarness, testPolicy, type Harness } from './harness';

const SECRET = 'PAYMENTS-SECRET-7f3a';
const FEE_LINE = `export const FEE = 0.029; // ${SECRET}`;
const CHARGE = `${FEE_LINE}\nexport function charge(cents: number) {\n  return Math.round(cents * (1 + FEE));\n}\n`;
const FEE_EDIT = () => searchReplace('src/payments/charge.ts', FEE_LINE, FEE_LINE.replace('0.029', '0.03'));
const README = '# Shop\n\nThis projcet sells things.\n';

/** The harness's models (anthropic sonnet/haiku, openai gpt, all region us) plus a cn model on the same server. */
function residencyPolicy(server: LoopbackServer, stages: RoutingPolicyInput['stages'], rules?: unknown[]) {
  const base = testPolicy(server);
  return RoutingPolicySchema.parse({
    ...base,
    models: [
      ...base.models,
      {
        id: 'ds',
        provider: 'openai-compatible',
        model: 'deepseek-test',
        vendor: 'deepseek',
        baseUrl: server.openaiBaseUrl,
        region: 'cn',
        price: { inputPerMTok: 0.27, outputPerMTok: 1.1 },
      },
    ],
    vendors: { anthropic: { region: 'us' }, openai: { region: 'us' } },
    stages: { ...base.stages, ...stages },
    rules: { ...base.rules, residency: rules ?? [{ paths: ['src/payments/**'], denyRegions: ['cn'] }] },
  });
}

/** Replies for every stage of a high-risk run: the scout finds the payments file, the plan touches it, the implementer edits it, reviewers approve. */
function scriptHighRisk(h: Harness): void {
  h.queues.scout.push(json({ relevantFiles: [{ path: 'src/payments/charge.ts', why: 'the fee' }], facts: [] }));
  h.queues.architect.push(
    json({ summary: 'raise the fee', steps: ['edit FEE'], filesToTouch: ['src/payments/charge.ts'], risks: [] }),
  );
  h.queues.implementer.push(FEE_EDIT());
  h.queues.critic.push(approve());
  h.queues.finalOwner.push(approve());
}

/** Shares no word with the payments file, so the locator does not rank it up front: only the scout finds it, at run time. */
const RUNTIME_ONLY_TASK = 'The amount taken at checkout is too low; raise it to three percent';

const toCn = (h: Harness) => h.server.requests.filter((r) => r.model === 'deepseek-test');
const carriesSecret = (h: Harness) => h.server.requests.filter((r) => r.rawBody.includes(SECRET));

test('a file the task names never reaches a model of a forbidden region: the decision routes around it', async () => {
  const h = await startHarness({ 'src/payments/charge.ts': CHARGE, 'README.md': README });
  try {
    const policy = residencyPolicy(h.server, { implementer: ['ds', 'sonnet'], critic: ['ds', 'gpt'] });
    // Payments work is high risk: every stage runs.
    scriptHighRisk(h);
    const r = await h.run('Change the fee constant in src/payments/charge.ts to 0.03', { policy });
    assert.equal(r.outcome, 'applied', r.message);
    assert.equal(toCn(h).length, 0, 'the cn model was never called');
    assert.ok(carriesSecret(h).length >= 2, 'the file did go to the allowed implementer and critic');
    assert.deepEqual(
      carriesSecret(h).map((q) => q.model),
      h.server.requests.map((q) => q.model).filter((m) => m !== 'deepseek-test'),
    );
    const impl = r.decision.stages.find((s) => s.stage === 'implementer')!;
    assert.equal(impl.modelId, 'sonnet');
    assert.equal(impl.rejected[0]!.reason, 'region cn not allowed for src/payments/** (rules.residency[0])');
    // The record keeps which rules applied and whom they kept out.
    assert.ok(RunRecordSchema.safeParse(r.record).success);
    assert.deepEqual(r.record.residency?.rules, [
      {
        rule: 'rules.residency[0]',
        summary: 'src/payments/**: not regions cn',
        applied: true,
        files: ['src/payments/charge.ts'],
      },
    ]);
    assert.deepEqual(
      r.record.residency?.excluded.map((x) => `${x.stage}:${x.modelId}:${x.at}`),
      ['implementer:ds:decision', 'critic:ds:decision'],
    );
  } finally {
    await h.close();
  }
});

test('a file the locator ranks for the task keeps the cn model out of the stages from the start, naming the file', async () => {
  const h = await startHarness({ 'src/payments/charge.ts': CHARGE, 'README.md': README });
  try {
    const policy = residencyPolicy(h.server, {
      scout: ['ds', 'haiku'],
      architect: ['ds', 'gpt'],
      implementer: ['ds', 'sonnet'],
      critic: ['ds', 'gpt'],
      finalOwner: ['ds', 'gpt'],
    });
    scriptHighRisk(h);
    // Nobody names the file; the task's words (fee, charged) lead the locator to it.
    const r = await h.run('The card fee charged at checkout is too low; raise it to three percent', { policy });
    assert.equal(r.outcome, 'applied', r.message);
    assert.equal(toCn(h).length, 0, 'the cn model was never called, not even as the scout');
    const scout = r.decision.stages.find((s) => s.stage === 'scout')!;
    assert.equal(scout.modelId, 'haiku');
    assert.equal(
      scout.rejected.find((x) => x.modelId === 'ds')?.reason,
      'region cn not allowed for src/payments/** (rules.residency[0]); the locator ranks src/payments/charge.ts for this task',
    );
    assert.equal(r.decision.residency?.[0]?.applies, true);
  } finally {
    await h.close();
  }
});

test('a file the scout finds at run time is kept from the cn model in every later stage', async () => {
  const h = await startHarness({ 'src/payments/charge.ts': CHARGE, 'README.md': README });
  try {
    const policy = residencyPolicy(h.server, {
      scout: ['ds'],
      architect: ['ds', 'gpt'],
      implementer: ['ds', 'sonnet'],
      critic: ['ds', 'gpt'],
      finalOwner: ['ds', 'gpt'],
    });
    scriptHighRisk(h);
    const r = await h.run(RUNTIME_ONLY_TASK, { policy });
    assert.equal(r.outcome, 'applied', r.message);
    // The scout saw no payments file and was allowed; nothing after it went to the cn model.
    assert.deepEqual(
      toCn(h).map((q) => roleOf(q)),
      ['scout'],
    );
    assert.equal(toCn(h).filter((q) => q.rawBody.includes(SECRET)).length, 0);
    assert.ok(carriesSecret(h).length >= 3);
    const started = h.events.filter((e) => e.type === 'stage-started');
    const architect = started.find((e) => e.type === 'stage-started' && e.snapshot.stage === 'architect');
    assert.ok(architect && architect.type === 'stage-started');
    assert.equal(architect.snapshot.modelId, 'gpt');
    assert.match(
      architect.snapshot.why,
      /data residency: ds may not see this work \(region cn not allowed for src\/payments\/\*\*/,
    );
    assert.ok(architect.snapshot.rejected.some((x) => x.code === 'residency' && x.rule === 'rules.residency[0]'));
    assert.deepEqual(
      r.record.residency?.excluded.filter((x) => x.at === 'run').map((x) => x.stage),
      ['architect', 'implementer', 'critic', 'finalOwner'].filter((s) => r.record.stages.some((x) => x.stage === s)),
    );
    assert.equal(
      r.record.residency?.rules[0]!.applied,
      true,
      'a rule that applied only at run time is recorded as applied',
    );
  } finally {
    await h.close();
  }
});

test("a file a tool hands the scout counts as read: the scout's next call goes to an allowed model", async () => {
  const h = await startHarness({ 'src/payments/charge.ts': CHARGE, 'README.md': README });
  try {
    const policy = residencyPolicy(h.server, { scout: ['ds', 'gpt'] });
    for (const m of policy.models) m.capabilities = ['tools'];
    // The cn model searches and the matching line comes from the payments file: that result may
    // only go to a model the rule allows, so the search's answer is sent to gpt, never to ds.
    h.queues.scout.push(
      { toolCalls: [{ id: 'call_1', name: 'search', arguments: { pattern: 'FEE' } }] },
      {
        toolCalls: [
          {
            id: 'call_2',
            name: 'submit_findings',
            arguments: { relevantFiles: [{ path: 'src/payments/charge.ts', why: 'the fee' }], facts: [] },
          },
        ],
      },
    );
    h.queues.architect.push(
      json({ summary: 'raise the fee', steps: ['edit FEE'], filesToTouch: ['src/payments/charge.ts'], risks: [] }),
    );
    h.queues.implementer.push(FEE_EDIT());
    h.queues.critic.push(approve());
    h.queues.finalOwner.push(approve());
    const r = await h.run(RUNTIME_ONLY_TASK, { policy });
    assert.equal(r.outcome, 'applied', r.message);
    assert.deepEqual(
      toCn(h).map((q) => roleOf(q)),
      ['scout'],
      'ds made the first scout call only',
    );
    assert.equal(toCn(h).filter((q) => q.rawBody.includes(SECRET)).length, 0, 'the search result never went to ds');
    const scoutReqs = h.server.requests.filter((q) => roleOf(q) === 'scout');
    assert.equal(scoutReqs[1]!.model, 'gpt-test');
    assert.ok(scoutReqs[1]!.rawBody.includes(SECRET), 'the allowed model got the search result');
  } finally {
    await h.close();
  }
});

test('a fallback at run time skips a model the rules forbid', async () => {
  const h = await startHarness({ 'src/payments/charge.ts': CHARGE, 'README.md': README });
  try {
    // Nothing named up front, so the decision keeps ds in the chain; the scout finds the payments file.
    const policy = residencyPolicy(h.server, {
      scout: ['haiku'],
      implementer: ['sonnet', 'ds', 'gpt'],
      critic: ['ds', 'sonnet'],
    });
    h.queues.implementer.push(
      { fault: { kind: 'server-error', status: 500 } },
      { fault: { kind: 'server-error', status: 500 } },
    );
    scriptHighRisk(h);
    const r = await h.run(RUNTIME_ONLY_TASK, { policy });
    assert.equal(r.outcome, 'applied', r.message);
    assert.equal(toCn(h).length, 0);
    assert.deepEqual(
      r.record.fallbacks.map((f) => `${f.stage}:${f.from}->${f.to}`),
      ['implementer:sonnet->gpt'],
    );
    // gpt (openai) implemented, so the critic is anthropic's sonnet; ds was never an option.
    assert.equal(r.record.reviews[0]!.reviewerModelId, 'sonnet');
  } finally {
    await h.close();
  }
});

test('edit problems that quote a forbidden file hand the implementer over to an allowed model mid-stage', async () => {
  const h = await startHarness({ 'src/payments/charge.ts': CHARGE, 'README.md': README });
  try {
    // The task names only the README, so the cn model implements; its edit aims at the payments
    // file without having read it, and the problems would quote that file back to it.
    const policy = residencyPolicy(h.server, { implementer: ['ds', 'sonnet'], critic: ['gpt'] });
    h.queues.implementer.push(
      searchReplace('src/payments/charge.ts', 'export const FEE = 0.03;', 'export const FEE = 0.04;'),
      searchReplace('README.md', 'This projcet sells things.', 'This project sells things.'),
    );
    h.queues.critic.push(approve());
    const r = await h.run('Fix the typo in README.md', { policy });
    assert.equal(r.outcome, 'applied', r.message);
    assert.deepEqual(
      h.requestsOf('implementer').map((q) => q.model),
      ['deepseek-test', 'claude-sonnet-test'],
    );
    assert.equal(toCn(h).filter((q) => q.rawBody.includes('src/payments/charge.ts: ')).length, 0);
    assert.ok(!toCn(h).some((q) => q.rawBody.includes(SECRET)));
    const fb = h.events.find((e) => e.type === 'fallback-taken');
    assert.ok(fb && fb.type === 'fallback-taken');
    assert.equal(fb.error.kind, 'residency');
    assert.equal(fb.error.message, 'region cn not allowed for src/payments/** (rules.residency[0])');
    assert.equal(h.read('README.md'), '# Shop\n\nThis project sells things.\n');
  } finally {
    await h.close();
  }
});

test('no allowed reviewer for the diff: the run stops naming the rule, nothing reviewed or applied', async () => {
  const h = await startHarness({ 'src/payments/charge.ts': CHARGE, 'README.md': README });
  try {
    // The decision (README only) picks ds to review; the diff then touches the payments file.
    const policy = residencyPolicy(h.server, { implementer: ['sonnet'], critic: ['ds', 'haiku'] });
    h.queues.implementer.push(FEE_EDIT());
    h.queues.critic.push(approve(), approve());
    const r = await h.run('Fix the typo in README.md and the checkout rate', { policy });
    assert.equal(r.outcome, 'failed');
    assert.equal(r.record.error?.kind, 'residency');
    assert.match(
      r.message,
      /^Data residency leaves no model for the critic \(files: src\/payments\/charge\.ts\): ds: region cn not allowed for src\/payments\/\*\* \(rules\.residency\[0\]\)\. Nothing was sent to it\./,
    );
    assert.equal(h.requestsOf('critic').length, 0, 'no reviewer saw part of the diff, and none approved it');
    assert.equal(h.applied.length, 0);
    assert.equal(h.read('src/payments/charge.ts'), CHARGE);
  } finally {
    await h.close();
  }
});

test('a stage with no allowed model stops the run before any call', async () => {
  const h = await startHarness({ 'src/payments/charge.ts': CHARGE });
  try {
    const policy = residencyPolicy(h.server, { implementer: ['ds'] });
    const r = await h.run('Change the fee constant in src/payments/charge.ts to 0.03', { policy });
    assert.equal(r.outcome, 'failed');
    assert.equal(r.record.error?.kind, 'residency');
    assert.match(r.message, /Data residency leaves no model for the implementer.*\(rules\.residency\[0\]\)/);
    assert.equal(h.server.requests.length, 0);
  } finally {
    await h.close();
  }
});

test('a symlink is judged by the file it points at', async () => {
  const h = await startHarness({ 'src/payments/charge.ts': CHARGE, 'docs/fee.ts': '' });
  try {
    const link = join(h.root, 'docs', 'fee-link.ts');
    symlinkSync(join(h.root, 'src', 'payments', 'charge.ts'), link);
    const policy = residencyPolicy(h.server, { implementer: ['ds', 'sonnet'], critic: ['gpt'] });
    h.queues.implementer.push({ text: 'No change needed.' }, { text: 'Still none.' });
    const r = await h.run('Fix the fee rounding in docs/fee-link.ts', { policy });
    assert.equal(toCn(h).length, 0);
    const impl = r.decision.stages.find((s) => s.stage === 'implementer')!;
    assert.equal(impl.modelId, 'sonnet');
    assert.ok(r.decision.files?.includes('src/payments/charge.ts'));
  } finally {
    await h.close();
  }
});

test('the review verb screens its reviewers on every file of the diff', async () => {
  const h = await startHarness({ 'src/payments/charge.ts': CHARGE });
  try {
    const policy = residencyPolicy(h.server, { critic: ['ds', 'gpt'] });
    const diff = [
      'diff --git a/src/payments/charge.ts b/src/payments/charge.ts',
      '--- a/src/payments/charge.ts',
      '+++ b/src/payments/charge.ts',
      '@@ -1,2 +1,2 @@',
      `-${FEE_LINE}`,
      `+${FEE_LINE.replace('0.029', '0.03')}`,
      ' export function charge(cents: number) {',
      '',
    ].join('\n');
    h.queues.critic.push(approve());
    const r = await reviewDiff({
      diff,
      root: h.root,
      policy,
      availability: () => undefined,
      providerFor: (spec) => createProvider(spec, { apiKey: KEY, baseUrl: spec.baseUrl }),
      resilience: { sleep: async () => {}, random: () => 0 },
    });
    assert.equal(r.reviewer.modelId, 'gpt');
    assert.equal(toCn(h).length, 0);
    assert.equal(carriesSecret(h).length, 1);
  } finally {
    await h.close();
  }
});

test('the classifier model reads the task, so a rule for every stage keeps it out too', async () => {
  const h = await startHarness({ 'src/payments/charge.ts': CHARGE });
  try {
    const policy = RoutingPolicySchema.parse({
      ...residencyPolicy(h.server, { implementer: ['sonnet'], critic: ['gpt'] }),
      classifier: { model: 'ds' },
    });
    h.queues.classifier.push(json({ kind: 'feature', risk: 'low', needsPlan: false, reasons: ['x'] }));
    scriptHighRisk(h);
    const r = await h.run('Change the fee constant in src/payments/charge.ts to 0.03', { policy });
    assert.equal(r.outcome, 'applied', r.message);
    assert.equal(toCn(h).length, 0);
    assert.ok(
      r.decision.warnings.some((w) =>
        /classifier model ds not used: region cn not allowed for src\/payments\/\*\* \(rules\.residency\[0\]\); the local classification stands/.test(
          w,
        ),
      ),
      r.decision.warnings.join(' | '),
    );
    assert.equal(r.decision.classification.source, 'local');
  } finally {
    await h.close();
  }
});
