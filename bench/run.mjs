// `npm run bench`: measures what users feel and writes bench/results.json (one key per figure,
// flat, machine-readable) and a table. Each section is a module in bench/ exporting
// `run(): Promise<Record<string, number | string>>`; timings are reported beside a baseline
// measured in the same run wherever one exists. Sections: node bench/run.mjs [name …].
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = new URL('..', import.meta.url).pathname;
const SECTIONS = [
  'bundles',
  'routing',
  'routing-quality',
  'edits',
  'streaming',
  'activation',
  'isolation',
  'memory',
  'load',
  'localization',
  'residency',
  'sandbox',
  'telemetry',
];

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const sections = wanted.length ? wanted : SECTIONS;

// Benchmarks measure the release build, as users run it.
const build = spawnSync('npm', ['run', 'build:release', '--silent'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) throw new Error('bench: the release build failed');

const resultsFile = join(root, 'bench/results.json');
const results = existsSync(resultsFile) ? JSON.parse(readFileSync(resultsFile, 'utf8')) : {};
const failures = [];
for (const name of sections) {
  const file = join(root, 'bench', `${name}.mjs`);
  if (!existsSync(file)) {
    failures.push(`${name}: bench/${name}.mjs does not exist yet`);
    continue;
  }
  const started = Date.now();
  process.stdout.write(`bench: ${name} … `);
  try {
    const mod = await import(pathToFileURL(file).href);
    const figures = await mod.run({ root });
    // A section's figures replace its earlier ones whole, so a renamed figure leaves no stale key.
    for (const k of Object.keys(results)) if (k.startsWith(`${name}.`)) delete results[k];
    for (const [k, v] of Object.entries(figures)) results[`${name}.${k}`] = v;
    console.log(`${((Date.now() - started) / 1000).toFixed(1)} s`);
  } catch (err) {
    console.log('failed');
    failures.push(`${name}: ${err?.stack ?? err}`);
  }
}
// Ratios against the baselines measured in the same run.
const ratio = (a, b) =>
  typeof results[a] === 'number' && typeof results[b] === 'number' && results[b] > 0
    ? Math.round((results[a] / results[b]) * 1000) / 1000
    : undefined;
const derived = {
  'activation.ratioVsEmptyExtension': ratio(
    'activation.hostActivateMsMedian',
    'activation.emptyExtensionHostActivateMsMedian',
  ),
  'load.maxEventLoopDelayVsIdle': ratio('load.maxEventLoopDelayMs', 'load.idleMaxEventLoopDelayMs'),
};
for (const [k, v] of Object.entries(derived)) if (v !== undefined) results[k] = v;
results['meta.date'] = new Date().toISOString();
results['meta.node'] = process.version;
writeFileSync(resultsFile, JSON.stringify(results, null, 2) + '\n');

const width = Math.max(...Object.keys(results).map((k) => k.length));
console.log(
  '\n' +
    Object.entries(results)
      .map(([k, v]) => `${k.padEnd(width)}  ${v}`)
      .join('\n'),
);
console.log(`\nwritten: bench/results.json`);
if (failures.length) {
  console.error('\n' + failures.join('\n'));
  process.exitCode = 1;
}
