// A reported security hole is a bugfix and high-risk whatever shape its text takes; a docs page, a
// tests-only task, a question or a dependency bump about the same class of hole is not (rubric).
// Round 1 called "[Security] High: Stored … XSS" findings docs/low because a docs cue won.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classify } from '../../../src/core/routing/classifier';
import { securityReport } from '../../../src/core/routing/securityReport';
import { splitTask } from '../../../src/core/routing/textFeatures';

const report = (task: string) => {
  const { title, clean } = splitTask(task);
  return securityReport(title, clean);
};

test('a security finding is bugfix / high and the risk line names the hole', () => {
  for (const task of [
    '[Security] High: Stored XSS in the project description field',
    'Stored XSS via the comment name field\n## Impact\nAn attacker can run script in the browser of any user who opens the docs page.',
    'API keys are printed in the debug log\nThe provider logs the full request headers at debug level.',
    'Any user can read other users’ orders by changing the id in the URL',
  ]) {
    const c = classify(task);
    assert.equal(c.kind, 'bugfix', `${task}: ${c.reasons[0]}`);
    assert.equal(c.risk, 'high', `${task}: ${c.reasons[1]}`);
    assert.equal(c.needsPlan, true);
    assert.match(c.reasons[1]!, /^high: reports a security hole ‘/);
    assert.ok(
      c.details.some((d) => d.id === 'security-report'),
      'the signal is listed with its evidence',
    );
  }
});

test('a docs cue in a security finding ("docs page", "README") does not make it docs', () => {
  const c = classify(
    'Reflected XSS in the docs search box\nSteps to reproduce: open /docs?q=<script>alert(1)</script>; the payload runs.',
  );
  assert.equal(c.kind, 'bugfix', c.reasons[0]);
  assert.equal(c.risk, 'high', c.reasons[1]);
});

test('docs, tests, questions and bumps about a hole are not reports of one', () => {
  const cases: Array<[string, string, string]> = [
    ['Document how we prevent XSS in templates', 'docs', 'low'],
    ['How do I prevent XSS in templates?', 'question', 'low'],
    ['Add tests for the path traversal check', 'test', 'low'],
    ['Bump lodash to 4.17.21 (CVE-2021-23337)', 'chore', 'medium'],
  ];
  for (const [task, kind, risk] of cases) {
    assert.equal(report(task), undefined, task);
    const c = classify(task);
    assert.equal(c.kind, kind, `${task}: ${c.reasons[0]}`);
    assert.equal(c.risk, risk, `${task}: ${c.reasons[1]}`);
  }
});

test('a misspelt subject still counts ("Secutity issue", "authentification bypass")', () => {
  assert.ok(report('Secutity issue: authentification bypass on the admin login'));
  assert.equal(classify('Secutity issue: authentification bypass on the admin login').risk, 'high');
});

test('a change requested in question form is not a question', () => {
  const c = classify('Can you add a retry to the fetch helper?');
  assert.notEqual(c.kind, 'question');
  assert.equal(c.calls?.kind.rule, 'asks for a change');
});

test('security tooling (a scanner step, its false positive) is medium, not a hole', () => {
  for (const task of [
    'Fix authentication bypass false positive',
    'fix(security): make the Bandit step gate on something',
  ]) {
    const c = classify(task);
    assert.equal(c.risk, 'medium', `${task}: ${c.reasons[1]}`);
    assert.equal(c.calls?.risk.rule, 'security tooling');
  }
});
