// Streaming to the routing panel (section "streaming"), or run alone: node bench/streaming.mjs
// Drives the extension host's per-token path at 5,000 tokens/s for 3 s: each token is a
// PipelineEvent folded into the run model (as RunRegistry does) and pushed to the per-frame
// DeltaBatcher (as RoutingPanel does); each flush is a protocol message serialised the way
// webview.postMessage serialises it. Reports tokens delivered per second, messages per second
// (target: at most 60) and the event loop's delay while streaming (target: p99 under 50 ms).
// The code is compiled the way it ships (esbuild, minified) before it is measured.
import * as esbuild from 'esbuild';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';

const TOKENS_PER_SECOND = 5_000;
const SECONDS = 3;

async function load(root, work) {
  const outfile = join(work, 'streaming.cjs');
  await esbuild.build({
    stdin: {
      contents: [
        "export { DeltaBatcher } from './src/vscode/panel/deltaBatcher';",
        "export { RunModel } from './src/vscode/runs/runModel';",
        "export { hostNotify, parseHostMessage } from './src/protocol/panelProtocol';",
      ].join('\n'),
      resolveDir: root,
      loader: 'ts',
    },
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
  const work = mkdtempSync(join(tmpdir(), 'switchyard-bench-stream-'));
  try {
    const { DeltaBatcher, RunModel, hostNotify, parseHostMessage } = await load(root, work);
    const model = new RunModel('bench', 'stream a long reply');
    let messages = 0;
    let deliveredChars = 0;
    let bytes = 0;
    let lastWire = '';
    const batcher = new DeltaBatcher((deltas) => {
      const wire = JSON.stringify(hostNotify('stage/output', { runId: 'bench', deltas }));
      messages++;
      bytes += wire.length;
      lastWire = wire;
      for (const d of deltas) deliveredChars += d.text.length;
    });
    const token = (i) => `tok${i % 1000} `;
    let sentChars = 0;
    let sent = 0;
    const total = TOKENS_PER_SECOND * SECONDS;
    const loop = monitorEventLoopDelay({ resolution: 1 });
    loop.enable();
    const t0 = performance.now();
    await new Promise((resolve) => {
      const tick = () => {
        // Emit every token that is due by now, the way a fast provider's chunks arrive in bursts.
        const due = Math.min(total, Math.floor(((performance.now() - t0) / 1000) * TOKENS_PER_SECOND));
        for (; sent < due; sent++) {
          const text = token(sent);
          sentChars += text.length;
          model.apply({ runId: 'bench', at: Date.now(), type: 'stage-delta', stage: 'implementer', round: 1, text });
          batcher.push('implementer', text);
        }
        if (sent >= total) return resolve();
        setImmediate(tick);
      };
      tick();
    });
    batcher.flush();
    const seconds = (performance.now() - t0) / 1000;
    loop.disable();
    if (deliveredChars !== sentChars)
      throw new Error(`lost output: sent ${sentChars} chars, delivered ${deliveredChars}`);
    if (!parseHostMessage(JSON.parse(lastWire)))
      throw new Error('a batched message does not validate against the panel protocol');
    return {
      tokensPerSecond: Math.round(total / seconds),
      messagesPerSecond: Math.round((messages / seconds) * 10) / 10,
      tokensPerMessage: Math.round(total / messages),
      kbPerSecond: Math.round(bytes / 1024 / seconds),
      eventLoopDelayP99Ms: Math.round((loop.percentile(99) / 1e6) * 10) / 10,
      eventLoopDelayMaxMs: Math.round((loop.max / 1e6) * 10) / 10,
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(await run());
}
