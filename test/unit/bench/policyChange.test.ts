// The suggested policy change: the decision rule on the two sides' figures, and the edit of
// `.switchyard/routing.json` that keeps the team's comments and layout.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { editStageChain } from '../../../src/core/bench/policyEdit';
import { suggestPolicyChange } from '../../../src/core/bench/suggestPolicyChange';
import { parseJsonc } from '../../../src/core/config/jsonc';
import type { ArmSummary } from '../../../src/core/bench/armSummary';

const arm = (o: Partial<ArmSummary>): ArmSummary => ({
  label: 'x',
  items: 3,
  approved: 3,
  approvalRate: 1,
  verified: 0,
  verifyPassed: 0,
  verifyPassRate: null,
  findings: { critical: 0, major: 0, minor: 0, info: 0 },
  tokensIn: 0,
  tokensOut: 0,
  costUsd: 0,
  elapsedMs: 0,
  failed: 0,
  trustedChanges: 3,
  costPerTrustedChange: 0.01,
  headUsed: 3,
  ...o,
});

test('the rule: never worse on approvals, verification or serious findings; then cheaper or approved more often', () => {
  const cur = arm({});
  const s = (c: Partial<ArmSummary>, chain = ['sonnet', 'gpt']) =>
    suggestPolicyChange('implementer', 'newbie', chain, cur, arm(c));
  assert.equal(s({ costPerTrustedChange: 0.005 }).recommend, true);
  assert.deepEqual(s({ costPerTrustedChange: 0.005 }).toChain, ['newbie', 'sonnet', 'gpt']);
  assert.deepEqual(s({ costPerTrustedChange: 0.005 }, ['sonnet', 'newbie']).toChain, ['newbie', 'sonnet']);
  const dearer = s({ costPerTrustedChange: 0.02 });
  assert.equal(dearer.recommend, false);
  assert.match(dearer.reasons.join(' '), /Not cheaper per trusted change \(\$0\.0200 vs \$0\.0100\)/);
  assert.equal(s({ approvalRate: 2 / 3, costPerTrustedChange: 0.001 }).recommend, false);
  assert.equal(
    s({ costPerTrustedChange: 0.005, findings: { critical: 0, major: 1, minor: 0, info: 0 } }).recommend,
    false,
  );
  const cv = suggestPolicyChange(
    'implementer',
    'newbie',
    ['sonnet'],
    arm({ verifyPassRate: 1 }),
    arm({ verifyPassRate: 0.5, costPerTrustedChange: 0.001 }),
  );
  assert.match(cv.reasons[0]!, /Verification passes less often: 50% vs 100%/);
  assert.match(s({ headUsed: 0 }).reasons[0]!, /did not do the implementer stage in any replay/);
  assert.match(s({}, ['newbie', 'sonnet']).reasons[0]!, /already leads/);
  assert.match(s({ items: 0 }).reasons[0]!, /benchmark set is empty/);
});

test('editing the chain in place keeps comments and everything else byte for byte', () => {
  const text = [
    '{',
    '  // shared with the team',
    '  "models": [{ "id": "sonnet", "provider": "anthropic", "model": "claude", "vendor": "anthropic" }],',
    '  "stages": {',
    '    "implementer": [ "sonnet", /* fallback */ "gpt" ],',
    '    "critic": ["gpt"], // reviewer',
    '  },',
    '}',
    '',
  ].join('\n');
  const e = editStageChain(text, 'implementer', ['newbie', 'sonnet', 'gpt']);
  assert.equal(e.how, 'in-place');
  assert.equal(e.after, text.replace('[ "sonnet", /* fallback */ "gpt" ]', '["newbie", "sonnet", "gpt"]'));
  // A stage the file does not name yet: added, the file re-serialised (comments cannot survive that; the diff shows it).
  const added = editStageChain(text, 'architect', ['gpt']);
  assert.equal(added.how, 'rewritten');
  const v = parseJsonc(added.after).value as { stages: Record<string, string[]> };
  assert.deepEqual(v.stages, { implementer: ['sonnet', 'gpt'], critic: ['gpt'], architect: ['gpt'] });
  // No file yet: a minimal one.
  const created = editStageChain(undefined, 'critic', ['gpt']);
  assert.equal(created.how, 'created');
  assert.deepEqual(JSON.parse(created.after), { version: 1, stages: { critic: ['gpt'] } });
  // A broken file is reported with its position, never overwritten.
  assert.throws(() => editStageChain('{ "stages": ', 'critic', ['gpt']), /line 1/);
});
