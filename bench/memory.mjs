// Extension-host memory (section "memory"), or run alone: node bench/memory.mjs
// Heap and RSS of a real VS Code extension host after 500 messages streamed to the routing panel by
// routed runs against the loopback model server (bench/memoryHostProbe.ts, bundled here the way the
// extension ships: esbuild, minified). Baselines from the same run: the same host after two warm-up
// runs and a full GC, before streaming; and a host running only an empty extension, after a full GC.
import * as esbuild from 'esbuild';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureHost } from '../scripts/installHost.mjs';
import { emptyExtension, runProbe } from './hostProbe.mjs';

const MESSAGES = 500;
const round = (x) => Math.round(x * 10) / 10;

export async function run({ root = fileURLToPath(new URL('..', import.meta.url)) } = {}) {
  await ensureHost();
  const work = mkdtempSync(join(tmpdir(), 'switchyard-bench-memory-'));
  const empty = emptyExtension();
  try {
    const probe = join(work, 'memoryHostProbe.cjs');
    await esbuild.build({
      entryPoints: [join(root, 'bench/memoryHostProbe.ts')],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      minify: true,
      external: ['vscode'],
      outfile: probe,
      logLevel: 'warning',
    });
    const idle = await runProbe({ probe, marker: 'SWITCHYARD_MEMORY', extensionDevelopmentPath: empty });
    const r = await runProbe({
      probe,
      marker: 'SWITCHYARD_MEMORY',
      extensionDevelopmentPath: root,
      timeoutMs: 330_000,
    });
    if (r.streamedMessages < MESSAGES) {
      throw new Error(`memory bench: only ${r.streamedMessages} panel messages were streamed (wanted ${MESSAGES})`);
    }
    return {
      where: 'VS Code extension host (code-server), after a full GC',
      streamedMessages: r.streamedMessages,
      routedRuns: r.runs,
      heapUsedMBAfter500: round(r.heapMBAfter),
      heapUsedMBBeforeStreaming: round(r.heapMBBefore),
      heapGrowthMB: round(r.heapMBAfter - r.heapMBBefore),
      // What one run leaves behind once warm (history entry, VS Code's own per-thread bookkeeping, JIT).
      heapMBPerRun: Math.round(r.heapMBPerRun * 1000) / 1000,
      rssMBAfter500: round(r.rssMBAfter),
      rssMBBeforeStreaming: round(r.rssMBBefore),
      emptyExtensionHostHeapUsedMB: round(idle.heapMB),
      emptyExtensionHostRssMB: round(idle.rssMB),
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
    rmSync(empty, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(await run());
