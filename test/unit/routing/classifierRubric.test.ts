// The rubric's hard cases (shared/ROUTING-RUBRIC.md): what a task *is* decides, not its words,
// tags or tracker labels. Plus what the classifier says about its own calls: a confidence, the
// features that weighed most, and whether it was unsure and which way it leaned.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classify } from '../../../src/core/routing/classifier';
import { ClassificationSchema } from '../../../src/core/routing/classificationSchema';
import type { ModelWeights } from '../../../src/core/routing/classifierModel';

/** The task is docs work by the named title rule, and low: docs change no product behaviour. */
function docsByRule(task: string, rule: RegExp): void {
  const c = classify(task);
  assert.equal(c.kind, 'docs', `${task}: ${c.reasons[0]}`);
  assert.match(c.calls!.kind.rule ?? '', rule, task);
  assert.equal(c.risk, 'low', `${task}: ${c.reasons[1]}`);
}

test('a topic word in a question sets no risk: the question is low', () => {
  for (const task of [
    'How does the OAuth login flow handle refresh tokens?',
    'Is there a way to rotate the Stripe webhook secret without downtime?',
    'Do we need to let users delete their account for GDPR?',
  ]) {
    const c = classify(task);
    assert.equal(c.kind, 'question', task);
    assert.equal(c.risk, 'low', `${task}: ${c.reasons[1]}`);
    assert.equal(c.needsPlan, false);
    assert.match(c.reasons[1]!, /^low: question work/);
  }
});

test('a question that then asks for a change is the change, not a question', () => {
  for (const task of [
    'Explain why the cart total goes negative, then fix it in src/cart.ts',
    'Why does the retry loop never stop? And fix the backoff in src/retry.ts',
  ]) {
    assert.notEqual(classify(task).kind, 'question', task);
  }
  assert.equal(classify('Explain how the fee is computed and where it is rounded').kind, 'question');
});

test('a bugfix that names one file and nothing wide is a local fix: no plan first', () => {
  const c = classify('Fix the off-by-one bug in src/sum.ts', { filePaths: ['src/sum.ts'] });
  assert.equal(c.kind, 'bugfix');
  assert.equal(c.needsPlan, false, c.reasons.join(' | '));
});

test('a reporter\'s "[HIGH]" tag on a tests-only task is not the work: test, low', () => {
  const c = classify('[HIGH] Add unit tests for the payment webhook handler');
  assert.equal(c.kind, 'test');
  assert.equal(c.risk, 'low', c.reasons[1]);
  assert.equal(c.needsPlan, false);
});

test('an upstream "enhancement" label on what is behaviourally a bug: bugfix', () => {
  const c = classify(
    'Customer is charged twice when the webhook retries\nlabels: enhancement\n\nExpected one charge per order, but Stripe shows two charges with different ids.',
  );
  assert.equal(c.kind, 'bugfix', c.reasons[0]);
  assert.equal(c.risk, 'high', c.reasons[1]);
  assert.equal(c.needsPlan, true, 'every high-risk change is planned');
  assert.match(c.reasons[1]!, /payments \/ billing ‘charged’/);
});

test('a traceback pasted into what is explicitly a feature request stays a feature', () => {
  const c = classify(
    [
      'Feature request: support YAML config files',
      'Only JSON is read today. Loading a .yaml file fails:',
      '```',
      'Traceback (most recent call last):',
      '  File "app.py", line 3, in <module>',
      "    load('settings.yaml')",
      'ValueError: unsupported config format',
      '```',
      'It would be great to read YAML as well.',
    ].join('\n'),
  );
  assert.equal(c.kind, 'feature', c.reasons[0]);
  assert.notEqual(c.risk, 'low');
});

test('each call carries a confidence, its runner-up and the features that weighed most', () => {
  const c = classify(
    'Fix the crash when the list is empty\n\nTraceback (most recent call last):\nIndexError: list index out of range',
  );
  assert.ok(ClassificationSchema.safeParse(c).success);
  const kind = c.calls!.kind;
  assert.equal(c.kind, 'bugfix');
  assert.ok(kind.confidence > 0.5 && kind.confidence <= 1, String(kind.confidence));
  assert.ok(kind.runnerUp && kind.runnerUp.label !== 'bugfix' && kind.runnerUp.p < kind.confidence);
  assert.ok(kind.features.length > 0);
  for (let i = 1; i < kind.features.length; i++) assert.ok(kind.features[i - 1]!.weight >= kind.features[i]!.weight);
  // The "why" is written from the same features, in the words the task used.
  assert.match(c.reasons[0]!, /^bugfix \(\d+%\): .*‘crash’/);
  assert.ok(c.calls!.risk.confidence > 0);
});

test('an uncertain call says so and which way it leaned', () => {
  const c = classify('Slow execution');
  const kind = c.calls!.kind;
  assert.equal(kind.uncertain, kind.confidence < 0.55);
  assert.ok(kind.uncertain, `expected an unsure call for a two-word title, got ${kind.confidence}`);
  assert.ok(kind.runnerUp, 'an uncertain call names the runner-up');
});

test('a rule that makes the call says which, and is not reported as the model being unsure', () => {
  const q = classify('Will there be Python 3.12 support?');
  assert.equal(q.kind, 'question');
  assert.match(q.calls!.kind.rule ?? '', /question/);
  assert.equal(q.calls!.kind.uncertain, false);
  const file = classify('Tidy up this function', { filePaths: ['src/payments/charge.ts'] });
  assert.equal(file.risk, 'high');
  assert.equal(file.calls!.risk.rule, 'file in play: src/payments/charge.ts');
});

test('priority tags and URLs are not words the model reads', () => {
  const a = classify('Add tests for the tokenizer');
  const b = classify('[P1] Add tests for the tokenizer (see https://github.com/acme/ssrf-scanner/issues/3)');
  assert.equal(b.kind, a.kind);
  assert.equal(b.risk, 'low');
  assert.ok(!b.signals.includes('security hole'), 'a repository name inside a URL is not a security subject');
});

test('a documentation file named in the title is docs work, low, whatever the file is about', () => {
  for (const task of [
    'Fix type in Migrations.MD',
    'Update docs/auth/OAUTH.md with the new scopes',
    'Fix broken link in README',
  ])
    docsByRule(task, /names a documentation file/);
  // The tooling around a docs file is not docs work: the rule leaves it to the model.
  assert.doesNotMatch(
    classify('chore: improve the `Ecosystem.md` linter to lint all sections').calls!.kind.rule ?? '',
    /documentation file/,
  );
});

test('a flaky test is test work, even when it flakes in CI; a CI change to calm it is a chore', () => {
  for (const task of [
    'tests are flaky on TravisCI',
    '[tests] attempt to debug test_timeout_with_flaky flakiness in CI',
  ]) {
    const c = classify(task);
    assert.equal(c.kind, 'test', `${task}: ${c.reasons[0]}`);
    assert.equal(c.risk, 'low', `${task}: ${c.reasons[1]}`);
  }
  assert.notEqual(classify('circleci: try local databases instead, to see if tests are less flaky').kind, 'test');
  assert.notEqual(classify('Bump autoflake from 1.4 to 1.5.3').kind, 'test');
});

test('adding something that names a high-risk subject is a change, high', () => {
  const c = classify('Add Stripe refunds to the billing page');
  assert.equal(c.kind, 'feature', c.reasons[0]);
  assert.equal(c.risk, 'high', c.reasons[1]);
  assert.equal(c.needsPlan, true);
  assert.match(c.reasons[1]!, /payments \/ billing ‘stripe’/);
});

test('an unsure docs call that names a subject is medium: never low, and the topic word alone does not make it high (unless the title opens with a change)', () => {
  // The rule on its own, with a hand-made model that leans docs at about a third and has no view on
  // the risk (the shipped model's lean on any one sentence moves with every retraining).
  const zero = (): number[] => new Array<number>(11).fill(0);
  const leanDocs = [0, 1.2, 0, 0, 0, 0, 0, 0, 0, 0, 0];
  const model: ModelWeights = {
    trainedOn: 'hand-made for this test',
    kinds: ['question', 'docs', 'test', 'bugfix', 'feature', 'refactor', 'chore'],
    risks: ['low', 'medium', 'high'],
    bias: { kind: zero().slice(0, 7), risk: [0, 0, 0], plan: -4 },
    features: { 't:more': leanDocs, 't:walkthrough': leanDocs },
  };
  for (const task of ['More about refresh tokens', 'Walkthrough of the invoice page']) {
    const c = classify(task, {}, model);
    assert.equal(c.kind, 'docs', `${task}: ${c.reasons[0]}`);
    assert.ok(c.calls!.kind.confidence < 0.5, `${task}: the call is unsure (${c.calls!.kind.confidence})`);
    assert.equal(c.risk, 'medium', `${task}: ${c.reasons[1]}`);
    assert.match(c.reasons[1]!, /^medium: reads as docs work that names (authentication|payments \/ billing)/);
  }
  // The same unsure lean on a title that opens by changing something is weighed as the change.
  model.features['t:update'] = leanDocs;
  const change = classify('Update the refresh token lifetime', {}, model);
  assert.equal(change.kind, 'docs', change.reasons[0]);
  assert.ok(change.calls!.kind.confidence < 0.5);
  assert.equal(change.risk, 'high', change.reasons[1]);
  assert.match(change.reasons[1]!, /^high: authentication ‘/);
});

test('tests that come with other work are not a tests-only task: the other work decides', () => {
  const c = classify('Improved ReadWriteScoped resource mixin. Added settings and tests');
  assert.notEqual(c.kind, 'test', c.reasons[0]);
  assert.notEqual(c.risk, 'low', c.reasons[1]);
  // Tests alone stay tests.
  assert.equal(classify('Add unit tests and integration tests for the parser').kind, 'test');
});

test('a sure docs call is low even when its title has no docs word and it names a subject', () => {
  const c = classify('Add the Okta SSO strategy to the list of strategies.');
  assert.equal(c.kind, 'docs', c.reasons[0]);
  assert.ok(c.calls!.kind.confidence >= 0.6, String(c.calls!.kind.confidence));
  assert.equal(c.risk, 'low', c.reasons[1]);
});

test('how CI runs the tests is a chore, not test work (the rubric: a CI job that runs tests is a chore)', () => {
  for (const task of ['travis: stop testing on Node 12', 'Run the integration tests in the GitHub Actions workflow']) {
    const c = classify(task);
    assert.equal(c.kind, 'chore', `${task}: ${c.reasons[0]}`);
    assert.equal(c.risk, 'medium', `${task}: ${c.reasons[1]}`);
  }
  // Docs about running the tests stay docs work.
  assert.notEqual(classify('Update the docs to use tox as the test runner').kind, 'chore');
});

test('code style alone is a chore; formatting named beside a high-risk subject is not waved through', () => {
  for (const task of ['Fixing code styling in the parser', 'Fix blank line spacing issue']) {
    const c = classify(task);
    assert.equal(c.kind, 'chore', `${task}: ${c.reasons[0]}`);
    assert.match(c.calls!.kind.rule ?? '', /code style/);
  }
  assert.doesNotMatch(
    classify('fix: resolve deadlock when formatting triggers reentrant logging').calls!.kind.rule ?? '',
    /code style/,
  );
});

test('a fix to the prose around code is docs work; a typo in the UI copy or a comments feature is not', () => {
  for (const task of ['Fixed broken link', 'fix comment regarding window size', 'Correct typo: ISO1806 to ISO8601'])
    docsByRule(task, /^fixes the prose around code/);
  assert.notEqual(classify('Fix typo in settings tab label').kind, 'docs');
  assert.notEqual(classify('Fix comment deletion in the review page').kind, 'docs');
});

test("a typo in the product's own words is a fix; the docs as the title's object are docs work", () => {
  for (const task of ['Fix typo in settings tab label', 'Typo in the User Settings', 'fix: typo in settings label']) {
    const c = classify(task);
    assert.equal(c.kind, 'bugfix', `${task}: ${c.reasons[0]}`);
    assert.match(c.calls!.kind.rule ?? '', /in the product's own words/);
  }
  // Prose around code stays docs, the prefix standing for the verb when the prose comes first.
  for (const task of ['Fix typo in the README', 'fix: broken links', 'fix: typo in the tutorial']) {
    assert.equal(classify(task).kind, 'docs', task);
  }
  // ...but a "fix:" of something else that happens to end in "links" is not.
  const scoped = classify('fix: enforce tenant scoping on workspace teamIds and response contact/display links');
  assert.notEqual(scoped.kind, 'docs', scoped.reasons[0]);
  assert.equal(scoped.risk, 'high', `tenant scoping is access control: ${scoped.reasons[1]}`);
  for (const task of [
    'Suggestion: explain the difference between id_token and access_token',
    'Clarify the timeout option',
    'Document how refresh tokens are rotated',
  ])
    docsByRule(task, /explains or documents/);
  // "Document" as a noun is not a docs cue at all: a failing upload is a bug in the product.
  const upload = classify('Document upload fails');
  assert.doesNotMatch(upload.calls!.kind.rule ?? '', /explains or documents/);
  assert.notEqual(upload.kind, 'docs', upload.reasons[0]);
  assert.notEqual(upload.risk, 'low', upload.reasons[1]);
  const docs = classify('Update the docs to use tox as the test runner');
  assert.equal(docs.kind, 'docs', docs.reasons[0]);
  assert.match(docs.calls!.kind.rule ?? '', /works on the documentation/);
  assert.equal(docs.risk, 'low');
});

test('a token in a text about language models is a piece of a prompt, not a credential', () => {
  for (const task of ['Count tokens in the prompt before sending', 'max_tokens is ignored for the chat model']) {
    assert.notEqual(classify(task).risk, 'high', task);
  }
  // The credential sense is untouched.
  assert.equal(classify('Refresh tokens are not revoked on logout').risk, 'high');
});

test('other work with a test added after it is not a tests-only task', () => {
  const c = classify('Issue #833 - prototype migration and add automated migration test');
  assert.notEqual(c.kind, 'test', c.reasons[0]);
});

test('deleting or closing an account is data deletion however it is worded: high', () => {
  for (const task of [
    'Delete recovery keys, recovery codes and security event on account delete',
    'Add a confirmation dialog before closing your account',
    'Purge uploaded files when an account is deleted',
    'Account deletion leaves the avatar behind',
  ]) {
    const c = classify(task);
    assert.equal(c.risk, 'high', `${task}: ${c.reasons[1]}`);
    assert.match(c.reasons[1]!, /deletes or loses user data ‘/, task);
  }
  // A question about it is still a question: the subject is a topic word.
  assert.equal(classify('Is account deletion supported?').risk, 'low');
});
