// The diff editor's virtual documents stay current: a change made while the editor is still
// loading one (its content request in flight) must not leave it showing the old text. This is the
// race "Apply suggestion" hits when the diff opens at the gate and the user acts at once.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { mainModule, waitFor } from './hostHelpers';

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

suite('proposed documents', () => {
  test('a change made while a document is opening reaches it', async function () {
    this.timeout(120_000);
    // Any command builds the services; Show status waits on its message, so do not await it.
    if (!mainModule().currentServices()) void vscode.commands.executeCommand('switchyard.showStatus');
    const svc = await waitFor('the services', () => mainModule().currentServices());
    const stale: string[] = [];
    // Vary the moment of the change across the window in which the editor loads the document.
    const delays = [-1, 0, 0, 1, 1, 2, 3, 5, 8, 13, 20];
    for (const [i, delay] of delays.entries()) {
      const runId = `race-${Date.now()}-${i}`;
      const uri = svc.content.set(runId, 'src/cart.ts', 'proposed', `before ${i}\n`);
      const opening = vscode.workspace.openTextDocument(uri);
      if (delay < 0) await new Promise((r) => setImmediate(r));
      else await pause(delay);
      svc.content.set(runId, 'src/cart.ts', 'proposed', `after ${i}\n`);
      const doc = await opening;
      try {
        await waitFor(`document ${i} to show the change`, () => doc.getText() === `after ${i}\n`, 3_000);
      } catch {
        stale.push(`${i} (change after ${delay} ms): ${JSON.stringify(doc.getText())}`);
      }
      await svc.content.clearRun(runId);
    }
    assert.deepEqual(stale, [], 'documents left showing the old text');
  });
});
