// Extension-host memory (section "memory"), or run alone: node bench/memory.mjs
// Heap and RSS after 500 streamed panel messages, in a fresh `node --expose-gc` process running the
// host-side services (a real runTask over real SDK streams from the loopback server, events folded
// into a RunModel, deltas batched per frame into stage/output messages and serialised as
// postMessage would): test/unit/load/memoryScenario.ts. Measured in plain Node, not inside the VS Code
// extension host, which exposes no memory hook to tests. Baselines in the same run: the same process
// after one warm-up run and a full GC (before streaming), and an empty Node process after a full GC.
// The code is compiled the way it ships (esbuild, minified) before it is measured.
import * as esbuild from 'esbuild';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const MESSAGES = 500;
const round = (x) => Math.round(x * 10) / 10;

function node(args) {
  const r = spawnSync(process.execPath, ['--expose-gc', ...args], { encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`memory bench: child failed (${r.status ?? r.signal}): ${r.stderr.slice(-2000)}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1));
}

export async function run({ root = fileURLToPath(new URL('..', import.meta.url)) } = {}) {
  const work = mkdtempSync(join(tmpdir(), 'switchyard-bench-memory-'));
  try {
    const bundle = join(work, 'memory.cjs');
    await esbuild.build({
      entryPoints: [join(root, 'test/unit/load/memoryScenario.ts')],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      minify: true,
      outfile: bundle,
      logLevel: 'warning',
    });
    const runner = join(work, 'runner.cjs');
    writeFileSync(
      runner,
      `require(${JSON.stringify(bundle)}).measureStreamingMemory({ messages: ${MESSAGES} })` +
        `.then((r) => console.log(JSON.stringify(r)), (e) => { console.error(e); process.exit(1); });\n`,
    );
    const empty = node([
      '-e',
      'gc(); gc(); const m = process.memoryUsage(); console.log(JSON.stringify({ heap: m.heapUsed, rss: m.rss }))',
    ]);
    const r = node([runner]);
    if (r.streamedMessages < MESSAGES) {
      throw new Error(`memory bench: only ${r.streamedMessages} panel messages were streamed (wanted ${MESSAGES})`);
    }
    return {
      where: 'plain Node process running the host-side services (no memory hook in the extension host)',
      streamedMessages: r.streamedMessages,
      heapUsedMBAfter500: round(r.afterHeapMB),
      heapUsedMBBeforeStreaming: round(r.baselineHeapMB),
      heapGrowthMB: round(r.heapGrowthMB),
      rssMBAfter500: round(r.afterRssMB),
      rssMBBeforeStreaming: round(r.baselineRssMB),
      emptyNodeHeapUsedMB: round(empty.heap / 1024 / 1024),
      emptyNodeRssMB: round(empty.rss / 1024 / 1024),
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(await run());
