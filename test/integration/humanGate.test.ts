// The human gate in a real extension host: with the policy gating medium-risk tasks, Apply asks a
// person in a modal that names its reasons, and writes nothing without a yes. VS Code refuses to
// show modal dialogs while tests run and says so with the dialog's contents, which is how this test
// sees the question that was asked.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { applyCurrent } from '../../src/vscode/runs/runActions';
import { loopbackPolicy } from './extensionFixtures';
import { mainModule, newRunAtDecision, useLoopbackTeam, waitFor } from './hostHelpers';

suite('the human gate', () => {
  useLoopbackTeam((s) => loopbackPolicy(s, { gateOnRisk: ['medium', 'high'] }));
  const cart = () => vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0]!.uri, 'src', 'cart.ts');

  test('Apply on a gated change asks in a modal with its reasons, and writes nothing without a yes', async function () {
    this.timeout(60_000);
    const svc = mainModule().currentServices()!;
    const before = new TextDecoder().decode(await vscode.workspace.fs.readFile(cart()));
    const previous = svc.runs.current?.runId;
    void vscode.commands.executeCommand(
      'switchyard.routeTask',
      'Fix the negative total in src/cart.ts when the discount is over 100%',
      {
        openDiffOnGate: false,
      },
    );
    const run = await newRunAtDecision(previous);
    assert.equal(run.model.view.state, 'awaiting-approval', run.model.view.message);
    const reasons = run.model.humanGateReasons();
    assert.ok(
      reasons.some((r) => /medium risk/i.test(r)),
      `reasons: ${reasons.join(' | ')}`,
    );
    await assert.rejects(applyCurrent(svc), /needs your confirmation to apply the change to src\/cart\.ts/);
    assert.equal(run.model.view.state, 'awaiting-approval', 'the run still waits for a yes');
    assert.equal(new TextDecoder().decode(await vscode.workspace.fs.readFile(cart())), before);
  });

  test('a yes in the modal applies the gated change; the run ends applied and one Undo restores the file', async function () {
    this.timeout(60_000);
    const svc = mainModule().currentServices()!;
    const run = svc.runs.current!;
    assert.equal(run.model.view.state, 'awaiting-approval', 'the run from the previous test still waits');
    const before = new TextDecoder().decode(await vscode.workspace.fs.readFile(cart()));
    // Answer the modal as a person would: VS Code will not show one under test, so stand in for it
    // (this module's copy of applyCurrent asks through this vscode.window).
    const asked: string[] = [];
    const buttons: string[][] = [];
    const original = vscode.window.showWarningMessage;
    (vscode.window as { showWarningMessage: unknown }).showWarningMessage = async (
      message: string,
      ...rest: unknown[]
    ) => {
      const opts = rest[0] as vscode.MessageOptions | undefined;
      asked.push(`${message} ${opts?.detail ?? ''}`);
      const items = rest.slice(1) as vscode.MessageItem[];
      buttons.push(items.map((i) => i.title));
      return items.find((i) => i.title === 'Apply change');
    };
    try {
      const result = await applyCurrent(svc);
      assert.equal(result.applied, true, result.message);
    } finally {
      (vscode.window as { showWarningMessage: unknown }).showWarningMessage = original;
    }
    assert.equal(asked.length, 1, 'asked once');
    assert.match(asked[0]!, /needs your confirmation to apply the change to src\/cart\.ts/);
    assert.match(asked[0]!, /medium risk/i, 'the modal names its reasons');
    // The first button is the dialog's default (Enter): the safe choice, not Apply.
    assert.deepEqual(buttons[0], ['Keep reviewing', 'Apply change']);
    await waitFor('the run to end applied', () => run.model.finished && run.model.view.state === 'applied');
    const after = new TextDecoder().decode(await vscode.workspace.fs.readFile(cart()));
    assert.notEqual(after, before);
    assert.ok(after.includes('Math.min(100, Math.max(0, discountPercent))'));
    const doc = await vscode.workspace.openTextDocument(cart());
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('undo');
    assert.equal(doc.getText(), before, 'one Undo takes the whole change back');
    await doc.save();
  });
});
