// Route a task end to end in a real extension host against the loopback model server: keys go
// into SecretStorage through the command, the run's stages appear in the sidebar, the routing
// panel receives the run, the diff opens with the reviewer's findings as comment threads on the
// proposed side, applying changes the file through one WorkspaceEdit, and one Undo restores it.
import * as assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import * as vscode from 'vscode';
import { applyChange } from '../../src/vscode/review/applyChange';
import type { PipelineNode } from '../../src/vscode/sidebar/pipelineTree';
import { startLoopbackServer, type LoopbackServer } from '../support/loopbackServer';
import {
  CART_FIXED_LINES,
  CRITIC_KEY,
  CRITIC_KEY_NAME,
  IMPLEMENTER_KEY,
  IMPLEMENTER_KEY_NAME,
  cartTeam,
  loopbackPolicy,
} from './extensionFixtures';
import { mainModule, waitFor } from './hostHelpers';

const TASK = 'Fix the negative total in src/cart.ts when the discount is over 100%';

function root(): vscode.Uri {
  return vscode.workspace.workspaceFolders![0]!.uri;
}

async function readText(rel: string): Promise<string> {
  return new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(root(), rel)));
}

suite('route a task end to end', () => {
  let server: LoopbackServer;
  let original: string;
  let runPromise: Thenable<unknown>;

  suiteSetup(async function () {
    // The untrusted-workspace pass (SWITCHYARD_TRUST=1) runs untrusted.test.ts instead.
    if (!vscode.workspace.isTrusted) this.skip();
    this.timeout(60_000);
    server = await startLoopbackServer();
    server.setHandler(cartTeam({ implementerChunks: 40, chunkDelayMs: 2 }));
    original = await readText('src/cart.ts');
    const policyUri = vscode.Uri.joinPath(root(), '.switchyard', 'routing.json');
    await vscode.workspace.fs.writeFile(policyUri, new TextEncoder().encode(loopbackPolicy(server)));
    await vscode.commands.executeCommand('switchyard.setApiKey', IMPLEMENTER_KEY_NAME, IMPLEMENTER_KEY);
    await vscode.commands.executeCommand('switchyard.setApiKey', CRITIC_KEY_NAME, CRITIC_KEY);
  });

  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await server?.close();
  });

  test('keys are stored in secret storage, not in settings, and the status bar counts ready stages', async () => {
    const svc = mainModule().currentServices()!;
    assert.ok(svc, 'services were built by the first command');
    assert.equal(await svc.keys.has(IMPLEMENTER_KEY_NAME), true);
    const settings = JSON.stringify(vscode.workspace.getConfiguration('switchyard'));
    assert.ok(!settings.includes(IMPLEMENTER_KEY), 'the key leaked into settings');
    await svc.policy.reload();
    const readiness = await svc.refreshStatus();
    assert.deepEqual(readiness.readyStages, ['scout', 'architect', 'implementer', 'critic', 'finalOwner']);
    assert.match(svc.shell.statusItem.text, /5\/5 stages ready/);
  });

  test('the run reaches the human decision with its stages in the sidebar', async function () {
    this.timeout(60_000);
    const svc = mainModule().currentServices()!;
    // Open the panel first and wait for its ready handshake, so the whole stream goes through it.
    await vscode.commands.executeCommand('switchyard.openPanel');
    await waitFor('the panel to say ready (it gets a snapshot)', () => svc.panel.isReady);
    runPromise = vscode.commands.executeCommand('switchyard.routeTask', TASK);
    const run = await waitFor('the run to wait for a decision', () => {
      const r = svc.runs.current;
      return r && (r.model.view.state === 'awaiting-approval' || r.model.finished) && r;
    });
    assert.equal(run.model.view.state, 'awaiting-approval', `run ended early: ${run.model.view.message}`);
    const tree = mainModule().tree(svc.shell);
    const top = (await tree.getChildren()) as PipelineNode[];
    assert.equal(top[0]?.type, 'run');
    const stages = (await tree.getChildren(top[0])) as PipelineNode[];
    const items = await Promise.all(stages.map((s) => tree.getTreeItem(s)));
    const labels = items.map((i) => String(i.label));
    assert.ok(labels.includes('Implementer') && labels.includes('Critic'), `sidebar rows: ${labels.join(', ')}`);
    const impl = items[labels.indexOf('Implementer')]!;
    assert.match(String(impl.description), /loop-claude · anthropic/);
    assert.equal((impl.iconPath as vscode.ThemeIcon).id, 'pass');
    const critic = items[labels.indexOf('Critic')]!;
    assert.match(String(critic.description), /loop-gpt · openai/);
    // Keys reached the server as bearer tokens, each only to its own model.
    const implReq = server.requests.find((r) => r.model === 'loop-claude')!;
    assert.equal(implReq.headers.authorization, `Bearer ${IMPLEMENTER_KEY}`);
    assert.ok(
      server.requests
        .filter((r) => r.model === 'loop-gpt')
        .every((r) => r.headers.authorization === `Bearer ${CRITIC_KEY}`),
    );
  });

  test('the routing panel is open, ready, and got streamed output in batches', async () => {
    const svc = mainModule().currentServices()!;
    await waitFor('the panel to post', () => svc.panel.stats.posted > 0);
    const run = svc.runs.current!;
    assert.ok(
      run.model.outputs.get('implementer')?.includes('<<<<<<< SEARCH'),
      'the implementer output was kept for the panel',
    );
    // 40 chunks streamed; far fewer messages were posted for them.
    assert.ok(
      svc.panel.stats.deltaMessages >= 1 && svc.panel.stats.deltaMessages < 40,
      `delta messages: ${svc.panel.stats.deltaMessages}`,
    );
  });

  test('the diff is open with the review finding as a comment thread on the proposed side', async () => {
    const svc = mainModule().currentServices()!;
    const diffTab = await waitFor('a diff editor on the proposed content', () =>
      vscode.window.tabGroups.all
        .flatMap((g) => g.tabs)
        .find((t) => t.input instanceof vscode.TabInputTextDiff && t.input.modified.scheme === 'switchyard-proposed'),
    );
    const input = diffTab.input as vscode.TabInputTextDiff;
    assert.match(input.modified.path, /src\/cart\.ts$/);
    const proposed = await vscode.workspace.openTextDocument(input.modified);
    assert.ok(proposed.getText().includes(CART_FIXED_LINES[0]!), 'the proposed side shows the fix');
    const base = await vscode.workspace.openTextDocument(input.original);
    assert.equal(base.getText(), original);
    assert.equal(svc.comments.count, 1);
    const finding = svc.runs.current!.model.findings[0]!;
    const thread = svc.comments.thread(finding.id)!;
    assert.equal(thread.uri.toString(), input.modified.toString());
    assert.equal(thread.range?.start.line, 15);
    assert.match(thread.label ?? '', /^minor/);
    assert.match(String(thread.comments[0]!.author.name), /loop-gpt \(openai\)/);
    assert.equal(await readText('src/cart.ts'), original, 'nothing was written before Apply');
  });

  test('apply changes the file through one edit, and one undo restores it', async function () {
    this.timeout(60_000);
    const svc = mainModule().currentServices()!;
    const result = (await vscode.commands.executeCommand('switchyard.applyChange')) as {
      applied: boolean;
      message: string;
    };
    assert.equal(result.applied, true, result.message);
    await runPromise;
    assert.equal(svc.runs.current!.model.view.state, 'applied');
    const onDisk = await readText('src/cart.ts');
    for (const line of CART_FIXED_LINES) assert.ok(onDisk.includes(line), `applied file lacks ${line}`);
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(root(), 'src', 'cart.ts'));
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('undo');
    await waitFor('undo to restore the file', () => doc.getText() === original);
    assert.equal(svc.comments.count, 0, 'threads are cleared once applied');
    await doc.save();
  });

  test('a stale file is refused with an explanation and nothing is written', async () => {
    const rel = 'src/format.ts';
    const now = await readText(rel);
    const result = await applyChange({
      format: 'search-replace',
      files: [
        {
          path: rel,
          op: 'update',
          baseHash: 'x',
          before: now + '// older content\n',
          after: 'export {};\n',
          tolerances: [],
        },
      ],
    });
    assert.equal(result.applied, false);
    assert.match(
      !result.applied ? result.message : '',
      /src\/format\.ts: it changed since the edit was made.*Nothing was written/,
    );
    assert.equal(await readText(rel), now);
  });

  test('a file changed on disk behind its open, unsaved-free editor is refused, and the new bytes stay', async () => {
    const rel = 'src/format.ts';
    const uri = vscode.Uri.joinPath(root(), rel);
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    const before = doc.getText();
    assert.equal(doc.isDirty, false);
    // Another program rewrites the file (a checkout, a formatter); apply before the editor catches up.
    const outside = before + '// written by another program\n';
    writeFileSync(uri.fsPath, outside);
    const result = await applyChange({
      format: 'search-replace',
      files: [{ path: rel, op: 'update', baseHash: 'x', before, after: 'export {};\n', tolerances: [] }],
    });
    assert.equal(result.applied, false, 'applied over a file that changed on disk');
    assert.match(!result.applied ? result.message : '', /src\/format\.ts: it changed since the edit was made/);
    assert.equal(readFileSync(uri.fsPath, 'utf8'), outside);
    await waitFor('the editor to catch up with the disk', () => doc.getText() === outside);
    writeFileSync(uri.fsPath, before);
    await waitFor('the editor to show the restored file', () => doc.getText() === before);
  });

  test('a change applied into an edited editor whose file then changed on disk is reported unsaved, and Undo takes it back', async () => {
    const rel = 'src/format.ts';
    const uri = vscode.Uri.joinPath(root(), rel);
    const doc = await vscode.workspace.openTextDocument(uri);
    const editor = await vscode.window.showTextDocument(doc);
    const onDisk = doc.getText();
    // The person has unsaved edits; the change is made against what they see.
    await editor.edit((b) => b.insert(doc.positionAt(0), '// unsaved note\n'));
    const seen = doc.getText();
    // Meanwhile another program rewrites the file.
    const outside = onDisk + '// written by another program\n';
    writeFileSync(uri.fsPath, outside);
    try {
      const result = await applyChange({
        format: 'search-replace',
        files: [{ path: rel, op: 'update', baseHash: 'x', before: seen, after: seen + '// applied\n', tolerances: [] }],
      });
      assert.equal(result.applied, true);
      assert.deepEqual(result.applied && result.unsaved, [rel], 'the failed save is reported');
      assert.equal(readFileSync(uri.fsPath, 'utf8'), outside, 'the other program’s bytes stay on disk');
      assert.equal(doc.getText(), seen + '// applied\n');
      await vscode.window.showTextDocument(doc);
      await vscode.commands.executeCommand('undo');
      assert.equal(doc.getText(), seen, 'one Undo takes the change back');
    } finally {
      await vscode.commands.executeCommand('workbench.action.files.revert');
      writeFileSync(uri.fsPath, onDisk);
      await waitFor('the editor to show the restored file', () => doc.getText() === onDisk && !doc.isDirty);
    }
  });
});
