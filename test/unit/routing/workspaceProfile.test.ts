// The workspace profile: what a workspace is made of, from its file list, and how the classifier
// weighs it — a documentation site makes "add addons and subscriptions endpoint" a page to write
// (docs, low), says so in the why, and is absent without a profile.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classify } from '../../../src/core/routing/classifier';
import { profileFeatures, workspaceProfile, type WorkspaceProfile } from '../../../src/core/routing/workspaceProfile';
import { loadSplit } from '../../../scripts/trainClassifier';
import { loadProfiles } from '../../../scripts/workspaceProfiles';

const DOCS_SITE: WorkspaceProfile = { files: 484, docs: 0.905, source: 0.012, tests: 0, infra: 0 };
const CODE: WorkspaceProfile = { files: 900, docs: 0.05, source: 0.6, tests: 0.3, infra: 0 };

test('a profile counts documentation, source, tests and infrastructure, leaving binaries and lock files out', () => {
  const paths = [
    ...Array.from({ length: 6 }, (_, i) => `docs/page${i}.md`),
    'src/app.ts',
    'src/app.test.ts',
    'infra/main.tf',
    'charts/app/templates/deploy.yaml',
    'logo.png',
    'package-lock.json',
  ];
  assert.deepEqual(workspaceProfile(paths), { files: 10, docs: 0.6, source: 0.1, tests: 0.1, infra: 0.2 });
  assert.deepEqual(profileFeatures(workspaceProfile(paths)), ['p:docs-site']);
  assert.equal(workspaceProfile(['README.md', 'index.js']), undefined, 'too few files to tell');
  assert.deepEqual(profileFeatures(CODE), []);
  assert.deepEqual(profileFeatures(undefined), []);
});

test('in a documentation site a code-sounding title is docs work, low, and the why names the workspace', () => {
  const task = 'add addons and subscriptions endpoint';
  const bare = classify(task);
  assert.equal(bare.kind, 'feature');
  assert.equal(bare.risk, 'high');
  const c = classify(task, { workspace: DOCS_SITE });
  assert.equal(c.kind, 'docs');
  assert.equal(c.risk, 'low');
  assert.equal(c.needsPlan, false);
  assert.ok(c.calls!.kind.features.some((f) => f.label === 'the workspace is 91% documentation'));
  const signal = c.details.find((s) => s.id === 'p:docs-site');
  assert.equal(signal?.evidence, 'the workspace is 91% documentation');
  assert.ok(c.signals.includes('documentation workspace'));
  // A code workspace adds nothing: the text decides as before.
  assert.deepEqual(classify(task, { workspace: CODE }).kind, bare.kind);
});

test('in a documentation site a vulnerability class named in a title is a page about it, a finding is still high', () => {
  assert.equal(classify('simplify xss rule').risk, 'high');
  const page = classify('simplify xss rule', { workspace: DOCS_SITE });
  assert.equal(page.kind, 'docs');
  assert.equal(page.risk, 'low');
  const finding = classify(
    'Stored XSS in the search page\nAn attacker can inject a payload through the q parameter; impact: session theft.',
    { workspace: DOCS_SITE },
  );
  assert.equal(finding.risk, 'high');
});

test('the profiles fixture covers only repositories of the splits, with shares in range', () => {
  const repos = new Set((['train', 'dev', 'test'] as const).flatMap((s) => loadSplit(s).map((t) => t.repo)));
  const profiles = Object.entries(loadProfiles());
  assert.ok(profiles.length >= 50, `${profiles.length} profiles`);
  for (const [repo, p] of profiles) {
    assert.ok(repos.has(repo), `${repo} is in no split`);
    const shares = [p.docs, p.source, p.tests, p.infra];
    for (const share of shares) assert.ok(share >= 0 && share <= 1, repo);
    assert.ok(shares.reduce((a, x) => a + x, 0) <= 1.001, repo);
  }
});
