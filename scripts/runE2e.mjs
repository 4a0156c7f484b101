// Runs the end-to-end journeys (test/e2e/**/*.e2e.mjs, node:test): each drives the real VS Code
// workbench in headless chromium as a person would (see test/e2e/support/workbench.mjs). Builds first,
// installs the VS Code host if missing, runs the files one at a time (each starts its own server and
// browser; two cores), and reports {"passed":N,"failed":N} to $SWITCHYARD_RESULT_FILE.
// Screenshots: test-results/screenshots/.
//
// Env: SWITCHYARD_E2E_TIMEOUT_MS (whole run, default 900000), SWITCHYARD_E2E_TEST_TIMEOUT_MS (one test
//      or hook, default 180000), SWITCHYARD_SKIP_BUILD=1,
//      SWITCHYARD_E2E_FILTER=<substring of a file name>.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureHost } from './installHost.mjs';

// resolve(): no trailing slash, so paths built from it compare equal to other spellings.
const repoRoot = resolve(fileURLToPath(new URL('..', import.meta.url)));
const timeoutMs = Number(process.env.SWITCHYARD_E2E_TIMEOUT_MS ?? 900_000);
const testTimeoutMs = Number(process.env.SWITCHYARD_E2E_TEST_TIMEOUT_MS ?? 180_000);

function say(line) {
  process.stdout.write(`[e2e] ${line}\n`);
}

function writeResult(counts) {
  if (process.env.SWITCHYARD_RESULT_FILE) writeFileSync(process.env.SWITCHYARD_RESULT_FILE, JSON.stringify(counts));
}

function journeyFiles() {
  const dir = join(repoRoot, 'test', 'e2e');
  const filter = process.env.SWITCHYARD_E2E_FILTER;
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.e2e.mjs') && (!filter || e.name.includes(filter)))
    .map((e) => join(e.parentPath ?? e.path, e.name))
    .sort();
}

async function main() {
  const files = journeyFiles();
  if (files.length === 0) throw new Error('no test/e2e/**/*.e2e.mjs journeys found');
  if (process.env.SWITCHYARD_SKIP_BUILD !== '1') {
    say('npm run build');
    const r = spawnSync('npm', ['run', 'build', '--silent'], { cwd: repoRoot, stdio: 'inherit' });
    if (r.status !== 0) throw new Error(`"npm run build" failed (exit ${r.status}); fix the build errors above.`);
  }
  await ensureHost();

  const work = mkdtempSync(join(tmpdir(), 'switchyard-e2e-'));
  const tap = join(work, 'e2e.tap');
  try {
    const child = spawn(
      process.execPath,
      [
        '--test',
        '--test-concurrency=1',
        // One stuck step fails (with its name) instead of eating the whole run's time. (Not
        // --test-force-exit: on Node 20 it ends the run before the TAP summary we count is written.)
        `--test-timeout=${testTimeoutMs}`,
        '--test-reporter=spec',
        '--test-reporter-destination=stdout',
        '--test-reporter=tap',
        `--test-reporter-destination=${tap}`,
        ...files,
      ],
      // Own process group: on timeout the whole tree (test processes, servers, browsers) is stopped.
      { cwd: repoRoot, stdio: 'inherit', detached: true },
    );
    const stopChild = (signal) => {
      try {
        process.kill(-child.pid, signal);
      } catch {
        // already gone
      }
    };
    // The test processes clean up their servers and browsers on SIGTERM (test/support/vscodeHost.mjs).
    const onSignal = () => stopChild('SIGTERM');
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      say(`timed out after ${timeoutMs / 1000} s; stopping the journeys`);
      stopChild('SIGTERM');
      setTimeout(() => stopChild('SIGKILL'), 10_000).unref();
    }, timeoutMs);
    const code = await new Promise((resolve) => child.on('exit', (c, s) => resolve(c ?? (s ? 1 : 0))));
    clearTimeout(timer);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);

    const text = existsSync(tap) ? readFileSync(tap, 'utf8') : '';
    const count = (k) => Number((text.match(new RegExp(`^# ${k} (\\d+)$`, 'm')) ?? [])[1] ?? 0);
    const counts = { passed: count('pass'), failed: count('fail') + count('cancelled') };
    if ((code !== 0 || timedOut) && counts.failed === 0) counts.failed = 1;
    writeResult(counts);
    say(`${counts.passed} passed, ${counts.failed} failed${timedOut ? ' (timed out)' : ''}`);
    return counts.failed === 0 && counts.passed > 0 ? 0 : 1;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main()
  .then((code) => {
    process.exitCode = code;
  })
  .catch((err) => {
    process.stderr.write(`[e2e] FAILED: ${err.message}\n`);
    writeResult({ passed: 0, failed: 1 });
    process.exitCode = 1;
  });
