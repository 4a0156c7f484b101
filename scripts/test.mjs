// Runs every test suite (or the ones named: unit, integration, e2e), after the set-up a fresh
// machine needs (scripts/setup.mjs; skip with --no-setup), and ends with one line
// "N passed, N failed" summing them all. Each suite runner reports its counts as JSON
// {"passed":N,"failed":N} into the file named by SWITCHYARD_RESULT_FILE.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { setup } from './setup.mjs';

const root = new URL('..', import.meta.url).pathname;
const all = ['unit', 'integration', 'e2e'];
const wanted = process.argv.slice(2).filter((a) => all.includes(a));
const suites = wanted.length ? wanted : all;

function findTests(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.test.ts'))
    .map((e) => join(e.parentPath ?? e.path, e.name))
    .sort();
}

const runners = {
  unit: (resultFile) => {
    const files = findTests(join(root, 'test/unit'));
    const tap = resultFile + '.tap';
    const r = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        '--test',
        '--test-reporter=spec',
        '--test-reporter-destination=stdout',
        '--test-reporter=tap',
        `--test-reporter-destination=${tap}`,
        ...files,
      ],
      { cwd: root, stdio: 'inherit' },
    );
    const text = existsSync(tap) ? readFileSync(tap, 'utf8') : '';
    const count = (k) => Number((text.match(new RegExp(`^# ${k} (\\d+)$`, 'm')) ?? [])[1] ?? 0);
    const failed = count('fail') + count('cancelled');
    return { passed: count('pass'), failed: failed || (r.status === 0 ? 0 : 1) };
  },
  integration: (resultFile) => runScript('scripts/runIntegration.mjs', resultFile),
  e2e: (resultFile) => runScript('scripts/runE2e.mjs', resultFile),
};

function runScript(script, resultFile) {
  if (!existsSync(join(root, script))) {
    console.log(`(${script} not present)`);
    return { passed: 0, failed: 1 };
  }
  const r = spawnSync(process.execPath, [script], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, SWITCHYARD_RESULT_FILE: resultFile },
  });
  try {
    const counts = JSON.parse(readFileSync(resultFile, 'utf8'));
    if (r.status !== 0 && counts.failed === 0) counts.failed = 1;
    return counts;
  } catch {
    return { passed: 0, failed: 1 };
  }
}

// `npm test` on a fresh clone does its own set-up (Debian packages, npm ci, the VS Code host).
if (!process.argv.includes('--no-setup')) setup({ host: suites.some((s) => s !== 'unit') });

const work = mkdtempSync(join(tmpdir(), 'switchyard-test-'));
let passed = 0;
let failed = 0;
const lines = [];
try {
  for (const suite of suites) {
    console.log(`\n=== ${suite} ===`);
    const started = Date.now();
    const c = runners[suite](join(work, `${suite}.json`));
    passed += c.passed;
    failed += c.failed;
    lines.push(`${suite}: ${c.passed} passed, ${c.failed} failed (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
console.log('\n' + lines.join('\n'));
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed === 0 && passed > 0 ? 0 : 1;
