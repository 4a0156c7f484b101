// A run routed by the person's calls ("Route again as…", `route --kind/--risk`): their kind and risk
// decide the stages, and a call they made is never sent to the classifier model — against the
// loopback provider server, through the real pipeline.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { approve, searchReplace, startHarness, testPolicy } from './harness';

const README = '# Demo\n\nThis projcet routes tasks.\n';

test('the person’s kind and risk route the run; the classifier model is not asked about calls they made', async () => {
  const h = await startHarness({ 'src/list.ts': 'export const list = [];\n' });
  try {
    const policy = { ...testPolicy(h.server), classifier: { model: 'haiku' } };
    const ac = new AbortController();
    // Two words and a file: alone, the local classifier is unsure and would ask the model.
    const r = await h.run('Slow execution in src/list.ts', {
      policy,
      personCalls: { kind: 'bugfix', risk: 'high' },
      signal: ac.signal,
      listeners: [(e) => (e.type === 'decision-made' ? ac.abort() : undefined)],
    });
    const d = r.decision;
    assert.equal(h.requestsOf('classifier').length, 0, 'no model call for calls the person made');
    assert.equal(d.kind, 'bugfix');
    assert.equal(d.risk, 'high');
    assert.equal(d.classification.source, 'local');
    assert.deepEqual(
      d.stages.map((s) => s.stage),
      ['scout', 'architect', 'implementer', 'critic', 'finalOwner'],
    );
    assert.match(d.classification.reasons.slice(0, 2).join(' | '), /bugfix: set by you .* \| high risk: set by you/);
    // The run record keeps who decided.
    assert.equal(r.record.kind, 'bugfix');
    assert.equal(r.record.risk, 'high');
    assert.deepEqual(r.record.setByPerson, ['kind', 'risk']);
  } finally {
    await h.close();
  }
});

test('a run routed by the person’s calls goes to the end: one pass and a cross-vendor review, applied', async () => {
  const h = await startHarness({ 'README.md': README });
  try {
    h.queues.implementer.push(searchReplace('README.md', 'This projcet routes tasks.', 'This project routes tasks.'));
    h.queues.critic.push(approve());
    const r = await h.run('Fix typo in README.md', { personCalls: { kind: 'docs', risk: 'low' } });
    assert.equal(r.outcome, 'applied', r.message);
    assert.deepEqual(
      r.decision.stages.map((s) => s.stage),
      ['implementer', 'critic'],
    );
    assert.equal(r.decision.classification.calls?.risk.rule, 'set by you');
    assert.deepEqual(r.record.setByPerson, ['kind', 'risk']);
    assert.equal(h.requestsOf('scout').length + h.requestsOf('architect').length, 0);
  } finally {
    await h.close();
  }
});
