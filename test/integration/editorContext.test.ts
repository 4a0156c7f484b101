// What "Route this task" gathers from the editor, in a real extension host: the active file, the
// selection (text and lines), the open diagnostics of the files in play; or, from the explorer,
// the files picked there instead of the active one.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { gatherContext } from '../../src/vscode/runs/gatherContext';

suite('editor context for a task', () => {
  const diagnostics = vscode.languages.createDiagnosticCollection('switchyard-test');
  const root = () => vscode.workspace.workspaceFolders![0]!.uri;

  suiteTeardown(async () => {
    diagnostics.dispose();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('active file, selection and its errors', async () => {
    const cart = vscode.Uri.joinPath(root(), 'src', 'cart.ts');
    const editor = await vscode.window.showTextDocument(cart);
    editor.selection = new vscode.Selection(13, 0, 16, 1);
    diagnostics.set(cart, [
      new vscode.Diagnostic(
        new vscode.Range(15, 2, 15, 8),
        'Type number is not assignable',
        vscode.DiagnosticSeverity.Error,
      ),
      new vscode.Diagnostic(new vscode.Range(1, 0, 1, 1), 'just a hint', vscode.DiagnosticSeverity.Hint),
    ]);
    const ctx = gatherContext();
    assert.deepEqual(ctx.context.filePaths, ['src/cart.ts']);
    assert.equal(ctx.context.selectionLines, 4);
    assert.equal(ctx.selection?.startLine, 14);
    assert.match(ctx.selection!.text, /export function totalCents/);
    assert.deepEqual(ctx.context.diagnostics, [
      { file: 'src/cart.ts:16', severity: 'error', message: 'Type number is not assignable' },
    ]);
  });

  test('files picked in the explorer replace the active file', async () => {
    const format = vscode.Uri.joinPath(root(), 'src', 'format.ts');
    const readme = vscode.Uri.joinPath(root(), 'README.md');
    const ctx = gatherContext([format, readme, format]);
    assert.deepEqual(ctx.context.filePaths, ['src/format.ts', 'README.md']);
    assert.equal(ctx.activePath, 'src/cart.ts');
  });
});
