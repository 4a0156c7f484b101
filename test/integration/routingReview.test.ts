// Learning from runs, in a real extension host: mark a run from the ledger as a benchmark item,
// review the routing with a candidate implementer (replays in scratch copies, against the loopback
// model server, the workspace untouched), accept the suggested change (diff first, then a
// WorkspaceEdit to .switchyard/routing.json), and open the Scorecard view.
import * as assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { startLoopbackServer, type LoopbackServer } from '../support/loopbackServer';
import { CRITIC_KEY, CRITIC_KEY_NAME, IMPLEMENTER_KEY, IMPLEMENTER_KEY_NAME, cartTeam } from './extensionFixtures';
import { mainModule } from './hostHelpers';
import { benchmarkRunRecord, candidatePolicy } from './benchmarkFixtures';
import { routingReviewProtocol } from '../../src/protocol/routingReviewProtocol';
import { renderReview } from '../../webview/routingReview/renderReview';
import { installFakeDom, serialize, type FakeElement } from '../unit/hostile/fakeDom';

const TASK = 'Fix the negative total in src/cart.ts when the discount is over 100%';

interface ReviewResult {
  report: {
    current: { items: number; approvalRate: number | null; headUsed: number; costUsd: number };
    candidateSide: { items: number; approvalRate: number | null; headUsed: number; costUsd: number };
    suggestion: { recommend: boolean; toChain: string[]; reasons: string[] };
  };
  shown: {
    accept(opts: { confirm: (q: string) => Thenable<boolean> }): Promise<string | undefined>;
    state(): { report: unknown; accepted?: string };
    pageHtml(): string;
    panel: vscode.WebviewPanel;
  };
}

/** What the review's app draws from the state the host last sent it (through the protocol's check). */
function drawn(shown: ReviewResult['shown']): string {
  const { report, accepted } = shown.state();
  const sent = routingReviewProtocol.parseHostMessage({
    kind: 'notify',
    method: 'review/state',
    params: { report, accepted },
  });
  assert.ok(sent?.kind === 'notify', 'the report the host sends passes the protocol');
  const restore = installFakeDom();
  try {
    return renderReview(sent.params.report, sent.params.accepted, () => {})
      .map((n) => serialize(n as unknown as FakeElement))
      .join('');
  } finally {
    restore();
  }
}

suite('routing review and scorecard', () => {
  let server: LoopbackServer;
  let folder: vscode.Uri;
  const bytes = async (rel: string) =>
    Buffer.from(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(folder, rel))).toString('utf8');

  suiteSetup(async function () {
    if (!vscode.workspace.isTrusted) this.skip();
    this.timeout(30_000);
    folder = vscode.workspace.workspaceFolders![0]!.uri;
    server = await startLoopbackServer();
    server.setHandler(cartTeam());
    await vscode.workspace.fs.writeFile(
      vscode.Uri.joinPath(folder, '.switchyard', 'routing.json'),
      new TextEncoder().encode(candidatePolicy(server)),
    );
    await vscode.commands.executeCommand('switchyard.setApiKey', IMPLEMENTER_KEY_NAME, IMPLEMENTER_KEY);
    await vscode.commands.executeCommand('switchyard.setApiKey', CRITIC_KEY_NAME, CRITIC_KEY);
    await mainModule().currentServices()!.policy.reload();
    const ledger = join(mkdtempSync(join(tmpdir(), 'switchyard-ledger-')), 'runs.jsonl');
    writeFileSync(ledger, `${JSON.stringify(benchmarkRunRecord('run-bench-1', TASK))}\n`);
    // A user-scope setting (the ledger is never kept in the workspace); each test run has fresh user data.
    await vscode.workspace
      .getConfiguration('switchyard')
      .update('ledgerPath', ledger, vscode.ConfigurationTarget.Global);
  });

  suiteTeardown(async () => {
    await vscode.workspace
      .getConfiguration('switchyard')
      .update('ledgerPath', undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await server?.close();
  });

  test('mark a run from the ledger as a benchmark item', async () => {
    const id = await vscode.commands.executeCommand<string>('switchyard.markBenchmark', 'run-bench-1');
    assert.equal(id, 'run-bench-1');
    const set = JSON.parse(await bytes('.switchyard/benchmarks.json'));
    assert.equal(set.items.length, 1);
    assert.equal(set.items[0].task, TASK);
    assert.equal(set.items[0].contextFiles[0].path, 'src/cart.ts');
    assert.match(set.items[0].contextFiles[0].sha256, /^[0-9a-f]{64}$/);
    assert.match(set.items[0].acceptedDiff, /\+\+\+ b\/src\/cart\.ts/);
  });

  test('review routing with a candidate implementer, then accept the suggested change', async function () {
    this.timeout(120_000);
    const cartBefore = await bytes('src/cart.ts');
    const requestsBefore = server.requests.length;
    const r = await vscode.commands.executeCommand<ReviewResult>('switchyard.reviewRouting', 'loop-new', 'implementer');
    assert.ok(r, 'the review produced a report');
    assert.equal(await bytes('src/cart.ts'), cartBefore, 'replays never touch the workspace');
    assert.ok(
      server.requests.slice(requestsBefore).some((q) => q.model === 'loop-new'),
      'the candidate was really called',
    );
    assert.equal(r.report.current.items, 1);
    assert.equal(r.report.current.approvalRate, 1);
    assert.equal(r.report.candidateSide.approvalRate, 1);
    assert.equal(r.report.candidateSide.headUsed, 1);
    assert.ok(r.report.candidateSide.costUsd < r.report.current.costUsd, 'the candidate is cheaper per token');
    assert.equal(r.report.suggestion.recommend, true, r.report.suggestion.reasons.join(' '));
    assert.match(r.shown.pageHtml(), /<script nonce="[^"]+" src="[^"]+\/dist\/routingReview\.js"><\/script>/);
    assert.match(drawn(r.shown), /Approval rate/);
    assert.match(drawn(r.shown), /<button id="accept">/);

    let asked = '';
    const done = await r.shown.accept({ confirm: async (q) => ((asked = q), true) });
    assert.match(asked, /stages\.implementer: \["loop-claude"\] → \["loop-new","loop-claude"\]/);
    assert.match(done ?? '', /Applied: stages\.implementer is now/);
    const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs);
    assert.ok(
      tabs.some(
        (t) => t.input instanceof vscode.TabInputTextDiff && t.input.modified.scheme === 'switchyard-proposed-policy',
      ),
      'the diff was shown first',
    );
    const after = await bytes('.switchyard/routing.json');
    assert.match(after, /^\/\/ team policy\n/, 'comments survive the edit');
    assert.deepEqual(JSON.parse(after.slice(after.indexOf('{'))).stages.implementer, ['loop-new', 'loop-claude']);
    assert.match(drawn(r.shown), /Applied: stages\.implementer/);
  });

  test('the Scorecard view is contributed to the Switchyard sidebar and opens', async () => {
    const commands = await vscode.commands.getCommands(true);
    assert.ok(commands.includes('switchyard.scorecard.focus'), 'VS Code made a focus command for the view');
    // Resolves the webview view through extension.ts's proxy provider (main.js renders the ledger).
    await vscode.commands.executeCommand('switchyard.scorecard.focus');
  });
});
