// Memory of the host-side services while streaming, in a plain Node process (a fast unit check;
// bench/memory.mjs measures the real extension host): a real runTask over real
// SDK streams from the loopback server, each event folded into a RunModel (kept afterwards, as the
// RunRegistry keeps runs), deltas batched per frame by the DeltaBatcher into stage/output messages,
// each serialised as webview.postMessage would. Needs gc exposed (memory.test.ts turns it on)
// so heap figures are taken after a full collection.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RoutingPolicySchema, type ModelSpec } from '../../../src/core/config/policySchema';
import { runTask } from '../../../src/core/pipeline/run';
import { fsWorkspaceReader } from '../../../src/core/pipeline/workspaceReader';
import { createProvider } from '../../../src/core/providers/createProvider';
import { hostNotify, type PanelStage } from '../../../src/protocol/panelProtocol';
import { DeltaBatcher } from '../../../src/vscode/panel/deltaBatcher';
import { RunModel } from '../../../src/vscode/runs/runModel';
import { startLoopbackServer, type LoopbackServer } from '../../support/loopbackServer';

const MB = 1024 * 1024;

export interface MemoryOutcome {
  baselineHeapMB: number;
  afterHeapMB: number;
  heapGrowthMB: number;
  baselineRssMB: number;
  afterRssMB: number;
  streamedMessages: number;
  stateMessages: number;
  outputChars: number;
}

function gcNow(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('memoryScenario: run node with --expose-gc');
  gc();
  gc();
}

async function oneRun(server: LoopbackServer, root: string, chunks: string[], chunkDelayMs: number, kept: RunModel[]) {
  const fix =
    'README.md\n<<<<<<< SEARCH\nThis projcet routes tasks.\n=======\nThis project routes tasks.\n>>>>>>> REPLACE\n';
  writeFileSync(join(root, 'README.md'), '# Demo\n\nThis projcet routes tasks.\n');
  server.setHandler((req) => {
    if (req.system.startsWith('You are the implementer')) return { text: [...chunks, '\n\n' + fix], chunkDelayMs };
    if (req.system.startsWith('You are the critic')) {
      return { text: '```json\n{"verdict":"approve","summary":"ok","findings":[]}\n```' };
    }
    return undefined;
  });
  const policy = RoutingPolicySchema.parse({
    models: [
      {
        id: 'sonnet',
        provider: 'anthropic',
        model: 'claude-sonnet-test',
        vendor: 'anthropic',
        baseUrl: server.anthropicBaseUrl,
      },
      { id: 'gpt', provider: 'openai', model: 'gpt-test', vendor: 'openai', baseUrl: server.openaiBaseUrl },
    ],
    stages: { scout: ['sonnet'], architect: ['gpt'], implementer: ['sonnet'], critic: ['gpt'], finalOwner: ['gpt'] },
    rules: { budgets: { perTaskUsd: 100 } },
  });
  const runId = `mem-${kept.length}`;
  const model = new RunModel(runId, 'Fix typo in README.md');
  kept.push(model);
  let streamed = 0;
  let state = 0;
  let chars = 0;
  const wire: string[] = [];
  const batcher = new DeltaBatcher((deltas) => {
    const msg = JSON.stringify(hostNotify('stage/output', { runId, deltas }));
    streamed++;
    chars += deltas.reduce((n, d) => n + d.text.length, 0);
    wire.push(msg);
    if (wire.length > 8) wire.shift(); // what postMessage holds in flight, not a transcript
  });
  await runTask({
    task: 'Fix typo in README.md',
    runId,
    policy,
    availability: () => undefined,
    providerFor: (spec: ModelSpec) =>
      createProvider(spec, { apiKey: 'sk-memory-bench-0123456789', baseUrl: spec.baseUrl }),
    root,
    workspace: fsWorkspaceReader(root),
    gate: async () => true,
    apply: async () => ({ ok: true, written: [] }),
    listeners: [
      (e) => {
        if (e.type === 'stage-delta') batcher.push(e.stage as PanelStage, e.text);
        if (model.apply(e)) {
          batcher.flush();
          state++;
          wire.push(JSON.stringify(hostNotify('run/state', { run: model.view })));
        }
      },
    ],
  });
  batcher.flush();
  batcher.dispose();
  return { streamed, state, chars };
}

/** Streams one run whose implementer reply arrives as `messages` chunks one frame apart. */
export async function measureStreamingMemory(opts: { messages?: number } = {}): Promise<MemoryOutcome> {
  const n = opts.messages ?? 500;
  const server = await startLoopbackServer();
  const root = mkdtempSync(join(tmpdir(), 'switchyard-memory-'));
  const kept: RunModel[] = [];
  try {
    // Warm-up: load the SDKs and compile the code paths, so the baseline is a host that has run once.
    await oneRun(server, root, ['warm ', 'up '], 1, kept);
    server.reset();
    gcNow();
    const base = process.memoryUsage();
    // A chunk every 20 ms (just over a 17 ms frame): about one panel message per chunk.
    const chunk = (i: number) => `token-${i} `.repeat(8);
    const r = await oneRun(
      server,
      root,
      // A few extra chunks: two arriving within one frame share a message, and the figure is "after 500".
      Array.from({ length: n + 25 }, (_, i) => chunk(i)),
      20,
      kept,
    );
    gcNow();
    const after = process.memoryUsage();
    return {
      baselineHeapMB: base.heapUsed / MB,
      afterHeapMB: after.heapUsed / MB,
      heapGrowthMB: (after.heapUsed - base.heapUsed) / MB,
      baselineRssMB: base.rss / MB,
      afterRssMB: after.rss / MB,
      streamedMessages: r.streamed,
      stateMessages: r.state,
      outputChars: r.chars,
    };
  } finally {
    await server.close();
    rmSync(root, { recursive: true, force: true });
  }
}
