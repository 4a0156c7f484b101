// Load (section "load"), or run alone: node bench/load.mjs
// 20 routed tasks started at once in one workspace against the loopback model server (real SDK
// streams, interleaved; three task shapes), the scenario of test/unit/load/concurrentScenario.ts.
// Figures (the concurrent ones as the median of three rounds): wall time of the 20 concurrent runs beside the same 20 run one after another (baseline,
// same process), the event loop's delay while they ran (perf_hooks.monitorEventLoopDelay; target max
// under 100 ms) beside an idle loop's over the same time (baseline: what the machine alone costs),
// the most CPU this process used within one gap between 1 ms ticks (our own longest block, at
// most), and the cross-talk and wrong-file counts (must be 0).
// The code is compiled the way it ships (esbuild, minified) before it is measured.
import * as esbuild from 'esbuild';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { monitorEventLoopDelay } from 'node:perf_hooks';

async function load(root, work) {
  const outfile = join(work, 'load.cjs');
  await esbuild.build({
    entryPoints: [join(root, 'test/unit/load/concurrentScenario.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    minify: true,
    outfile,
    logLevel: 'warning',
  });
  return createRequire(import.meta.url)(outfile);
}

const round = (x, d = 1) => Math.round(x * 10 ** d) / 10 ** d;

async function idleDelay(ms) {
  const h = monitorEventLoopDelay({ resolution: 5 });
  h.enable();
  await new Promise((r) => setTimeout(r, ms));
  h.disable();
  return h.max / 1e6;
}

export async function run({ root = fileURLToPath(new URL('..', import.meta.url)) } = {}) {
  const work = mkdtempSync(join(tmpdir(), 'switchyard-bench-load-'));
  try {
    const { runConcurrentTasks } = await load(root, work);
    const seq = await runConcurrentTasks({ n: 20, sequential: true });
    // Three concurrent rounds, median reported: on a shared machine one round's worst moment is noise.
    const rounds = [];
    for (let i = 0; i < 3; i++) rounds.push(await runConcurrentTasks({ n: 20 }));
    const median = (f) => rounds.map(f).sort((a, b) => a - b)[1];
    const con = rounds.find((r) => r.maxDelayMs === median((x) => x.maxDelayMs));
    const idle = await idleDelay(Math.max(200, con.wallMs));
    return {
      tasks: con.n,
      requests: con.requests,
      concurrentWallMs: round(median((r) => r.wallMs)),
      sequentialWallMs: round(seq.wallMs),
      wallRatioConcurrentVsSequential: round(median((r) => r.wallMs) / seq.wallMs, 3),
      maxEventLoopDelayMs: round(median((r) => r.maxDelayMs)),
      worstMaxEventLoopDelayMs: round(Math.max(...rounds.map((r) => r.maxDelayMs))),
      p99EventLoopDelayMs: round(median((r) => r.p99DelayMs)),
      meanEventLoopDelayMs: round(median((r) => r.meanDelayMs)),
      idleMaxEventLoopDelayMs: round(idle),
      maxCpuInOneGapMs: round(Math.max(...rounds.map((r) => r.maxGapCpuMs))),
      crossTalk: [seq, ...rounds].reduce((n, r) => n + r.crossTalk.length, 0),
      wrongFiles: [seq, ...rounds].reduce((n, r) => n + r.wrongFiles.length, 0),
      // Wall-clock delays on a shared machine depend on what else runs: the 1-minute load average, for reading them.
      loadAvg1m: round(loadavg()[0], 2),
      outcomes: [...new Set(rounds.flatMap((r) => r.results.map((x) => x.outcome)))].sort().join('+'),
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(await run());
