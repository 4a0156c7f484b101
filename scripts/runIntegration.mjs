// Runs the integration tests (test/integration/*.test.ts, mocha) inside a real VS Code extension host:
// builds, starts the VS Code server from .vscode-test/host (installing it if missing), opens the web
// workbench in headless chromium on a fresh copy of the sample workspace with the smoke-test payload
// (extension under development = this repo, tests = out/test/integration/index.js), streams the
// extension host's mocha output, and reports {"passed":N,"failed":N} to $SWITCHYARD_RESULT_FILE.
//
// Two passes (see passes()): everything with Workspace Trust off, then the "untrusted" suites with
// trust on and the folder not trusted. Counts are summed.
//
// Env: SWITCHYARD_INTEGRATION_TIMEOUT_MS (per pass, default 300000), SWITCHYARD_TEST_GREP (one pass,
//      mocha grep), SWITCHYARD_SKIP_BUILD=1 (reuse the last build), SWITCHYARD_TRUST=1 (one pass, trust on),
//      SWITCHYARD_VERBOSE=1 (also print the workbench's routine log lines).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { format } from 'node:util';
import { ensureHost } from './installHost.mjs';
import { closeEverything, repoRoot, startHost } from '../test/support/vscodeHost.mjs';

const RESULT_PREFIX = 'SWITCHYARD_RESULT ';
const verbose = process.env.SWITCHYARD_VERBOSE === '1';
const ANSI = /\u001b\[[0-9;]*m/g;
// The workbench's own chatter on every run, harmless here; SWITCHYARD_VERBOSE=1 shows it.
const NOISE = [
  /^Ignoring fetching additional builtin extensions from gallery as it is disabled\.$/,
  /^Updating additional builtin extensions cache$/,
  /^(Resolving|Resolved) connection token/,
  /^Creating a socket \(renderer-/,
  /^\[Service Worker\] registration/,
  /^ChatSessionStore: Migrating 0 chat sessions/,
];
const timeoutMs = Number(process.env.SWITCHYARD_INTEGRATION_TIMEOUT_MS ?? 300_000);
// Suites for the trust-on pass are found by this word in their title (see passes()).
const UNTRUSTED_GREP = 'untrusted';
const testsEntry = join(repoRoot, 'out', 'test', 'integration', 'index.js');
const lmFixture = join(repoRoot, 'test', 'fixtures', 'lm-provider');

function say(line) {
  process.stdout.write(`[integration] ${line}\n`);
}

function writeResult(counts) {
  if (process.env.SWITCHYARD_RESULT_FILE) writeFileSync(process.env.SWITCHYARD_RESULT_FILE, JSON.stringify(counts));
}

/** Every test/integration/**\/*.test.ts must be listed in index.ts, or it would silently not run. */
function unlistedTestFiles() {
  const dir = join(repoRoot, 'test', 'integration');
  const index = readFileSync(join(dir, 'index.ts'), 'utf8');
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.test.ts'))
    .map((e) =>
      relative(dir, join(e.parentPath ?? e.path, e.name))
        .split('\\')
        .join('/'),
    )
    .filter((f) => !index.includes(`'${f}'`));
}

function build() {
  if (process.env.SWITCHYARD_SKIP_BUILD === '1' && existsSync(testsEntry)) return;
  say('npm run build');
  const r = spawnSync('npm', ['run', 'build', '--silent'], { cwd: repoRoot, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`"npm run build" failed (exit ${r.status}); fix the build errors above.`);
  if (!existsSync(testsEntry)) throw new Error(`the build did not produce ${testsEntry}; see esbuild.config.mjs.`);
}

function formatLogArgs(args) {
  // The extension host forwards console.* calls as their raw arguments (mocha's reporters pass
  // printf-style format strings), so format them the way console.log would have.
  const list = Array.isArray(args) ? args : [args];
  return format(...list);
}

/**
 * One extension host run: fresh server, browser and workspace copy; returns mocha's counts.
 * A pass that cannot produce a result throws (the caller counts it as a failure).
 */
async function runPass({ label, trust, grep }) {
  const started = Date.now();
  const env = grep ? { SWITCHYARD_TEST_GREP: grep } : {};
  // Beside Switchyard, a fixture extension that registers a language model (vscodeLm.test.ts). It is
  // installed, not a second development path: the server loads only one of those.
  const host = await startHost({ trust, env, extraExtensions: [lmFixture] });
  let result;
  let exitCode;
  let timer;
  try {
    say(`${label}: VS Code server on ${host.server.origin}, workspace ${host.folder}`);
    const finished = new Promise((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
      host
        .openWorkbench({
          extensionTestsPath: testsEntry,
          waitForWorkbench: false,
          onLog: (type, args) => {
            const text = formatLogArgs(args).replace(ANSI, '');
            for (const line of text.split('\n')) {
              if (line.startsWith(RESULT_PREFIX)) {
                try {
                  result = JSON.parse(line.slice(RESULT_PREFIX.length));
                } catch {
                  // a malformed result line is reported below as "no result"
                }
              }
            }
            if (!verbose && NOISE.some((re) => re.test(text))) return;
            (type === 'error' ? process.stderr : process.stdout).write(text + '\n');
          },
          onExit: (code) => {
            exitCode = code;
            resolve('exit');
          },
        })
        .catch((err) => resolve(err));
    });
    const how = await finished;
    if (how instanceof Error) throw new Error(`${label}: could not open the workbench: ${how.message}`);
    if (how === 'timeout') {
      throw new Error(
        `${label}: no result within ${timeoutMs / 1000} s (tests still running or the extension host hung). ` +
          `Server output tail:\n${host.server.output().slice(-3000)}`,
      );
    }
  } finally {
    clearTimeout(timer);
    await host.close();
  }
  if (!result) {
    throw new Error(
      `${label}: the extension host exited with code ${exitCode} without a "${RESULT_PREFIX.trim()}" line: the ` +
        'tests entry failed to load or mocha crashed (see the output above).',
    );
  }
  const counts = { passed: result.passed, failed: result.failed };
  // A non-zero exit with no failed test (e.g. a crash after the run) still fails the suite.
  if (exitCode !== 0 && counts.failed === 0) counts.failed = 1;
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  say(
    `${label}: ${counts.passed} passed, ${counts.failed} failed, ${result.pending ?? 0} pending ` +
      `(${seconds} s, exit ${exitCode})`,
  );
  return counts;
}

/**
 * The passes to run. Default: every test with Workspace Trust off, then the suites whose title
 * contains "untrusted" again with trust ON and the folder not trusted (they skip themselves in the
 * first pass). SWITCHYARD_TRUST=1 runs a single pass with trust on; SWITCHYARD_TEST_GREP a single
 * pass filtered by mocha grep.
 */
function passes() {
  const grep = process.env.SWITCHYARD_TEST_GREP;
  if (process.env.SWITCHYARD_TRUST === '1') return [{ label: 'trust on', trust: true, grep }];
  if (grep) return [{ label: 'trust off', trust: false, grep }];
  const list = [{ label: 'trust off', trust: false }];
  const dir = join(repoRoot, 'test', 'integration');
  const needsTrustPass = readdirSync(dir, { recursive: true })
    .filter((f) => String(f).endsWith('.test.ts'))
    .some((f) => /suite\(\s*['"`][^'"`]*untrusted/.test(readFileSync(join(dir, String(f)), 'utf8')));
  if (needsTrustPass) list.push({ label: 'untrusted workspace', trust: true, grep: UNTRUSTED_GREP });
  return list;
}

async function main() {
  const started = Date.now();
  const unlisted = unlistedTestFiles();
  if (unlisted.length) {
    throw new Error(
      `test/integration/index.ts does not list ${unlisted.join(', ')}: add each to TEST_FILES there, ` +
        'or it would never run.',
    );
  }
  build();
  await ensureHost();
  const total = { passed: 0, failed: 0 };
  for (const pass of passes()) {
    let counts;
    try {
      counts = await runPass(pass);
    } catch (err) {
      process.stderr.write(`[integration] FAILED: ${err.message}\n`);
      counts = { passed: 0, failed: 1 };
    }
    total.passed += counts.passed;
    total.failed += counts.failed;
  }
  writeResult(total);
  say(`${total.passed} passed, ${total.failed} failed (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  return total.failed === 0 && total.passed > 0 ? 0 : 1;
}

main()
  .then((code) => {
    process.exitCode = code;
  })
  .catch(async (err) => {
    await closeEverything();
    process.stderr.write(`[integration] FAILED: ${err.message}\n`);
    writeResult({ passed: 0, failed: 1 });
    process.exitCode = 1;
  });
