// Runs inside a real VS Code extension host as its "tests" entry (bundled and started by
// bench/memory.mjs): the extension host's own heap and RSS after 500 messages streamed to the
// routing panel by real routed runs. Each run goes through the whole extension: "Route this task"
// with a loopback model team (implementer streaming in many small chunks over real SDK streams),
// the panel batching deltas per frame, the review, the diff with its comment threads, then Reject.
// Figures are taken after a full collection (gc exposed at run time through V8 flags), against a
// baseline taken in the same host after two warm-up runs. Under the empty baseline extension
// (switchyard-bench.empty, loaded instead of Switchyard) it reports only the host's own memory.
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import * as vscode from 'vscode';
import {
  CRITIC_KEY,
  CRITIC_KEY_NAME,
  IMPLEMENTER_KEY,
  IMPLEMENTER_KEY_NAME,
  cartTeam,
  loopbackPolicy,
} from '../test/integration/extensionFixtures';
import { mainModule, waitFor } from '../test/integration/hostHelpers';
import { startLoopbackServer } from '../test/support/loopbackServer';

const MESSAGES = 500;
const TASK = 'Fix the negative total in src/cart.ts when the discount is over 100%';
const MB = 1024 * 1024;

function collector(): () => void {
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as () => void;
  return () => {
    gc();
    gc();
  };
}

async function settle(gc: () => void): Promise<{ heapMB: number; rssMB: number }> {
  // Let timers and pending posts drain before collecting.
  await new Promise((r) => setTimeout(r, 200));
  gc();
  const m = process.memoryUsage();
  return { heapMB: m.heapUsed / MB, rssMB: m.rss / MB };
}

function report(figures: Record<string, number | string>): void {
  console.log('SWITCHYARD_MEMORY ' + JSON.stringify(figures));
}

export async function run(): Promise<void> {
  const gc = collector();
  const ext = vscode.extensions.getExtension('switchyard.switchyard');
  if (!ext) {
    if (!vscode.extensions.getExtension('switchyard-bench.empty')) {
      throw new Error('memory probe: neither switchyard.switchyard nor the empty baseline is loaded');
    }
    const idle = await settle(gc);
    report({ heapMB: idle.heapMB, rssMB: idle.rssMB });
    return;
  }
  const root = vscode.workspace.workspaceFolders?.[0]?.uri;
  if (!root) throw new Error('memory probe: no workspace folder');
  const server = await startLoopbackServer();
  try {
    await vscode.workspace.fs.writeFile(
      vscode.Uri.joinPath(root, '.switchyard', 'routing.json'),
      new TextEncoder().encode(loopbackPolicy(server)),
    );
    await vscode.commands.executeCommand('switchyard.setApiKey', IMPLEMENTER_KEY_NAME, IMPLEMENTER_KEY);
    await vscode.commands.executeCommand('switchyard.setApiKey', CRITIC_KEY_NAME, CRITIC_KEY);
    const svc = mainModule().currentServices();
    if (!svc) throw new Error('memory probe: the extension built no services');
    await svc.policy.reload();
    await vscode.commands.executeCommand('switchyard.openPanel');
    await waitFor('the panel handshake', () => svc.panel.isReady);

    let runs = 0;
    const routeOnce = async () => {
      const previous = svc.runs.current;
      const done = vscode.commands.executeCommand('switchyard.routeTask', TASK);
      const r = await waitFor('the run to reach the decision', () => {
        const c = svc.runs.current;
        return c && c !== previous && (c.model.view.state === 'awaiting-approval' || c.model.finished) && c;
      });
      if (r.model.view.state !== 'awaiting-approval') {
        throw new Error(`memory probe: the run ended early (${r.model.view.state}): ${r.model.view.message}`);
      }
      await vscode.commands.executeCommand('switchyard.rejectChange');
      await waitFor('the run to finish', () => r.model.finished);
      await done;
      runs++;
      // The loopback server records every request; drop them so only the extension's memory counts.
      server.requests.length = 0;
      // Close the diff editors the run opened; the panel stays open.
      const diffs = vscode.window.tabGroups.all
        .flatMap((g) => g.tabs)
        .filter((t) => t.input instanceof vscode.TabInputTextDiff);
      if (diffs.length) await vscode.window.tabGroups.close(diffs);
    };

    // About one panel message per chunk (a chunk every 20 ms, a frame every ~16 ms).
    server.setHandler(cartTeam({ implementerChunks: 150, chunkDelayMs: 20 }));
    // Warm-up, two runs of the same kind: code loaded and compiled, caches filled, the panel's first
    // snapshot sent — so what grows afterwards is what runs leave behind, not the JIT.
    await routeOnce();
    await routeOnce();
    const warmups = runs;
    const before = await settle(gc);
    const base = svc.panel.stats.deltaMessages;
    const basePosted = svc.panel.stats.posted;

    const t0 = Date.now();
    while (svc.panel.stats.deltaMessages - base < MESSAGES) {
      if (Date.now() - t0 > 240_000) throw new Error('memory probe: 500 messages took over 4 minutes');
      await routeOnce();
    }
    const after = await settle(gc);
    report({
      streamedMessages: svc.panel.stats.deltaMessages - base,
      postedMessages: svc.panel.stats.posted - basePosted,
      runs: runs - warmups,
      heapMBPerRun: (after.heapMB - before.heapMB) / (runs - warmups),
      heapMBBefore: before.heapMB,
      heapMBAfter: after.heapMB,
      rssMBBefore: before.rssMB,
      rssMBAfter: after.rssMB,
    });
  } finally {
    await server.close();
  }
}
