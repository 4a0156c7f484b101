// The integration tests under @vscode/test-electron: desktop VS Code (Electron), downloaded on first
// use into .vscode-test/. For machines WITH internet (a laptop, a public CI); the offline machines
// this project is built on use scripts/runIntegration.mjs (code-server's VS Code + chromium) instead.
// Same tests entry (out/test/integration/index.js), same fresh copy of the sample workspace, same
// result file: {"passed":N,"failed":N} to $SWITCHYARD_RESULT_FILE.
//
// Env: SWITCHYARD_VSCODE_VERSION (default 1.100.3, matching engines.vscode and the offline host),
//      SWITCHYARD_SKIP_BUILD=1, SWITCHYARD_TEST_GREP. On a headless Linux box run it under xvfb-run.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// resolve(): no trailing slash, so paths built from it compare equal to other spellings.
const repoRoot = resolve(fileURLToPath(new URL('..', import.meta.url)));
const testsEntry = join(repoRoot, 'out', 'test', 'integration', 'index.js');
const version = process.env.SWITCHYARD_VSCODE_VERSION ?? '1.100.3';

function writeResult(counts) {
  if (process.env.SWITCHYARD_RESULT_FILE) writeFileSync(process.env.SWITCHYARD_RESULT_FILE, JSON.stringify(counts));
}

async function main() {
  if (process.env.SWITCHYARD_SKIP_BUILD !== '1') {
    const r = spawnSync('npm', ['run', 'build', '--silent'], { cwd: repoRoot, stdio: 'inherit' });
    if (r.status !== 0) throw new Error(`"npm run build" failed (exit ${r.status})`);
  }
  if (!existsSync(testsEntry)) throw new Error(`${testsEntry} is missing; the build should have produced it`);
  const { runTests } = await import('@vscode/test-electron');
  const work = mkdtempSync(join(tmpdir(), 'switchyard-electron-'));
  const workspace = join(work, 'sample-workspace');
  cpSync(join(repoRoot, 'test', 'fixtures', 'sample-workspace'), workspace, { recursive: true });
  const resultFile = join(work, 'result.json');
  let exitCode;
  try {
    exitCode = await runTests({
      version,
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: testsEntry,
      extensionTestsEnv: {
        SWITCHYARD_EXT_RESULT_FILE: resultFile,
        ...(process.env.SWITCHYARD_TEST_GREP ? { SWITCHYARD_TEST_GREP: process.env.SWITCHYARD_TEST_GREP } : {}),
      },
      launchArgs: [
        workspace,
        '--disable-extensions',
        '--disable-workspace-trust',
        '--user-data-dir',
        join(work, 'user-data'),
        '--extensions-dir',
        join(work, 'extensions'),
      ],
    }).catch((err) => {
      // runTests rejects when the tests fail; the counts still come from the result file.
      process.stderr.write(`[integration-electron] ${err?.message ?? err}\n`);
      return 1;
    });
    const result = existsSync(resultFile) ? JSON.parse(readFileSync(resultFile, 'utf8')) : undefined;
    if (!result) throw new Error('the extension host wrote no result: the tests entry failed to load (see above)');
    const counts = { passed: result.passed, failed: result.failed };
    if (exitCode !== 0 && counts.failed === 0) counts.failed = 1;
    writeResult(counts);
    process.stdout.write(`[integration-electron] ${counts.passed} passed, ${counts.failed} failed\n`);
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
    process.stderr.write(`[integration-electron] FAILED: ${err.message}\n`);
    writeResult({ passed: 0, failed: 1 });
    process.exitCode = 1;
  });
