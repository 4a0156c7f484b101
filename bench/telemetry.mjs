// Telemetry figures for `npm run bench` (section "telemetry"), or run alone: node bench/telemetry.mjs
//   requireMs:  loading dist/telemetry.js (the OpenTelemetry exporter chunk) in a fresh process — paid
//               once per process, after the first run finished, and only when export is on;
//   runs:       full routed runs (real SDKs, loopback model server in a child process) with export
//               off, on to a live loopback OTLP collector, and on to a dead endpoint (connection
//               refused): the run's wall time, the time spent inside the telemetry listener, and the
//               time to flush after the run (what a CLI waits at exit; the extension never waits).
// The core is compiled the way it ships (esbuild, minified) before it is measured.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchPolicy, loadCore, startServerChild } from './routing.mjs';

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)] : NaN;
};
const ms = (x) => Math.round(x * 100) / 100;

function requireMs(root) {
  const times = [];
  for (let i = 0; i < 5; i++) {
    const r = spawnSync(
      process.execPath,
      [
        '-e',
        `const t=performance.now();require(${JSON.stringify(join(root, 'dist/telemetry.js'))});console.log(performance.now()-t)`,
      ],
      { encoding: 'utf8' },
    );
    times.push(Number(r.stdout.trim()));
  }
  return median(times);
}

async function deadPort() {
  const srv = createServer();
  await new Promise((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address();
  await new Promise((r) => srv.close(r));
  return port;
}

async function benchRuns(core, bundle, root) {
  const { urls, stop } = await startServerChild(bundle);
  const otlp = await core.startOtlpReceiver();
  const work = mkdtempSync(join(tmpdir(), 'switchyard-bench-otel-'));
  const policy = benchPolicy(core, urls);
  const sessions = {
    off: undefined,
    live: new core.TelemetrySession(
      core.telemetryFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url }).config,
      loadSink(root),
      () => {},
    ),
    dead: new core.TelemetrySession(
      core.telemetryFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${await deadPort()}` }).config,
      loadSink(root),
      () => {},
    ),
  };
  const figures = Object.fromEntries(
    ['off', 'live', 'dead'].map((m) => [m, { run: [], cpu: [], listener: [], flush: [] }]),
  );
  try {
    for (let i = 0; i < 66; i++) {
      const mode = ['off', 'live', 'dead'][i % 3];
      writeFileSync(join(work, 'README.md'), '# Demo\n\nThis projcet routes tasks.\n');
      const session = sessions[mode];
      let inListener = 0;
      const inner = session?.listener();
      const listener =
        inner &&
        ((e) => {
          const t = performance.now();
          inner(e);
          inListener += performance.now() - t;
        });
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      const r = await core.runTask({
        task: 'Fix typo in README.md',
        policy,
        availability: () => undefined,
        providerFor: (spec) => core.createProvider(spec, { apiKey: 'bench-key-123456', baseUrl: spec.baseUrl }),
        root: work,
        workspace: core.fsWorkspaceReader(work),
        gate: async () => true,
        apply: (resolved) => core.applyResolved(resolved, work),
        listeners: listener ? [listener] : [],
      });
      const runMs = performance.now() - t0;
      const c = process.cpuUsage(c0);
      if (r.outcome !== 'applied') throw new Error(`bench run ${i} ended ${r.outcome}: ${r.message}`);
      const t1 = performance.now();
      if (session) await session.flush();
      const flushMs = performance.now() - t1;
      if (i < 6) continue; // warm-up: two runs of each mode (the exporter is loaded and compiled here)
      figures[mode].run.push(runMs);
      // CPU is steadier than wall time on a shared machine (the model server runs in a child process).
      figures[mode].cpu.push((c.user + c.system) / 1000);
      figures[mode].listener.push(inListener);
      figures[mode].flush.push(flushMs);
    }
    const spans = otlp.spans.length;
    if (spans === 0) throw new Error('the live collector received no spans');
  } finally {
    await sessions.live.shutdown(1000);
    await sessions.dead.shutdown(1000);
    await otlp.close();
    stop();
    rmSync(work, { recursive: true, force: true });
  }
  const m = (mode, k) => ms(median(figures[mode][k]));
  return {
    runMsMedianOff: m('off', 'run'),
    runMsMedianLive: m('live', 'run'),
    runMsMedianDeadEndpoint: m('dead', 'run'),
    runCpuMsMedianOff: m('off', 'cpu'),
    runCpuMsMedianLive: m('live', 'cpu'),
    runCpuMsMedianDeadEndpoint: m('dead', 'cpu'),
    listenerMsPerRunMedian: m('live', 'listener'),
    listenerMsPerRunMedianDeadEndpoint: m('dead', 'listener'),
    flushMsMedianLive: m('live', 'flush'),
    flushMsMedianDeadEndpoint: m('dead', 'flush'),
    runsPerMode: figures.off.run.length,
  };
}

/** The sink as the bundles load it: dist/telemetry.js. */
function loadSink(root) {
  const file = join(root, 'dist/telemetry.js');
  return async () => createRequire(import.meta.url)(file).createOtlpSink;
}

export async function run({ root }) {
  const work = mkdtempSync(join(tmpdir(), 'switchyard-bench-telemetry-'));
  try {
    mkdirSync(work, { recursive: true });
    const core = await loadCore(
      root,
      work,
      [
        "export { TelemetrySession } from './src/core/telemetry/telemetrySession';",
        "export { telemetryFromEnv } from './src/core/telemetry/telemetryConfig';",
        "export { startOtlpReceiver } from './test/support/otlpReceiver';",
      ],
      'telemetry-core.cjs',
    );
    return {
      requireMs: ms(requireMs(root)),
      ...(await benchRuns(core, join(work, 'telemetry-core.cjs'), root)),
      loadAverage1m: Math.round(loadavg()[0] * 100) / 100,
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..');
  console.log(await run({ root }));
}
