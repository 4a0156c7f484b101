// The reviewer's findings as things a person acts on, in a real extension host: apply a finding's
// suggestion to the proposed side, dismiss one, send one back to the implementer (a new run whose
// implementer is told the finding), and re-run a stage with another model.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { proposedUri } from '../../src/vscode/review/proposedContent';
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

async function routeToDecision(task = TASK, args: unknown[] = []) {
  const svc = mainModule().currentServices()!;
  const before = svc.runs.current?.runId;
  const done = vscode.commands.executeCommand(
    args.length ? 'switchyard.rerunStage' : 'switchyard.routeTask',
    ...(args.length ? args : [task]),
  );
  const run = await waitFor(
    'a new run to wait for a decision',
    () => {
      const r = svc.runs.current;
      return r && r.runId !== before && (r.model.view.state === 'awaiting-approval' || r.model.finished) && r;
    },
    60_000,
  );
  assert.equal(run.model.view.state, 'awaiting-approval', run.model.view.message);
  return { svc, run, done };
}

suite('acting on review findings', () => {
  let server: LoopbackServer;

  suiteSetup(async function () {
    if (!vscode.workspace.isTrusted) this.skip();
    server = await startLoopbackServer();
    server.setHandler(cartTeam());
    await vscode.workspace.fs.writeFile(
      vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0]!.uri, '.switchyard', 'routing.json'),
      new TextEncoder().encode(loopbackPolicy(server)),
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

  test('"Apply suggestion" rewrites the proposed lines and settles the thread', async function () {
    this.timeout(60_000);
    const { svc, run } = await routeToDecision();
    const finding = run.model.view.review!.findings[0]!;
    const thread = svc.comments.thread(finding.id)!;
    await vscode.commands.executeCommand('switchyard.applySuggestion', thread);
    const proposed = await vscode.workspace.openTextDocument(thread.uri);
    await waitFor(
      'the proposed document to show the suggestion',
      () => proposed.getText().split('\n')[15] === finding.suggestion,
    );
    assert.equal(
      run.resolved!.files[0]!.after.split('\n')[15],
      finding.suggestion,
      'what Apply would write includes the suggestion',
    );
    assert.equal(thread.state, vscode.CommentThreadState.Resolved);
    assert.equal(run.model.finding(finding.id)!.status, 'applied');
  });

  test('"Reject change" ends the run without writing', async function () {
    this.timeout(30_000);
    const svc = mainModule().currentServices()!;
    const run = svc.runs.current!;
    assert.equal(await vscode.commands.executeCommand('switchyard.rejectChange'), true);
    await waitFor('the run to finish rejected', () => run.model.finished);
    assert.equal(run.model.view.state, 'rejected');
    assert.equal(svc.comments.count, 0);
  });

  test('"Dismiss" settles a finding; "Send back" starts a run whose implementer is told the finding', async function () {
    this.timeout(90_000);
    const { svc, run } = await routeToDecision();
    const finding = run.model.view.review!.findings[0]!;
    await vscode.commands.executeCommand('switchyard.dismissFinding', svc.comments.thread(finding.id));
    assert.equal(run.model.finding(finding.id)!.status, 'dismissed');
    server.reset();
    server.setHandler(cartTeam());
    const first = run.runId;
    void vscode.commands.executeCommand('switchyard.sendFindingBack', svc.comments.thread(finding.id));
    const next = await waitFor(
      'the sent-back run to reach a decision',
      () => {
        const r = svc.runs.current;
        return r && r.runId !== first && (r.model.view.state === 'awaiting-approval' || r.model.finished) && r;
      },
      60_000,
    );
    assert.equal(run.model.view.state, 'rejected', 'the first change was declined');
    const implReq = server.requests.find((r) => r.system.includes('You are the implementer'))!;
    const sent = JSON.stringify(implReq.body);
    assert.match(sent, /A reviewer asked for changes to the previous attempt/);
    assert.ok(sent.includes('Say why the discount is clamped'), 'the finding reached the implementer');
    assert.equal(next.model.view.state, 'awaiting-approval', next.model.view.message);
    // The replaced run let go of its documents: no file contents held, no diff tab left open.
    assert.equal(svc.content.get(proposedUri(first, 'src/cart.ts', 'proposed')), undefined);
    assert.equal(svc.content.get(proposedUri(first, 'src/cart.ts', 'base')), undefined);
    const diffs = () =>
      vscode.window.tabGroups.all
        .flatMap((g) => g.tabs)
        .map((t) => t.input)
        .filter((i): i is vscode.TabInputTextDiff => i instanceof vscode.TabInputTextDiff);
    await waitFor('the new run’s diff', () => diffs().some((d) => d.modified.path.includes(next.runId)));
    assert.ok(!diffs().some((d) => d.modified.path.includes(first)), 'a diff of the replaced run is still open');
  });

  test('"Re-run stage" puts the chosen model first for that stage', async function () {
    this.timeout(90_000);
    const svc = mainModule().currentServices()!;
    const { run } = await routeToDecision(TASK, ['implementer', 'loop-gpt']);
    const impl = run.model.view.stages.find((s) => s.stage === 'implementer')!;
    assert.equal(impl.modelId, 'loop-gpt');
    const critic = run.model.view.stages.find((s) => s.stage === 'critic')!;
    assert.equal(critic.vendor, 'anthropic', 'the reviewer is still of another vendor than the implementer');
    assert.equal(run.resolved!.files[0]!.path, 'src/cart.ts');
    // The policy file itself is unchanged.
    assert.deepEqual(svc.policy.policy.stages.implementer, ['loop-claude']);
    await vscode.commands.executeCommand('switchyard.rejectChange');
  });
});
