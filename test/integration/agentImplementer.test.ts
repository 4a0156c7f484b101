// A coding agent implements in a real extension host, for each agent: Claude Code (the real Claude
// Agent SDK and CLI, next to the extension) reviewed by a GPT-vendor critic, and Codex (the real
// Codex SDK and codex binary) reviewed by a Claude-vendor critic. The agent edits a scratch copy
// through the loopback server; its steps stream into the run as the implementer's output; its diff
// opens with the other vendor's finding as a comment; the workspace is untouched until Apply, which
// writes through one WorkspaceEdit that one Undo reverts.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { startLoopbackServer, type LoopbackServer } from '../support/loopbackServer';
import { isAgent, scriptAgent, type AgentKind, type AgentStepScript } from '../support/agentScript';
import { CART_BUGGY, CART_FIXED_LINES, cartTeam, loopbackPolicy } from './extensionFixtures';
import { mainModule, waitFor } from './hostHelpers';

const TASK = 'Fix the negative total in src/cart.ts when the discount is over 100%';

interface AgentCase {
  kind: AgentKind;
  model: Record<string, unknown>;
  keyName: string;
  key: string;
  steps: AgentStepScript[];
  /** The other vendor's model that must review the agent's diff. */
  reviewer: string;
  output: RegExp[];
  /** The agent's key as its requests carry it. */
  sentKey(headers: Record<string, string | string[] | undefined>): unknown;
}

const codexPatch = [
  "apply_patch <<'EOF'",
  '*** Begin Patch',
  '*** Update File: src/cart.ts',
  '@@',
  `-${CART_BUGGY}`,
  ...CART_FIXED_LINES.map((l) => `+${l}`),
  '*** End Patch',
  'EOF',
].join('\n');

const CASES = (server: LoopbackServer): AgentCase[] => [
  {
    kind: 'claude',
    model: {
      id: 'claude-code',
      provider: 'claude-agent',
      model: 'claude-loop-agent',
      vendor: 'anthropic',
      baseUrl: server.anthropicBaseUrl,
      price: { inputPerMTok: 3, outputPerMTok: 15 },
    },
    keyName: 'SWITCHYARD_LOOPBACK_CLAUDE_KEY',
    key: 'sk-ant-loop-agent-4b2a17',
    steps: [
      { tool: 'Read', input: { file_path: '{cwd}/src/cart.ts' } },
      {
        tool: 'Edit',
        input: { file_path: '{cwd}/src/cart.ts', old_string: CART_BUGGY, new_string: CART_FIXED_LINES.join('\n') },
      },
      { text: 'Clamped the discount to 0..100 in totalCents.' },
    ],
    reviewer: 'loop-gpt',
    output: [/→ Read \{"file_path":".*src\/cart\.ts"\}/, /→ Edit /, /Clamped the discount/],
    sentKey: (h) => h['x-api-key'],
  },
  {
    kind: 'codex',
    model: {
      id: 'codex',
      provider: 'codex-agent',
      model: 'gpt-loop-codex',
      vendor: 'openai',
      baseUrl: `${server.url}/v1`,
      price: { inputPerMTok: 1.25, outputPerMTok: 10 },
    },
    keyName: 'SWITCHYARD_LOOPBACK_CODEX_KEY',
    key: 'sk-loop-codex-9c31e0',
    steps: [
      { tool: 'exec_command', input: { cmd: 'cat src/cart.ts' } },
      { tool: 'exec_command', input: { cmd: codexPatch } },
      { text: 'Clamped the discount to 0..100 in totalCents.' },
    ],
    reviewer: 'loop-claude',
    output: [/→ shell .*cat src\/cart\.ts/, /→ apply_patch update .*src\/cart\.ts/, /Clamped the discount/],
    sentKey: (h) => h['authorization'],
  },
];

for (const kind of ['claude', 'codex'] as const) {
  suite(`a coding agent as the implementer (${kind})`, () => {
    let server: LoopbackServer;
    let c: AgentCase;
    const root = () => vscode.workspace.workspaceFolders![0]!.uri;
    const cart = () => vscode.Uri.joinPath(root(), 'src', 'cart.ts');
    const readCart = async () => new TextDecoder().decode(await vscode.workspace.fs.readFile(cart()));

    suiteSetup(async function () {
      if (!vscode.workspace.isTrusted) this.skip();
      server = await startLoopbackServer();
      c = CASES(server).find((x) => x.kind === kind)!;
      scriptAgent(server, c.steps, cartTeam(), kind);
      const policy = JSON.parse(loopbackPolicy(server, { keyless: true }).replace(/^\/\/.*\n/, '')) as {
        models: unknown[];
        stages: Record<string, string[]>;
      };
      policy.models.push({ ...c.model, apiKeyEnv: c.keyName, agent: { maxTurns: 6, timeoutSeconds: 120 } });
      policy.stages.implementer = [String(c.model.id)];
      policy.stages.critic = [c.reviewer];
      await vscode.workspace.fs.writeFile(
        vscode.Uri.joinPath(root(), '.switchyard', 'routing.json'),
        new TextEncoder().encode(JSON.stringify(policy, null, 2)),
      );
      await vscode.commands.executeCommand('switchyard.setApiKey', c.keyName, c.key);
      await mainModule().currentServices()!.policy.reload();
    });

    suiteTeardown(async () => {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      await server?.close();
    });

    test('its steps are the implementer’s output, its diff gets the other vendor’s comment, and Apply and Undo work as for any run', async function () {
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
      assert.equal(impl.modelId, c.model.id);
      assert.equal(impl.vendor, c.model.vendor);
      assert.ok(impl.inputTokens > 0, 'the agent pass is accounted');
      const output = run.model.outputs.get('implementer') ?? '';
      for (const step of c.output) assert.match(output, step);
      const agentReq = server.requests.find((r) => isAgent(r, kind));
      assert.ok(agentReq, 'the agent reached its model');
      assert.match(
        String(c.sentKey(agentReq.headers)),
        new RegExp(c.key),
        'the agent got its own key from secret storage',
      );
      assert.equal(run.model.view.reviews[0]?.reviewerModel, c.reviewer);
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
}
