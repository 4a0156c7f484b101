// The integration-test entry that runs inside a real VS Code extension host (bundled by
// esbuild.config.mjs to out/test/integration/index.js, `vscode` and `mocha` left external). The same
// test-electron style `run()` serves scripts/runIntegration.mjs (code-server's VS Code + chromium,
// offline) and scripts/runIntegrationElectron.mjs (@vscode/test-electron, needs internet).
//
// HOW TO ADD TESTS: write test/integration/<name>.test.ts with mocha's TDD globals (suite, test,
// suiteSetup, suiteTeardown, setup, teardown) and add one line for it to TEST_FILES below. esbuild
// bundles a single entry, so files are not discovered at run time; runIntegration.mjs refuses to run
// when a *.test.ts under test/integration is missing from TEST_FILES, so none is silently skipped.
// Each file is required lazily, after mocha has put its globals in place. Keep activation.test.ts
// first: it must see the extension before anything activates it.
//
// Workspace Trust: runIntegration.mjs's first pass runs everything with trust off (the folder counts
// as trusted). Suites whose title contains "untrusted" run again in a second pass with trust on and
// the folder not trusted; they skip themselves in the first pass (`if (vscode.workspace.isTrusted)
// this.skip()`).
//
// Output: mocha's spec reporter (plain text, forwarded by the extension host to the runner), then
// one machine-readable line `SWITCHYARD_RESULT {"passed":N,"failed":N,"pending":N}` the runner parses
// (also written to $SWITCHYARD_EXT_RESULT_FILE when set).
import { writeFileSync } from 'node:fs';

// @types/mocha declares the global class `Mocha` (types only here; the value is loaded below).
type MochaClass = typeof Mocha;

const TEST_FILES: Record<string, () => unknown> = {
  'activation.test.ts': () => require('./activation.test'),
  'routeTask.test.ts': () => require('./routeTask.test'),
  'policyErrors.test.ts': () => require('./policyErrors.test'),
  'untrusted.test.ts': () => require('./untrusted.test'),
  'hostileHost.test.ts': () => require('./hostileHost.test'),
  'keyDestinations.test.ts': () => require('./keyDestinations.test'),
  'cancelRun.test.ts': () => require('./cancelRun.test'),
  'reviewActions.test.ts': () => require('./reviewActions.test'),
  'editorContext.test.ts': () => require('./editorContext.test'),
  'streaming.test.ts': () => require('./streaming.test'),
  'humanGate.test.ts': () => require('./humanGate.test'),
  'vscodeLm.test.ts': () => require('./vscodeLm.test'),
  'anthropicCritic.test.ts': () => require('./anthropicCritic.test'),
  'routingReview.test.ts': () => require('./routingReview.test'),
  'proposedContent.test.ts': () => require('./proposedContent.test'),
  'residency.test.ts': () => require('./residency.test'),
  'telemetry.test.ts': () => require('./telemetry.test'),
  'agentImplementer.test.ts': () => require('./agentImplementer.test'),
};

export const RESULT_PREFIX = 'SWITCHYARD_RESULT ';

function loadMocha(): MochaClass {
  // mocha 12 is an ES module wrapping its CommonJS build. Node >= 20.19 can require() it; an older
  // runtime (e.g. an older Electron under test-electron) cannot, so fall back to the CommonJS build.
  let mod: { default?: MochaClass } & MochaClass;
  try {
    mod = require('mocha');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ERR_REQUIRE_ESM') throw err;
    mod = require('mocha/lib/mocha.cjs');
  }
  return mod.default ?? mod;
}

export function run(): Promise<void> {
  const MochaCtor = loadMocha();
  const grep = process.env.SWITCHYARD_TEST_GREP;

  class SwitchyardReporter extends MochaCtor.reporters.Spec {
    constructor(runner: Mocha.Runner, options?: Mocha.MochaOptions) {
      super(runner, options);
      runner.once('end', () => {
        const stats = runner.stats ?? { passes: 0, failures: 0, pending: 0 };
        const result = JSON.stringify({ passed: stats.passes, failed: stats.failures, pending: stats.pending });
        console.log(RESULT_PREFIX + result);
        // Runners that cannot see the extension host's console (test-electron) ask for a file.
        const file = process.env.SWITCHYARD_EXT_RESULT_FILE;
        if (file) writeFileSync(file, result);
      });
    }
  }

  const mocha = new MochaCtor({
    ui: 'tdd',
    color: false,
    timeout: 60_000,
    reporter: SwitchyardReporter as unknown as string,
    ...(grep ? { grep } : {}),
  });

  for (const [file, load] of Object.entries(TEST_FILES)) {
    mocha.suite.emit('pre-require', globalThis, file, mocha);
    load();
    mocha.suite.emit('require', undefined, file, mocha);
    mocha.suite.emit('post-require', globalThis, file, mocha);
  }

  return new Promise((resolve, reject) => {
    try {
      mocha.run((failures: number) => {
        if (failures > 0) reject(new Error(`${failures} integration test(s) failed.`));
        else resolve();
      });
    } catch (err) {
      reject(err);
    }
  });
}
