import { test } from 'node:test';
import assert from 'node:assert/strict';
import { likelyRiskLift, riskFromPaths } from '../../../src/core/routing/riskFromPaths';

test('paths under auth, payments, billing, migrations, security and Terraform files raise the risk to high', () => {
  const paths = [
    'src/auth/session.ts',
    'app/payments/refund.py',
    'billing/invoice.go',
    'db/migrations/2024_add_email.sql',
    'lib/security/csp.ts',
    'infra/main.tf',
  ];
  const hits = riskFromPaths(paths);
  assert.deepEqual(
    hits.map((h) => h.path),
    paths,
  );
  assert.ok(hits.every((h) => h.risk === 'high'));
  assert.deepEqual(
    hits.map((h) => h.ruleId),
    ['path-auth', 'path-payments', 'path-payments', 'path-migrations', 'path-security', 'path-infra'],
  );
});

test('CI workflow and pipeline files are build and CI configuration: medium, even when named auth or security', () => {
  const paths = [
    '.github/workflows/release.yml',
    '.github/workflows/security.yml',
    '.github/workflows/auth.yml',
    '.gitlab-ci.yml',
    '.circleci/config.yml',
    'Jenkinsfile',
  ];
  const hits = riskFromPaths(paths);
  assert.deepEqual(
    hits.map((h) => [h.path, h.ruleId, h.risk]),
    paths.map((p) => [p, 'path-ci', 'medium']),
  );
  assert.ok(hits.every((h) => h.label === 'CI configuration'));
});

test('ordinary code, tests and docs of risky areas raise nothing', () => {
  assert.deepEqual(
    riskFromPaths(['src/ui/button.tsx', 'test/auth/login.test.ts', 'docs/payments.md', 'README.md', 'src/author.ts']),
    [],
  );
});

test('ranked candidates keep their order, Windows separators and "./" are understood, each file once', () => {
  const hits = riskFromPaths(['src\\billing\\plan.ts', './src/auth/jwt.ts', 'src/auth/jwt.ts', 'src/ui/x.ts']);
  assert.deepEqual(
    hits.map((h) => [h.path, h.label]),
    [
      ['src\\billing\\plan.ts', 'payments / billing code'],
      ['./src/auth/jwt.ts', 'authentication code'],
    ],
  );
});

test("the locator's first candidate lifts the risk one step at most, naming the file", () => {
  const pay = ['src/payments/charge.ts', 'src/ui/cart.tsx'];
  assert.deepEqual(
    [likelyRiskLift('medium', pay)?.risk, likelyRiskLift('low', pay)?.risk, likelyRiskLift('high', pay)],
    ['high', 'medium', undefined],
  );
  assert.equal(
    likelyRiskLift('medium', pay)!.why,
    'high: the locator ranks src/payments/charge.ts first (payments / billing code)',
  );
  // CI configuration lifts low to medium and nothing more.
  assert.equal(likelyRiskLift('low', ['.github/workflows/ci.yml'])?.risk, 'medium');
  assert.equal(likelyRiskLift('medium', ['.github/workflows/ci.yml']), undefined);
  // Only the first candidate counts; tests and docs of risky areas are not code; no candidates, nothing.
  assert.equal(likelyRiskLift('medium', ['src/ui/cart.tsx', 'src/payments/charge.ts']), undefined);
  assert.equal(likelyRiskLift('medium', ['test/payments/charge.test.ts']), undefined);
  assert.equal(likelyRiskLift('medium', []), undefined);
});
