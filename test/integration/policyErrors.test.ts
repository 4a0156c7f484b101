// A bad routing file in a real extension host: the status bar turns to a warning, the problem names
// the file, the JSON path and the line, and routing keeps the last good policy instead of going
// silent. Fixing the file clears the warning.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { mainModule, waitFor } from './hostHelpers';

function policyUri(): vscode.Uri {
  return vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0]!.uri, '.switchyard', 'routing.json');
}

async function write(text: string): Promise<void> {
  await vscode.workspace.fs.writeFile(policyUri(), new TextEncoder().encode(text));
}

suite('a bad routing policy file', () => {
  let before: Uint8Array | undefined;

  suiteSetup(async function () {
    if (!vscode.workspace.isTrusted) this.skip();
    before = await Promise.resolve(vscode.workspace.fs.readFile(policyUri())).catch(() => undefined);
    await vscode.commands.executeCommand('switchyard.openPolicy');
  });

  suiteTeardown(async () => {
    if (!vscode.workspace.isTrusted) return;
    if (before) await vscode.workspace.fs.writeFile(policyUri(), before);
    else await vscode.workspace.fs.delete(policyUri());
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('"Open routing policy" opens the file as JSON with comments', async () => {
    const editor = await waitFor(
      'the policy editor',
      () =>
        vscode.window.activeTextEditor?.document.uri.path.endsWith('.switchyard/routing.json') &&
        vscode.window.activeTextEditor,
    );
    assert.equal(editor.document.languageId, 'jsonc');
  });

  test('a wrong value gives a precise error, a status bar warning, and keeps the last good policy', async () => {
    const svc = mainModule().currentServices()!;
    await svc.policy.reload();
    assert.equal(svc.policy.valid, true, svc.policy.problems.join('\n'));
    const goodStages = JSON.stringify(svc.policy.policy.stages);
    await write('{\n  "version": 1,\n  "rules": {\n    "maxReviewRounds": "two"\n  }\n}\n');
    await waitFor('the watcher to reload the bad file', () => !svc.policy.valid, 15_000).catch(async () => {
      await svc.policy.reload(); // file watchers can lag on a loaded machine; the reload is what matters
    });
    assert.equal(svc.policy.valid, false);
    const problem = svc.policy.problems.join('\n');
    assert.match(problem, /\.switchyard\/routing\.json:4:\d+: rules\.maxReviewRounds: /);
    await svc.refreshStatus();
    assert.match(svc.shell.statusItem.text, /policy invalid/);
    assert.equal(JSON.stringify(svc.policy.policy.stages), goodStages, 'the last good policy stays in force');
  });

  test('broken JSON names the line, and fixing the file clears the warning', async () => {
    const svc = mainModule().currentServices()!;
    await write('{\n  "version": 1,\n  "models": [\n');
    await svc.policy.reload();
    assert.match(svc.policy.problems.join('\n'), /routing\.json:\d+:\d+: not valid JSON/);
    await write('// fine again\n{ "version": 1 }\n');
    await svc.policy.reload();
    await svc.refreshStatus();
    assert.equal(svc.policy.valid, true);
    assert.doesNotMatch(svc.shell.statusItem.text, /invalid/);
  });
});
