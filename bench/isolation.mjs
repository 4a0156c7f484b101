// Context isolation (section "isolation"), or run alone: node bench/isolation.mjs
// Input tokens per task sent by isolated role sessions (a real runTask: scout, architect,
// implementer, critic asking for changes, implementer again, critic approving, final owner) beside
// one shared thread replaying the same calls to the same models with the same replies as a single
// conversation (baseline). Both counted from what crossed the wire to the loopback server (request
// body bytes / 4, which the server also reports as usage). The scenario is
// test/unit/load/isolationScenario.ts; ratio = isolated / shared (lower is better).
// The code is compiled the way it ships (esbuild, minified) before it is measured.
import * as esbuild from 'esbuild';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

async function load(root, work) {
  const outfile = join(work, 'isolation.cjs');
  await esbuild.build({
    entryPoints: [join(root, 'test/unit/load/isolationScenario.ts')],
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

export async function run({ root = fileURLToPath(new URL('..', import.meta.url)) } = {}) {
  const work = mkdtempSync(join(tmpdir(), 'switchyard-bench-isolation-'));
  try {
    const { measureIsolation } = await load(root, work);
    const r = await measureIsolation();
    if (r.outcome !== 'applied') throw new Error(`isolation bench: the scripted run ended ${r.outcome}`);
    return {
      calls: r.calls,
      isolatedInputTokensPerTask: r.isolatedInputTokens,
      sharedThreadInputTokensPerTask: r.sharedInputTokens,
      ratioIsolatedVsShared: Math.round(r.ratio * 1000) / 1000,
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(await run());
