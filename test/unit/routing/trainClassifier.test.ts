// The shipped model is what `npm run train:classifier` makes from the labelled set: training again
// from the fixtures gives the same bytes, so nobody can ship hand-edited weights by accident.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { loadRelabel, loadSplit, trainShipped, WEIGHTS_FILE } from '../../../scripts/trainClassifier';

test('training on the train and dev splits reproduces the shipped weights byte for byte', () => {
  const shipped = readFileSync(WEIGHTS_FILE, 'utf8');
  assert.ok(shipped.length < 200 * 1024, `weights are ${shipped.length} bytes`);
  assert.equal(trainShipped(), shipped, 'run npm run train:classifier and commit the result');
});

test('the splits share no repository and every text has a source', () => {
  const splits = (['train', 'dev', 'test', 'test6'] as const).map((s) => loadSplit(s));
  const repos = splits.map((rows) => new Set(rows.map((r) => r.repo.toLowerCase())));
  for (let i = 0; i < splits.length; i++)
    for (let j = i + 1; j < splits.length; j++)
      for (const r of repos[i]!) assert.ok(!repos[j]!.has(r), `${r} is in two splits`);
  const all = splits.flat();
  assert.ok(all.length >= 400, `${all.length} labelled texts`);
  assert.equal(new Set(all.map((t) => t.id)).size, all.length, 'every id is unique across the splits');
  for (const t of all) {
    assert.match(t.source_url, /^https:\/\/github\.com\//, t.id);
    assert.ok(t.text.trim().length > 0, t.id);
    if (t.risk === 'high') assert.equal(t.needs_plan, true, `${t.id}: every high-risk change needs a plan (rubric)`);
  }
});

test('the blind second labelling covers train and dev texts only, with labels the rubric allows', () => {
  const relabel = loadRelabel();
  const stored = new Map([...loadSplit('train'), ...loadSplit('dev')].map((t) => [t.id, t]));
  const heldOut = new Set([...loadSplit('test'), ...loadSplit('test6')].map((t) => t.id));
  assert.equal(relabel.length, 320);
  assert.equal(new Set(relabel.map((r) => r.id)).size, relabel.length, 'one line per text');
  let sameKind = 0;
  for (const r of relabel) {
    assert.ok(!heldOut.has(r.id), `${r.id} is held out: the second labelling may only read train and dev`);
    const t = stored.get(r.id);
    assert.ok(t, `${r.id} is not in train or dev`);
    assert.ok(['question', 'docs', 'test', 'bugfix', 'feature', 'refactor', 'chore'].includes(r.kind), r.id);
    assert.ok(['low', 'medium', 'high'].includes(r.risk), r.id);
    assert.equal(typeof r.needs_plan, 'boolean', r.id);
    assert.equal(typeof r.unsure, 'boolean', r.id);
    sameKind += r.kind === t.kind ? 1 : 0;
  }
  // The README's figure: editing a stored label in train or dev shows up here.
  assert.equal(sameKind, 310, 'the two labellings agree on 310 of 320 kinds (fixtures README)');
});
