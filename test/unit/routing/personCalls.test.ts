// The person's word over the classifier's: "route it as a bugfix, high risk" replaces the calls,
// keeps what the classifier said in the reasons, and routes by the person's calls — in the core, in
// the explanation and in `switchyard explain --kind/--risk`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { runExplain } from '../../../src/cli/explain';
import { RoutingPolicySchema } from '../../../src/core/config/policySchema';
import { ClassificationSchema } from '../../../src/core/routing/classificationSchema';
import { classify } from '../../../src/core/routing/classifier';
import { decide } from '../../../src/core/routing/decide';
import { explainDecision } from '../../../src/core/routing/explainDecision';
import { SET_BY_YOU, shownCalls, withPersonCalls } from '../../../src/core/routing/personCalls';
import { io, workspace } from './cliSupport';

const policy = RoutingPolicySchema.parse({});

test('the person’s kind and risk replace the calls; what the classifier said stays in the reasons', () => {
  const local = classify('Add a retry to the upload client');
  assert.equal(local.kind, 'feature');
  assert.notEqual(local.risk, 'high');
  const c = withPersonCalls(local, { kind: 'bugfix', risk: 'high' });
  ClassificationSchema.parse(c);
  assert.equal(c.kind, 'bugfix');
  assert.equal(c.risk, 'high');
  assert.equal(c.needsPlan, true, 'every high-risk change is planned, whoever set the risk');
  assert.match(c.reasons[0]!, /^bugfix: set by you \(the classifier said feature, \d+%\)$/);
  assert.match(c.reasons[1]!, new RegExp(`^high risk: set by you \\(the classifier said ${local.risk}, \\d+%\\)$`));
  assert.deepEqual(c.reasons.slice(2), local.reasons, 'the classifier’s own reasons follow');
  assert.deepEqual(c.calls?.kind, { confidence: 1, uncertain: false, features: [], rule: SET_BY_YOU });
  assert.equal(c.source, local.source);
  // The stages follow the person's calls.
  const d = decide(c, policy, undefined, { task: 'Add a retry to the upload client', knownFiles: 1 });
  assert.deepEqual(
    d.stages.map((s) => s.stage),
    ['scout', 'architect', 'implementer', 'critic', 'finalOwner'],
  );
});

test('a person may lower a risk the classifier raised, and set one call only', () => {
  const local = classify('Update the comment in src/auth/login.ts', { filePaths: ['src/auth/login.ts'] });
  assert.equal(local.risk, 'high');
  const c = withPersonCalls(local, { risk: 'low' });
  assert.equal(c.risk, 'low');
  assert.equal(c.kind, local.kind, 'the kind the person left alone is the classifier’s');
  assert.deepEqual(c.calls?.kind, local.calls?.kind);
  assert.equal(c.calls?.risk.rule, SET_BY_YOU);
  assert.match(c.reasons[0]!, /^low risk: set by you \(the classifier said high, by rule\)$/);
  // Same call as the classifier's: said so, not "overruled".
  const same = withPersonCalls(local, { kind: local.kind });
  assert.match(same.reasons[0]!, /set by you \(the classifier said so too\)$/);
  // No calls given: the classification as it was.
  assert.equal(withPersonCalls(local, {}), local);
  assert.equal(withPersonCalls(local, undefined), local);
});

test('a question the person names is not planned; the shown calls are the person’s where they set one', () => {
  const local = classify('Refactor the session store across the API and the workers');
  const q = withPersonCalls(local, { kind: 'question' });
  assert.equal(q.needsPlan, false);
  const shown = shownCalls(q, local)!;
  assert.equal(shown.kind[0], 'question');
  assert.equal(shown.kind[1].rule, SET_BY_YOU);
  assert.equal(shown.risk[0], local.risk);
  assert.deepEqual(shown.risk[1], local.calls!.risk);
  const text = explainDecision(decide(q, policy, undefined, { task: 'x', knownFiles: 1 }));
  assert.match(text, /Kind: question {3}Risk: \w+ {3}\(kind set by you; local classifier\)/);
  assert.match(text, /Confidence: kind set by you · risk /);
});

test('explain --kind/--risk routes as told; a value outside the rubric is a usage error', async () => {
  const root = workspace({});
  try {
    const t = io(root, {});
    assert.equal(
      await runExplain(['Add a retry to the upload client', '--kind', 'bugfix', '--risk', 'HIGH', '--json'], t.io),
      0,
      t.err.join(''),
    );
    const j = JSON.parse(t.out.join(''));
    assert.equal(j.kind, 'bugfix');
    assert.equal(j.risk, 'high');
    assert.equal(j.classification.calls.kind.rule, 'set by you');
    assert.match(j.classification.reasons[0], /the classifier said feature/);
    assert.ok(j.stages.some((s: { stage: string }) => s.stage === 'architect'));
    const bad = io(root, {});
    assert.equal(await runExplain(['fix it', '--risk', 'critical'], bad.io), 2);
    assert.match(bad.err.join(''), /--risk must be one of low, medium, high, not "critical"/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
