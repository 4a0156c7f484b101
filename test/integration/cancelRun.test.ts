// Cancelling a run in a real extension host: the implementer's model hangs, the person cancels,
// the run ends cancelled within a moment, the sidebar says so, and nothing was written.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { startLoopbackServer, type LoopbackServer } from '../support/loopbackServer';
import {
  CRITIC_KEY,
  CRITIC_KEY_NAME,
  IMPLEMENTER_KEY,
  IMPLEMENTER_KEY_NAME,
  cartTeam,
  loopbackPolicy,
} from './extensionFixtures';
import { mainModule, waitFor } from './hostHelpers';

suite('cancel a run', () => {
  let server: LoopbackServer;
  let original: string;
  const cart = () => vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0]!.uri, 'src', 'cart.ts');

  suiteSetup(async function () {
    if (!vscode.workspace.isTrusted) this.skip();
    server = await startLoopbackServer();
    const team = cartTeam();
    server.setHandler((req) =>
      req.system.includes('You are the implementer') ? { fault: { kind: 'hang' } } : team(req),
    );
    original = new TextDecoder().decode(await vscode.workspace.fs.readFile(cart()));
    await vscode.workspace.fs.writeFile(
      vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0]!.uri, '.switchyard', 'routing.json'),
      new TextEncoder().encode(loopbackPolicy(server)),
    );
    await vscode.commands.executeCommand('switchyard.setApiKey', IMPLEMENTER_KEY_NAME, IMPLEMENTER_KEY);
    await vscode.commands.executeCommand('switchyard.setApiKey', CRITIC_KEY_NAME, CRITIC_KEY);
    await mainModule().currentServices()!.policy.reload();
  });

  suiteTeardown(async () => {
    await server?.close();
  });

  test('"Cancel run" stops a hanging implementer and nothing is applied', async function () {
    this.timeout(60_000);
    const svc = mainModule().currentServices()!;
    const done = vscode.commands.executeCommand(
      'switchyard.routeTask',
      'Fix the negative total in src/cart.ts when the discount is over 100%',
    );
    await waitFor(
      'the implementer to be running',
      () => svc.runs.current?.model.view.stages.find((s) => s.stage === 'implementer')?.state === 'running',
    );
    await waitFor('the hanging request to arrive', () =>
      server.requests.some((r) => r.system.includes('You are the implementer')),
    );
    const started = Date.now();
    assert.equal(await vscode.commands.executeCommand('switchyard.cancelRun'), true);
    await done;
    const run = svc.runs.current!;
    assert.equal(run.model.view.state, 'cancelled', run.model.view.message);
    assert.ok(Date.now() - started < 5_000, `cancelling took ${Date.now() - started} ms`);
    assert.equal(run.model.view.stages.find((s) => s.stage === 'implementer')?.state, 'cancelled');
    const tree = mainModule().tree(svc.shell);
    const top = await tree.getChildren();
    const item = await tree.getTreeItem(top![0]);
    assert.match(String(item.description), /^cancelled/);
    assert.equal(new TextDecoder().decode(await vscode.workspace.fs.readFile(cart())), original);
  });
});
