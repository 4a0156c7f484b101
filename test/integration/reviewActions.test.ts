// The reviewer's findings as things a person acts on, in a real extension host: apply a finding's
// suggestion to the proposed side, dismiss one, send one back to the implementer (the same run's
// implementer while the run waits at its gate; a new run once it ended), and re-run a stage with
// another model.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { runStats } from '../../src/cli/stats';
import { defaultLedgerPath } from '../../src/core/ledger/ledgerFile';
import { proposedUri } from '../../src/vscode/review/proposedContent';
import { CART_FIXED_LINES, cartTeam } from './extensionFixtures';
import { mainModule, newRunAtDecision, useLoopbackTeam, waitFor } from './hostHelpers';

const TASK = 'Fix the negative total in src/cart.ts when the discount is over 100%';
const cartUri = () => vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0]!.uri, 'src', 'cart.ts');
let originalCart = '';

async function routeToDecision(task = TASK, args: unknown[] = []) {
  const svc = mainModule().currentServices()!;
  const before = svc.runs.current?.runId;
  const done = vscode.commands.executeCommand(
    args.length ? 'switchyard.rerunStage' : 'switchyard.routeTask',
    ...(args.length ? args : [task]),
  );
  const run = await newRunAtDecision(before);
  assert.equal(run.model.view.state, 'awaiting-approval', run.model.view.message);
  return { svc, run, done };
}

suite('acting on review findings', () => {
  const server = useLoopbackTeam();
  suiteSetup(async () => {
    originalCart = new TextDecoder().decode(await vscode.workspace.fs.readFile(cartUri()));
  });

  test('"Apply suggestion", then "Apply change": the suggestion is in the file on disk', async function () {
    this.timeout(60_000);
    const { svc, run, done } = await routeToDecision();
    const finding = run.model.view.reviews[0]!.findings[0]!;
    const thread = svc.comments.thread(finding.id)!;
    await vscode.commands.executeCommand('switchyard.applySuggestion', thread);
    const proposed = await vscode.workspace.openTextDocument(thread.uri);
    await waitFor(
      'the proposed document to show the suggestion',
      () => proposed.getText().split('\n')[15] === finding.suggestion,
    );
    assert.equal(thread.state, vscode.CommentThreadState.Resolved);
    assert.equal(run.model.finding(finding.id)!.status, 'applied');
    const applied = (await vscode.commands.executeCommand('switchyard.applyChange')) as { applied: boolean };
    assert.equal(applied.applied, true);
    await done;
    // What a person sees in the file afterwards: the bytes on disk, not a copy held by the extension.
    const onDisk = new TextDecoder().decode(await vscode.workspace.fs.readFile(cartUri()));
    assert.equal(onDisk.split('\n')[15], finding.suggestion, 'the applied suggestion is on disk');
    assert.ok(onDisk.includes(CART_FIXED_LINES[1]!), 'and the rest of the change with it');
    assert.equal(run.model.view.state, 'applied');
    await vscode.workspace.fs.writeFile(cartUri(), new TextEncoder().encode(originalCart));
    // One ledger for the editor and the CLI: `switchyard stats` (no --ledger) sees this run.
    const ledger = defaultLedgerPath(process.env);
    assert.ok(ledger.startsWith(process.env.XDG_STATE_HOME!), `a test run keeps its records to itself: ${ledger}`);
    const out: string[] = [];
    const io = { out: (t: string) => out.push(t), err: (t: string) => out.push(t), env: process.env, cwd: '/' };
    assert.equal(await runStats(['--json'], io), 0);
    const card = JSON.parse(out.join('')) as { ledger: string; overall: { runs: number; applied: number } };
    assert.equal(card.ledger, ledger);
    assert.ok(card.overall.applied >= 1, out.join(''));
    const lines = new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.file(ledger)));
    assert.ok(lines.includes(`"runId":"${run.runId}"`), 'the run is recorded in the shared ledger');
  });

  test('"Reject change" ends the run without writing, and says who rejected it — no "human gate" when no rule asked', async function () {
    this.timeout(60_000);
    const { svc, run } = await routeToDecision();
    assert.equal(await vscode.commands.executeCommand('switchyard.rejectChange'), true);
    await waitFor('the run to finish rejected', () => run.model.finished);
    assert.equal(run.model.view.state, 'rejected');
    assert.equal(run.model.view.message, 'rejected: you rejected the change; nothing was applied');
    assert.equal(svc.comments.count, 0);
    assert.equal(new TextDecoder().decode(await vscode.workspace.fs.readFile(cartUri())), originalCart);
    const diffTabs = () =>
      vscode.window.tabGroups.all
        .flatMap((g) => g.tabs)
        .filter((t) => t.input instanceof vscode.TabInputTextDiff && t.input.modified.path.includes(run.runId));
    await waitFor('the rejected change’s diff tab to close', () => diffTabs().length === 0, 10_000);
  });

  test('"Send back" on a finding hands it to the same run’s implementer, which revises in its own session; "Dismiss" settles one', async function () {
    this.timeout(90_000);
    const { svc, run } = await routeToDecision();
    const finding = run.model.findings[0]!;
    server().reset();
    server().setHandler(cartTeam());
    const sent = await vscode.commands.executeCommand('switchyard.sendFindingBack', svc.comments.thread(finding.id));
    assert.equal(sent, true, 'sent back through the waiting gate');
    assert.equal(run.model.finding(finding.id)!.status, 'sent-back');
    assert.equal(run.decision.isOpen, false, 'the old change can no longer be applied');
    await waitFor('the revised change back at the gate', () => run.decision.isOpen, 60_000);
    assert.equal(run.model.view.state, 'awaiting-approval');
    assert.doesNotMatch(run.model.view.message ?? '', /Sent back/, '"Sent back…" does not outlive the revision');
    assert.equal(svc.runs.current, run, 'the same run goes on; no new run');
    const implReq = server().requests.find((r) => r.system.includes('You are the implementer'))!;
    const body = JSON.stringify(implReq.body);
    assert.match(body, /asked for changes to your diff/);
    assert.ok(body.includes(finding.message.slice(0, 30)), 'the finding reached the implementer');
    // Its own session: the first attempt (its earlier reply) is in the history it was sent.
    assert.ok(body.includes('Clamp the discount before applying it.'), 'the implementer’s history was kept');
    // Only the implementer and the reviewer worked again: no scout or architect for a revision.
    assert.ok(server().requests.every((r) => /You are the (implementer|critic)/.test(r.system)));
    // With no open finding, an empty note sends nothing back; the run keeps waiting.
    for (const f of run.model.findings) f.status = 'dismissed';
    assert.equal(await vscode.commands.executeCommand('switchyard.sendBack', '  '), undefined);
    assert.ok(run.decision.isOpen, 'the run still waits at its gate with its change');
    for (const f of run.model.findings) f.status = 'open';
    const again = run.model.findings[0]!;
    assert.notEqual(again.id, finding.id, 'the revised change got a new review');
    await waitFor('the new review’s threads', () => svc.comments.thread(again.id));
    await vscode.commands.executeCommand('switchyard.dismissFinding', svc.comments.thread(again.id));
    assert.equal(run.model.finding(again.id)!.status, 'dismissed');
  });

  test('after the run ended, "Send back" routes the task again with the note; the old run lets go of its documents', async function () {
    this.timeout(90_000);
    const svc = mainModule().currentServices()!;
    const first = svc.runs.current!;
    assert.equal(await vscode.commands.executeCommand('switchyard.rejectChange'), true);
    await waitFor('the run to finish', () => first.model.finished);
    server().reset();
    server().setHandler(cartTeam());
    void vscode.commands.executeCommand('switchyard.sendBack', 'Clamp in the caller instead');
    const next = await waitFor(
      'a new run to reach a decision',
      () => {
        const r = svc.runs.current;
        return r && r !== first && (r.model.view.state === 'awaiting-approval' || r.model.finished) && r;
      },
      60_000,
    );
    assert.equal(next.model.view.state, 'awaiting-approval', next.model.view.message);
    const implReq = server().requests.find((r) => r.system.includes('You are the implementer'))!;
    assert.match(JSON.stringify(implReq.body), /A reviewer asked for changes to the previous attempt/);
    assert.ok(JSON.stringify(implReq.body).includes('Clamp in the caller instead'), 'the note reached the implementer');
    // The replaced run let go of its documents: no file contents held, no diff tab left open.
    assert.equal(svc.content.get(proposedUri(first.runId, 'src/cart.ts', 'proposed')), undefined);
    assert.equal(svc.content.get(proposedUri(first.runId, 'src/cart.ts', 'base')), undefined);
    const diffs = () =>
      vscode.window.tabGroups.all
        .flatMap((g) => g.tabs)
        .map((t) => t.input)
        .filter((i): i is vscode.TabInputTextDiff => i instanceof vscode.TabInputTextDiff);
    await waitFor('the new run’s diff', () => diffs().some((d) => d.modified.path.includes(next.runId)));
    assert.ok(!diffs().some((d) => d.modified.path.includes(first.runId)), 'a diff of the replaced run is still open');
  });

  test('"Re-run stage" on the critic starts from the same editor context: no scout appears and is paid for', async function () {
    this.timeout(90_000);
    const svc = mainModule().currentServices()!;
    // The person routes with the file open: the task names its file, so no scout.
    await vscode.window.showTextDocument(cartUri());
    const unnamed = 'Fix the negative total when the discount is over 100%';
    const { run } = await routeToDecision(unnamed);
    assert.ok(!run.model.view.stages.some((s) => s.stage === 'scout'), 'routed without a scout');
    // By the time they re-run the reviewer, the diff (not the file) is the active editor.
    await waitFor('the diff to be the active editor', () =>
      vscode.window.activeTextEditor?.document.uri.scheme === 'switchyard-proposed' ? true : undefined,
    ).catch(() => vscode.commands.executeCommand('workbench.action.closeAllEditors'));
    server().reset();
    server().setHandler(cartTeam());
    // A reviewer of the author's vendor cannot review: refused with the reason, not silently replaced.
    assert.equal(await vscode.commands.executeCommand('switchyard.rerunStage', 'critic', 'loop-claude'), undefined);
    assert.equal(svc.runs.current, run, 'no run was started');
    assert.equal(server().requests.length, 0);
    const { run: again } = await routeToDecision(unnamed, ['critic', 'loop-gpt']);
    assert.deepEqual(again.editor, run.editor, 'the re-run keeps the editor context of the run it re-runs');
    assert.ok(
      !server().requests.some((r) => /You are the (scout|architect|implementer)/.test(r.system)),
      `only the critic was asked: ${server()
        .requests.map((r) => r.system.slice(0, 24))
        .join(' | ')}`,
    );
    assert.ok(!again.model.view.stages.some((s) => s.stage === 'scout'));
    await vscode.commands.executeCommand('switchyard.rejectChange');
  });

  test('"Re-run stage" puts the chosen model first for that stage', async function () {
    this.timeout(90_000);
    const svc = mainModule().currentServices()!;
    const { run } = await routeToDecision(TASK, ['implementer', 'loop-gpt']);
    const impl = run.model.view.stages.find((s) => s.stage === 'implementer')!;
    assert.equal(impl.modelId, 'loop-gpt');
    const critic = run.model.view.stages.find((s) => s.stage === 'critic')!;
    assert.equal(critic.vendor, 'anthropic', 'the reviewer is still of another vendor than the implementer');
    assert.equal(run.decision.plan!.files[0]!.path, 'src/cart.ts');
    // The policy file itself is unchanged.
    assert.deepEqual(svc.policy.policy.stages.implementer, ['loop-claude']);
    await vscode.commands.executeCommand('switchyard.rejectChange');
  });

  test('"Re-run stage" keeps what the stages before it produced: the findings and the plan are reused, not asked for again', async function () {
    this.timeout(120_000);
    const risky = 'Refactor the discount handling in src/cart.ts to support coupon codes and payment fees';
    const { run } = await routeToDecision(risky);
    assert.ok(
      run.model.artifacts.findings && run.model.artifacts.plan,
      'the first run went through scout and architect',
    );
    server().reset();
    server().setHandler(cartTeam());
    const { run: next } = await routeToDecision(risky, ['implementer', 'loop-gpt']);
    const stage = (s: string) => next.model.view.stages.find((x) => x.stage === s)!;
    assert.equal(stage('scout').state, 'skipped');
    assert.match(stage('scout').why ?? '', new RegExp(`findings reused from the previous run \\(${run.runId}\\)`));
    assert.equal(stage('architect').state, 'skipped');
    assert.match(stage('architect').why ?? '', /plan reused/);
    assert.equal(stage('implementer').modelId, 'loop-gpt');
    assert.ok(
      !server().requests.some((r) => /You are the (scout|architect)/.test(r.system)),
      'scout or architect was asked again',
    );
    const impl = server().requests.find((r) => r.system.includes('You are the implementer'))!;
    assert.ok(
      JSON.stringify(impl.body).includes('Clamp the discount to 0..100'),
      'the reused plan reached the implementer',
    );
    assert.deepEqual(next.model.artifacts.plan, run.model.artifacts.plan);

    // Re-running the reviewer is a second opinion on the same change: the implementer is not asked again.
    server().reset();
    server().setHandler(cartTeam());
    const { run: third } = await routeToDecision(risky, ['critic', 'loop-claude']);
    const s3 = (s: string) => third.model.view.stages.find((x) => x.stage === s)!;
    assert.equal(s3('implementer').state, 'skipped');
    assert.match(s3('implementer').why ?? '', new RegExp(`change by loop-gpt reused from the previous run`));
    assert.ok(
      !server().requests.some((r) => r.system.includes('You are the implementer')),
      'the implementer was asked again',
    );
    assert.equal(third.model.artifacts.diff?.diff, next.model.artifacts.diff?.diff, 'the same change was reviewed');
    // The pick reviews: loop-claude (anthropic) is of another vendor than the change's author, loop-gpt.
    assert.equal(s3('critic').modelId, 'loop-claude');
    assert.ok(server().requests.some((r) => r.model === 'loop-claude' && r.system.includes('You are the critic')));
    assert.ok(third.decision.isOpen, 'the reused change is at the gate, ready to apply');
    await vscode.commands.executeCommand('switchyard.rejectChange');
  });

  test('"Route again as…" routes the same task by the person’s kind and risk: the stages follow, and the calls say who set them', async function () {
    this.timeout(90_000);
    const { svc, run } = await routeToDecision();
    assert.notEqual(run.model.view.risk, 'high', 'the cart fix is not routed as high risk on its own');
    // The same calls as the run's: nothing to change, no run started.
    const view = run.model.view;
    assert.equal(
      await vscode.commands.executeCommand('switchyard.rerouteAs', { kind: view.kind, risk: view.risk }),
      undefined,
    );
    assert.equal(svc.runs.current, run);
    server().reset();
    server().setHandler(cartTeam());
    const done = vscode.commands.executeCommand('switchyard.rerouteAs', { kind: 'bugfix', risk: 'high' });
    const again = await newRunAtDecision(run.runId, 90_000);
    assert.equal(again.model.view.task, TASK, 'the same task');
    assert.equal(again.model.view.kind, 'bugfix');
    assert.equal(again.model.view.risk, 'high');
    assert.equal(again.model.view.calls?.risk.rule, 'set by you');
    assert.equal(again.model.view.calls?.risk.label, 'high');
    const stages = again.model.view.stages.map((s) => s.stage);
    assert.ok(stages.includes('scout') && stages.includes('architect'), stages.join(', '));
    assert.ok(
      server().requests.some((r) => r.system.includes('You are the architect')),
      'the high-risk route plans first',
    );
    assert.equal(run.model.finished, true, 'the replaced run ended');
    await vscode.commands.executeCommand('switchyard.rejectChange');
    await done;
  });
});
