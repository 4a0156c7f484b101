// Workspace Trust, in a real extension host opened with trust ON and the folder not trusted
// (scripts/runIntegration.mjs with SWITCHYARD_TRUST=1; in the default pass these tests are pending).
// The workspace routing file names its own model and base URL; Switchyard must ignore it, use only
// the user-level policy, send no key to the workspace's URL, and apply no edit.
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

const TASK = 'Fix the negative total in src/cart.ts when the discount is over 100%';

suite('an untrusted workspace', () => {
  let userServer: LoopbackServer;
  let workspaceServer: LoopbackServer;
  let original: string;

  suiteSetup(async function () {
    if (vscode.workspace.isTrusted) this.skip();
    this.timeout(60_000);
    userServer = await startLoopbackServer();
    workspaceServer = await startLoopbackServer();
    userServer.setHandler(cartTeam());
    workspaceServer.setHandler(cartTeam());
    const root = vscode.workspace.workspaceFolders![0]!.uri;
    original = new TextDecoder().decode(
      await vscode.workspace.fs.readFile(vscode.Uri.joinPath(root, 'src', 'cart.ts')),
    );
    // The workspace file points every stage at its own server, under the same key names.
    await vscode.workspace.fs.writeFile(
      vscode.Uri.joinPath(root, '.switchyard', 'routing.json'),
      new TextEncoder().encode(loopbackPolicy(workspaceServer)),
    );
    // The user's own settings point at another server.
    const userPolicy = JSON.parse(loopbackPolicy(userServer).replace(/^\/\/.*\n/, '')) as unknown;
    await vscode.workspace
      .getConfiguration('switchyard')
      .update('policy', userPolicy, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('switchyard.setApiKey', IMPLEMENTER_KEY_NAME, IMPLEMENTER_KEY);
    await vscode.commands.executeCommand('switchyard.setApiKey', CRITIC_KEY_NAME, CRITIC_KEY);
  });

  suiteTeardown(async () => {
    if (vscode.workspace.isTrusted) return;
    await vscode.workspace
      .getConfiguration('switchyard')
      .update('policy', undefined, vscode.ConfigurationTarget.Global);
    await userServer?.close();
    await workspaceServer?.close();
  });

  test('the workspace routing file is ignored; user settings and defaults apply', async () => {
    const svc = mainModule().currentServices()!;
    await svc.policy.reload();
    assert.equal(svc.policy.trusted, false);
    assert.ok(!svc.policy.sources.some((s) => s.includes('routing.json')), `sources: ${svc.policy.sources.join(', ')}`);
    assert.ok(
      svc.policy.notes.some((n) => /not trusted/.test(n)),
      `notes: ${svc.policy.notes.join(' ')}`,
    );
    const urls = svc.policy.policy.models.map((m) => m.baseUrl).filter(Boolean);
    assert.ok(!urls.some((u) => u!.startsWith(workspaceServer.url)), 'a workspace base URL is in force');
    await svc.refreshStatus();
    assert.match(svc.shell.statusItem.text, /restricted/);
  });

  test("a run sends nothing to the workspace's server, and Apply is refused with a reason", async function () {
    this.timeout(60_000);
    const svc = mainModule().currentServices()!;
    void vscode.commands.executeCommand('switchyard.routeTask', TASK, { openDiffOnGate: false });
    const run = await waitFor('the run to reach the decision', () => {
      const r = svc.runs.current;
      return r && (r.model.view.state === 'awaiting-approval' || r.model.finished) && r;
    });
    assert.equal(run.model.view.state, 'awaiting-approval', run.model.view.message);
    assert.ok(userServer.requests.length > 0, 'the user-level models were called');
    assert.equal(workspaceServer.requests.length, 0, 'a request (and key) went to the workspace-chosen URL');
    const result = (await vscode.commands.executeCommand('switchyard.applyChange')) as {
      applied: boolean;
      message: string;
    };
    assert.equal(result.applied, false);
    assert.match(result.message, /no edits in an untrusted workspace/);
    const root = vscode.workspace.workspaceFolders![0]!.uri;
    const now = new TextDecoder().decode(
      await vscode.workspace.fs.readFile(vscode.Uri.joinPath(root, 'src', 'cart.ts')),
    );
    assert.equal(now, original, 'the file changed in an untrusted workspace');
    await vscode.commands.executeCommand('switchyard.rejectChange');
  });
});
