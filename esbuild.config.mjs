// Builds every bundle Switchyard ships or tests with.
//   dist/extension.js  registration only: small so VS Code loads it fast
//   dist/main.js       everything else the extension needs, required on first use
//   dist/webview.js    the routing panel's app (browser), from webview/main.ts
//   dist/scorecard.js  the Scorecard view's app, from webview/scorecard/main.ts
//   dist/routingReview.js  the routing review's app, from webview/routingReview/main.ts
//   dist/cli.js        the `switchyard` command line: a launcher that loads dist/cliLocate.js for
//                      `locate` (small, so a warm answer is fast) and dist/cliMain.js for the rest
//   dist/telemetry.js  the OpenTelemetry exporter, required by main.js and cliMain.js only when export is on
//   out/test/...       the integration-test entry that runs inside the extension host
// Flags: --release (minify, no test bundles), --watch.
import * as esbuild from 'esbuild';
import { chmodSync, copyFileSync, existsSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';

const release = process.argv.includes('--release');
const watch = process.argv.includes('--watch');

const nodeCommon = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: true,
  minify: release,
  logLevel: 'warning',
  legalComments: 'none',
};

// loadOtlpSink.ts requires ./otlpSink; in main.js and cli.js that becomes require('./telemetry.js'),
// the chunk built below, so the OpenTelemetry SDK stays out of both until export is switched on.
/** @type {esbuild.Plugin} */
const telemetryChunk = {
  name: 'telemetry-chunk',
  setup(build) {
    build.onResolve({ filter: /^\.\/otlpSink$/ }, (args) =>
      args.importer.endsWith('loadOtlpSink.ts') ? { path: './telemetry.js', external: true } : undefined,
    );
  },
};

/** @type {esbuild.BuildOptions[]} */
const builds = [
  { ...nodeCommon, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode', './main.js'] },
  {
    ...nodeCommon,
    entryPoints: ['src/vscode/main.ts'],
    outfile: 'dist/main.js',
    external: ['vscode'],
    plugins: [telemetryChunk],
  },
  {
    ...nodeCommon,
    entryPoints: ['src/cli/entry.ts'],
    outfile: 'dist/cli.js',
    banner: { js: '#!/usr/bin/env node' },
    external: ['./cliLocate.js', './cliMain.js'],
  },
  {
    ...nodeCommon,
    entryPoints: ['src/core/telemetry/otlpSink.ts'],
    outfile: 'dist/telemetry.js',
    // The OpenTelemetry packages' ES module builds tree-shake (their CommonJS ones pull in every
    // semantic-convention name): 117 KB instead of 308 KB, read when export is switched on.
    mainFields: ['module', 'main'],
  },
  { ...nodeCommon, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cliMain.js', plugins: [telemetryChunk] },
  { ...nodeCommon, entryPoints: ['src/cli/locateCli.ts'], outfile: 'dist/cliLocate.js' },
  {
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    sourcemap: !release,
    minify: true,
    logLevel: 'warning',
    legalComments: 'none',
    // One bundle per view (each page loads only its own app), all on webview/'s shared dom.ts and
    // hostChannel.ts and src/protocol's channel.ts.
    entryPoints: {
      webview: 'webview/main.ts',
      scorecard: 'webview/scorecard/main.ts',
      routingReview: 'webview/routingReview/main.ts',
    },
    outdir: 'dist',
  },
];

if (!release && existsSync('test/integration/index.ts')) {
  builds.push({
    ...nodeCommon,
    entryPoints: ['test/integration/index.ts'],
    outfile: 'out/test/integration/index.js',
    external: ['vscode', 'mocha'],
  });
}

mkdirSync('dist', { recursive: true });
copyTreeSitter();
if (watch) {
  const contexts = await Promise.all(builds.map((b) => esbuild.context(b)));
  await Promise.all(contexts.map((c) => c.watch()));
  console.log('esbuild: watching');
} else {
  await Promise.all([...builds.map((b) => esbuild.build(b)), writeRoutingSchema()]);
  chmodSync('dist/cli.js', 0o755);
}

// dist/tree-sitter/: the tree-sitter runtime and the grammars the index parses with, loaded on first
// use by src/core/context/treeSitter.ts (never part of a bundle, never read at activation).
function copyTreeSitter() {
  const req = createRequire(import.meta.url);
  const from = dirname(req.resolve('@vscode/tree-sitter-wasm'));
  mkdirSync('dist/tree-sitter', { recursive: true });
  const files = [
    'tree-sitter.js',
    'tree-sitter.wasm',
    ...['typescript', 'tsx', 'javascript', 'python', 'go', 'rust', 'java'].map((g) => `tree-sitter-${g}.wasm`),
  ];
  for (const f of files) copyFileSync(join(from, f), join('dist/tree-sitter', f));
  copyFileSync(join(from, '..', 'LICENSE'), join('dist/tree-sitter', 'LICENSE'));
}

// dist/routing.schema.json, contributed through `jsonValidation`: generated from the zod schema.
async function writeRoutingSchema() {
  const tmp = 'out/build/jsonSchema.cjs';
  await esbuild.build({
    ...nodeCommon,
    minify: false,
    sourcemap: false,
    entryPoints: ['src/core/config/jsonSchema.ts'],
    outfile: tmp,
  });
  const { routingPolicyJsonSchema } = createRequire(import.meta.url)('./' + tmp);
  writeFileSync('dist/routing.schema.json', JSON.stringify(routingPolicyJsonSchema(), null, 2) + '\n');
  rmSync(tmp);
}
