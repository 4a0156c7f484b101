import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classify } from '../../../src/core/routing/classifier';
import { ClassificationSchema } from '../../../src/core/routing/classificationSchema';

// [task, kind (undefined: the rubric names no single kind), risk]
const cases: Array<[string, string | undefined, string]> = [
  ['Fix typo in README', 'docs', 'low'],
  ['Update the docs for the install guide', 'docs', 'low'],
  ['Add unit tests for the tokenizer', 'test', 'low'],
  ['What does the parser do?', 'question', 'low'],
  ['Explain how the routing works', 'question', 'low'],
  ['Bump lodash to 4.17.21', 'chore', 'medium'],
  ['Refactor the config loader into smaller modules', 'refactor', 'medium'],
  ['Fix the crash when the list is empty', 'bugfix', 'medium'],
  ['Add dark mode toggle to the settings page', 'feature', 'medium'],
  ['Add OAuth login with refresh tokens', 'feature', 'high'],
  ['Add a schema migration for the users table', 'feature', 'high'],
  ['Fix race condition in job queue worker', 'bugfix', 'high'],
  ['Fix XSS in the comment renderer', 'bugfix', 'high'],
  ['Add Stripe refunds to the billing page', 'feature', 'high'],
  ['Purge inactive user accounts nightly', 'feature', 'high'],
  // Rotating keys and changing how production deploys add no capability: the rubric makes them
  // infrastructure configuration (chore) or a restructuring, not a feature. The risk is what matters.
  ['Rotate the API keys stored in the vault', undefined, 'high'],
  ['Change the production deploy to use blue/green', undefined, 'high'],
  ['Convert the callback code in src/db/pool.ts to async/await', 'refactor', 'medium'],
  ['Add a GitHub Actions workflow to run tests', 'chore', 'medium'],
];

for (const [task, kind, risk] of cases) {
  test(`classifies "${task}" as ${kind}/${risk}`, () => {
    const c = classify(task);
    if (kind) assert.equal(c.kind, kind, JSON.stringify(c.reasons));
    assert.equal(c.risk, risk, JSON.stringify(c.reasons));
    assert.ok(ClassificationSchema.safeParse(c).success);
  });
}

// The rubric: "a topic word alone never sets the risk … the work decides". Tests-only and docs
// work about auth or encryption is low; a typo in an email's text is a small text change. (These
// four were asserted high before the rubric; a migration file's formatting migrates nothing.)
test('a topic word in docs or tests-only work sets no risk (rubric)', () => {
  assert.equal(classify('Add tests for the auth middleware').risk, 'low');
  assert.equal(classify('Document the encryption key rotation').risk, 'low');
  assert.notEqual(classify('Fix typo in the password reset email').risk, 'high');
  assert.notEqual(classify('Format the migration file').risk, 'low', 'a migration file is still never called low');
});

test('high-risk phrasings that are easy to miss are caught', () => {
  for (const task of [
    'Store user tokens in localStorage instead of cookies',
    'Make the session cookie HttpOnly and Secure',
    'Escape user input in the search template',
    'Rotate the signing keys',
    'Drop the legacy orders table',
    'Change the retention period for audit logs to 30 days',
    'Add an index to the events table',
    'Allow admins to impersonate users',
    'Update the CORS allowed origins',
    'Remove user accounts that have been inactive for 2 years',
    'Validate the uploaded file type before saving',
    'Bump openssl in the Docker image',
    'Update the env var for the database URL',
  ]) {
    assert.equal(classify(task).risk, 'high', task);
  }
});

test('ordinary UI and code chores are not called high', () => {
  for (const task of [
    'Add a dark mode toggle',
    'Remove the unused import in app.ts',
    'Remove the history panel from the sidebar',
    'Make the admin page title bold',
    'Count tokens in the prompt before sending',
    'Add a loading spinner to the table component',
    'Rename the tokenizer class',
  ]) {
    assert.notEqual(classify(task).risk, 'high', task);
  }
});

test('CI, build and dependency work is never low, even when it mentions tests or docs', () => {
  const c = classify('Upload the coverage report in CI');
  assert.equal(c.risk, 'medium');
  assert.match(c.reasons[1]!, /build, CI or dependency work/);
});

test('a question that also asks for a change is not a question', () => {
  const c = classify('Can you add a retry to the fetch helper?');
  assert.notEqual(c.kind, 'question');
  assert.equal(c.kind, 'feature');
});

test('signals name the rule and carry the matched words as evidence', () => {
  const c = classify('Fix the SQL injection in search');
  assert.ok(c.signals.includes('security hole'));
  const sec = c.details.find((d) => d.id === 'security');
  assert.ok(sec);
  assert.match(sec.evidence, /injection/);
  assert.match(c.reasons[1]!, /^high: .*security hole ‘sql injection’/);
});

test('context file paths can raise risk even when the text is bland', () => {
  const bland = classify('Tidy up this function');
  assert.notEqual(bland.risk, 'high');
  const withPath = classify('Tidy up this function', { filePaths: ['src/auth/session.ts', './src/auth/session.ts'] });
  assert.equal(withPath.risk, 'high');
  assert.ok(withPath.signals.includes('authentication code in play'));
  assert.equal(withPath.signals.filter((s) => s === 'authentication code in play').length, 1, 'a file is named once');
  assert.match(
    withPath.reasons[1]!,
    /^high: src\/auth\/session\.ts \(authentication code\)/,
    'the reason names the file',
  );
});

test("the locator's first candidate lifts code work one step and names the file; docs and questions stay", () => {
  const task = 'Round the totals on the receipt to whole cents';
  const plain = classify(task);
  assert.equal(plain.risk, 'medium', plain.reasons[1]);
  const likely = classify(task, { likelyPaths: ['src/billing/receipt.ts', 'src/ui/receipt.tsx'] });
  assert.equal(likely.risk, 'high');
  assert.match(
    likely.reasons[1]!,
    /^high: the locator ranks src\/billing\/receipt\.ts first \(payments \/ billing code\)/,
  );
  assert.equal(likely.calls!.risk.rule, 'likely file: src/billing/receipt.ts');
  assert.ok(likely.signals.includes('payments / billing code likely'));
  // A guess never takes a low change straight to high.
  const copy = classify('Fix typo in error message', { likelyPaths: ['src/auth/login.ts'] });
  assert.equal(copy.risk, 'medium', copy.reasons[1]);
  // Work that changes no code is not lifted by where the locator looks.
  const docs = classify('Document the receipt fields in the README', { likelyPaths: ['src/billing/receipt.ts'] });
  assert.equal(docs.risk, 'low', docs.reasons[1]);
  // Only the first candidate counts.
  assert.equal(classify(task, { likelyPaths: ['src/ui/receipt.tsx', 'src/billing/receipt.ts'] }).risk, 'medium');
});

test('a CI workflow file in play lifts a low call to medium, naming the file, and never makes it high', () => {
  const copy = 'Fix typo in error message';
  assert.equal(classify(copy).risk, 'low', 'the bland text alone is low');
  const ci = classify(copy, { filePaths: ['.github/workflows/ci.yml'] });
  assert.equal(ci.risk, 'medium');
  assert.match(ci.reasons[1]!, /^medium: \.github\/workflows\/ci\.yml \(CI configuration\)/);
  assert.equal(ci.calls!.risk.rule, 'file in play: .github/workflows/ci.yml');
  assert.ok(ci.signals.includes('CI configuration in play'));
  const tidy = classify('Tidy up this function', { filePaths: ['.github/workflows/deploy.yml'] });
  assert.notEqual(tidy.risk, 'high', tidy.reasons[1]);
  // A high-risk file beside it still decides.
  const both = classify(copy, { filePaths: ['.github/workflows/ci.yml', 'infra/main.tf'] });
  assert.equal(both.risk, 'high');
  assert.match(both.reasons[1]!, /infra\/main\.tf/);
});

test('a file path written in the task is a module name, not a trivial job: it never lowers the risk', () => {
  // "format.ts" is not formatting work, "comments/" not a comments-only change.
  const crash = classify('Fix the crash in src/format.ts');
  assert.equal(crash.risk, 'medium', JSON.stringify(crash.reasons));
  assert.ok(!crash.signals.includes('formatting'));
  const threads = classify('Handle empty threads in src/comments/thread.ts');
  assert.equal(threads.risk, 'medium', JSON.stringify(threads.reasons));
  assert.notEqual(threads.kind, 'docs');
  // The same words outside a path still count, and a path still raises risk.
  assert.equal(classify('Fix the formatting in src/cart.ts').risk, 'low');
  assert.equal(classify('Tidy src/auth/format.ts').risk, 'high');
  assert.equal(classify('Update README.md').kind, 'docs');
});

test('several modules or a large selection makes a change at least medium; docs stay low (rubric)', () => {
  const c = classify('Rename the helper', { filePaths: ['src/a/x.ts', 'lib/b/y.ts', 'pkg/c/z.ts'] });
  assert.notEqual(c.risk, 'low');
  assert.ok(c.signals.includes('several modules'));
  const sel = classify('Rename the helper', { selectionLines: 800 });
  assert.notEqual(sel.risk, 'low');
  assert.ok(sel.signals.includes('large selection'));
  // A typo fix in comments is documentation wherever the files are: the rubric makes docs low.
  const docs = classify('Fix typo in comments', { filePaths: ['src/a/x.ts', 'lib/b/y.ts', 'pkg/c/z.ts'] });
  assert.equal(docs.kind, 'docs');
  assert.equal(docs.risk, 'low');
});

test('error diagnostics point at a bugfix', () => {
  const c = classify('Make this work', {
    diagnostics: [{ severity: 'error', message: "Cannot read properties of undefined (reading 'x')" }],
  });
  assert.equal(c.kind, 'bugfix');
  assert.ok(c.signals.includes('error diagnostics in context'));
});

test('"lock file" is a dependency chore, not a locking change', () => {
  const c = classify('Regenerate the lock file');
  assert.equal(c.kind, 'chore');
  assert.notEqual(c.risk, 'high');
});

test('deterministic: the same input gives the same output', () => {
  const a = classify('Add OAuth login', { filePaths: ['src/x.ts'] });
  const b = classify('Add OAuth login', { filePaths: ['src/x.ts'] });
  assert.deepEqual(a, b);
});

// Speed (p99 under 5 ms per call) is a figure `npm run bench` measures (bench/routing-quality.mjs),
// not a timed test: on a shared machine a timed test fails for reasons that are not the code.
