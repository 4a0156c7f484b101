import { test } from 'node:test';
import assert from 'node:assert/strict';
import { riskFromPaths } from '../../../src/core/routing/riskFromPaths';

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
