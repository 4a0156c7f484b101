// One ranking per run: with a residency rule scoped to paths, the decision screens the locator's
// first files and the stages' kit shows its candidates — from the same single ranking, not a second
// pass of the locator over the same index.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ModelSpec } from '../../../src/core/config/policySchema';
import { lazyCodebase, type Codebase } from '../../../src/core/context/codebase';
import { looksSecret } from '../../../src/core/paths/secretPaths';
import { decideStep } from '../../../src/core/pipeline/decideStep';
import { stageKit } from '../../../src/core/pipeline/planStep';
import { runBase, runScope } from '../../../src/core/pipeline/runScope';
import { fsWorkspaceReader } from '../../../src/core/pipeline/workspaceReader';
import { createProvider } from '../../../src/core/providers/createProvider';
import { KEY, startHarness, testPolicy } from './harness';

const FILES = {
  'src/pay/charge.ts':
    'export function chargeCard(card: string, amountCents: number) {\n  return gateway.capture(card, amountCents);\n}\n',
  'src/pay/refund.ts': 'export function refundCharge(id: string) {\n  return gateway.refund(id);\n}\n',
  'src/ui/button.ts': 'export function renderButton(label: string) {\n  return `<button>${label}</button>`;\n}\n',
  'README.md': '# Shop\n',
};

type Harness = Awaited<ReturnType<typeof startHarness>>;

/**
 * A run's base over the harness's workspace, with a codebase that counts how often its index is asked
 * for: every ranking asks first, so the count is the number of rankings.
 */
function countedRun(h: Harness, task: string, policy: ReturnType<typeof testPolicy>, runId: string) {
  const inner = lazyCodebase(h.root, { isSecret: looksSecret });
  const counter = { asked: 0 };
  const codebase: Codebase = {
    root: h.root,
    index: () => {
      counter.asked++;
      return inner.index();
    },
  };
  const base = runBase(
    {
      task,
      policy,
      availability: () => undefined,
      providerFor: (spec: ModelSpec) => createProvider(spec, { apiKey: KEY, baseUrl: spec.baseUrl }),
      root: h.root,
      workspace: fsWorkspaceReader(h.root),
      gate: async () => true,
      apply: async () => ({ ok: true, written: [] }),
      codebase,
    },
    { runId, signal: new AbortController().signal, listeners: [] },
  );
  return { base, counter };
}

test('the locator runs once per run: the residency screen and the explore kit share its ranking', async () => {
  const h = await startHarness(FILES);
  try {
    const task = 'The card charge captures the wrong amount in cents';
    const policy = testPolicy(h.server, { rules: { residency: [{ paths: ['src/pay/**'], denyVendors: ['openai'] }] } });
    const { base, counter } = countedRun(h, task, policy, 'locate-once');
    const decision = await decideStep(base);
    assert.equal(counter.asked, 1, 'the decision ranked the files');
    // The rule scoped to src/pay/** applies because the locator ranks src/pay/charge.ts for the task.
    const applied = decision.residency?.[0];
    assert.ok(applied?.files.includes('src/pay/charge.ts'), JSON.stringify(decision.residency));
    const candidates = await stageKit(runScope(base, decision)).explore.candidates();
    assert.equal(candidates[0]?.path, 'src/pay/charge.ts');
    assert.equal(counter.asked, 1, 'the kit took the ranking the decision made');
  } finally {
    await h.close();
  }
});

test("a run in a documentation site classifies with the workspace's profile, from the same index", async () => {
  const pages = Object.fromEntries(
    Array.from({ length: 12 }, (_, i) => [`api-reference/page-${i}.mdx`, `# Page ${i}\n\nHow the API works.\n`]),
  );
  const h = await startHarness({ ...pages, 'mint.json': '{}\n', 'scripts/check.js': 'module.exports = 1;\n' });
  try {
    const { base, counter } = countedRun(h, 'add addons and subscriptions endpoint', testPolicy(h.server), 'docs-site');
    const decision = await decideStep(base);
    assert.equal(decision.classification.kind, 'docs', decision.classification.reasons[0]);
    assert.equal(decision.classification.risk, 'low', decision.classification.reasons[1]);
    assert.ok(decision.classification.signals.includes('documentation workspace'));
    assert.equal(counter.asked, 1, 'the profile came from the index the locator built');
  } finally {
    await h.close();
  }
});
