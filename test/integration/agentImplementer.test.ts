// A coding agent implements in a real extension host: Claude Code (the real Claude Agent SDK and
// CLI, next to the extension) edits a scratch copy through the loopback server; its steps stream
// into the run as the implementer's output; its diff opens with the GPT critic's finding; the
// workspace is untouched until Apply, which writes through one WorkspaceEdit that one Undo reverts.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { startLoopbackServer, type LoopbackServer } from '../support/loopbackServer';
import { scriptAgent } from '../support/agentScript';
import { CART_BUGGY, CART_FIXED_LINES, cartTeam, loopbackPolicy } from './extensionFixtures';
import { mainModule, waitFor } from './hostHelpers';

const KEY_NAME = 'SWITCHYARD_LOOPBACK_CLAUDE_KEY';
const KEY = 'sk-ant-loop-agent-4b2a17';
const TASK = 'Fix the negative total in src/cart.ts when the discount is over 100%';

suite('a coding agent as the implementer', () => {
  let server: LoopbackServer;
  const root = () => vscode.workspace.workspaceFolders![0]!.uri;
  const cart = () => vscode.Uri.joinPath(root(), 'src', 'cart.ts');
  const readCart = async () => new TextDecoder().decode(await vscode.workspace.fs.readFile(cart()));

  suiteSetup(async function () {
    if (!vscode.workspace.isTrusted) this.skip();
    server = await startLoopbackServer();
    scriptAgent(
      server,
      [
        { tool: 'Read', input: { file_path: '{cwd}/src/cart.ts' } },
        {
          tool: 'Edit',
          input: { file_path: '{cwd}/src/cart.ts', old_string: CART_BUGGY, new_string: CART_FIXED_LINES.join('\n') },
        },
        { text: 'Clamped the discount to 0..100 in totalCents.' },
      ],
      cartTeam(),
    );
    const policy = JSON.parse(loopbackPolicy(server, { keyless: true }).replace(/^\/\/.*\n/, '')) as {
      models: unknown[];
      stages: Record<string, string[]>;
    };
    policy.models.push({
      id: 'claude-code',
      provider: 'claude-agent',
      model: 'claude-loop-agent',
      vendor: 'anthropic',
      baseUrl: server.anthropicBaseUrl,
      apiKeyEnv: KEY_NAME,
      price: { inputPerMTok: 3, outputPerMTok: 15 },
      agent: { maxTurns: 6, timeoutSeconds: 120 },
    });
    policy.stages.implementer = ['claude-code'];
    policy.stages.critic = ['loop-gpt'];
    await vscode.workspace.fs.writeFile(
      vscode.Uri.joinPath(root(), '.switchyard', 'routing.json'),
      new TextEncoder().encode(JSON.stringify(policy, null, 2)),
    );
    await vscode.commands.executeCommand('switchyard.setApiKey', KEY_NAME, KEY);
    await mainModule().currentServices()!.policy.reload();
  });

  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await server?.close();
  });

  test('its steps are the implementer’s output, its diff gets the critic’s comment, and Apply and Undo work as for any run', async function () {
    this.timeout(180_000);
    const svc = mainModule().currentServices()!;
    const earlier = svc.runs.current;
    const original = await readCart();
    const routed = vscode.commands.executeCommand('switchyard.routeTask', TASK, { openDiffOnGate: true });
    const run = await waitFor(
      'the run to reach the decision',
      () => {
        const r = svc.runs.current;
        return r && r !== earlier && (r.model.view.state === 'awaiting-approval' || r.model.finished) && r;
      },
      150_000,
    );
    assert.equal(run.model.view.state, 'awaiting-approval', run.model.view.message);
    const impl = run.model.view.stages.find((s) => s.stage === 'implementer')!;
    assert.equal(impl.modelId, 'claude-code');
    assert.equal(impl.vendor, 'anthropic');
    assert.ok(impl.inputTokens > 0, 'the agent pass is accounted');
    const output = run.model.outputs.get('implementer') ?? '';
    assert.match(output, /→ Read \{"file_path":".*src\/cart\.ts"\}/);
    assert.match(output, /→ Edit /);
    assert.match(output, /Clamped the discount/);
    const agentReq = server.requests.find((r) => String(r.headers['user-agent']).startsWith('claude-cli/'))!;
    assert.equal(agentReq.headers['x-api-key'], KEY, 'the agent got its own key from secret storage');
    assert.equal(run.model.view.reviews[0]?.reviewerModel, 'loop-gpt');
    assert.equal(await readCart(), original, 'nothing reached the workspace before Apply');
    const thread = await waitFor('the finding as a comment thread', () => svc.comments.count === 1);
    assert.ok(thread);

    const result = (await vscode.commands.executeCommand('switchyard.applyChange')) as {
      applied: boolean;
      message: string;
    };
    assert.equal(result.applied, true, result.message);
    await routed;
    assert.equal(svc.runs.current!.model.view.state, 'applied');
    const onDisk = await readCart();
    for (const line of CART_FIXED_LINES) assert.ok(onDisk.includes(line), `applied file lacks ${line}`);
    const doc = await vscode.workspace.openTextDocument(cart());
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('undo');
    await waitFor('undo to restore the file', () => doc.getText() === original);
    await doc.save();
  });
});
