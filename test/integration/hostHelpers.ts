// Helpers for integration tests that run inside the extension host: reach the extension's live
// services (the same dist/main.js module instance extension.ts loaded) and poll for a condition.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type * as MainModule from '../../src/vscode/main';
import { startLoopbackServer, type LoopbackServer } from '../support/loopbackServer';
import {
  CRITIC_KEY,
  CRITIC_KEY_NAME,
  IMPLEMENTER_KEY,
  IMPLEMENTER_KEY_NAME,
  cartTeam,
  loopbackPolicy,
} from './extensionFixtures';

const EXTENSION_ID = 'switchyard.switchyard';

export function mainModule(): typeof MainModule {
  const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
  // The same file extension.ts requires lazily, so this is the same module instance.
  return require(path.join(ext.extensionPath, 'dist', 'main.js')) as typeof MainModule;
}

export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 30_000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * The usual set-up of a suite that routes against the loopback "cart team": a loopback server
 * answering every role, `policy(server)` written to .switchyard/routing.json, both keys in
 * SecretStorage, the policy reloaded. Teardown rejects a run still waiting, closes the editors and
 * the server. Skips itself in an untrusted workspace. Returns the server (once set up).
 */
export function useLoopbackTeam(policy: (server: LoopbackServer) => string = (s) => loopbackPolicy(s)) {
  let server: LoopbackServer | undefined;
  suiteSetup(async function () {
    if (!vscode.workspace.isTrusted) this.skip();
    server = await startLoopbackServer();
    server.setHandler(cartTeam());
    await vscode.workspace.fs.writeFile(
      vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0]!.uri, '.switchyard', 'routing.json'),
      new TextEncoder().encode(policy(server)),
    );
    await vscode.commands.executeCommand('switchyard.setApiKey', IMPLEMENTER_KEY_NAME, IMPLEMENTER_KEY);
    await vscode.commands.executeCommand('switchyard.setApiKey', CRITIC_KEY_NAME, CRITIC_KEY);
    await mainModule().currentServices()!.policy.reload();
  });
  suiteTeardown(async () => {
    const svc = mainModule().currentServices();
    if (svc?.runs.current?.live) await vscode.commands.executeCommand('switchyard.rejectChange');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await server?.close();
  });
  return (): LoopbackServer => server!;
}

/** Waits for a run other than `previousRunId` (the one current before routing) to wait for a decision, or end. */
export function newRunAtDecision(previousRunId: string | undefined, timeoutMs = 60_000) {
  const svc = mainModule().currentServices()!;
  return waitFor(
    'a new run to wait for a decision',
    () => {
      const r = svc.runs.current;
      return r && r.runId !== previousRunId && (r.model.view.state === 'awaiting-approval' || r.model.finished) && r;
    },
    timeoutMs,
  );
}
