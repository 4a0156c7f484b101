// A run whose critic speaks Anthropic's wire protocol, in a real extension host: the model is
// declared with provider "anthropic" and a base URL on the loopback server, so the official
// @anthropic-ai/sdk sends the critic's request over real HTTP (Messages API, streaming), with the key
// from SecretStorage, and the review comes back to the decision. The implementer is of another vendor
// (an OpenAI-compatible server), as the cross-vendor rule wants.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { startLoopbackServer, type LoopbackServer } from '../support/loopbackServer';
import { cartTeam, loopbackPolicy } from './extensionFixtures';
import { mainModule, waitFor } from './hostHelpers';

const KEY_NAME = 'SWITCHYARD_LOOPBACK_CLAUDE_KEY';
const KEY = 'sk-ant-loop-critic-7c1d9e';

suite('a critic on the Anthropic wire protocol', () => {
  let server: LoopbackServer;
  const root = () => vscode.workspace.workspaceFolders![0]!.uri;

  suiteSetup(async function () {
    if (!vscode.workspace.isTrusted) this.skip();
    server = await startLoopbackServer();
    server.setHandler(cartTeam());
    const policy = JSON.parse(loopbackPolicy(server, { keyless: true }).replace(/^\/\/.*\n/, '')) as {
      models: unknown[];
      stages: Record<string, string[]>;
    };
    policy.models.push({
      id: 'claude-wire',
      provider: 'anthropic',
      model: 'claude-loop-critic',
      vendor: 'anthropic',
      baseUrl: server.anthropicBaseUrl,
      apiKeyEnv: KEY_NAME,
      price: { inputPerMTok: 3, outputPerMTok: 15 },
    });
    policy.stages.implementer = ['loop-gpt'];
    policy.stages.critic = ['claude-wire'];
    await vscode.workspace.fs.writeFile(
      vscode.Uri.joinPath(root(), '.switchyard', 'routing.json'),
      new TextEncoder().encode(JSON.stringify(policy, null, 2)),
    );
    await vscode.commands.executeCommand('switchyard.setApiKey', KEY_NAME, KEY);
    await mainModule().currentServices()!.policy.reload();
  });

  suiteTeardown(async () => {
    await server?.close();
  });

  test('the critic’s request goes through the Anthropic SDK to the Messages API, and its review reaches the decision', async function () {
    this.timeout(90_000);
    const svc = mainModule().currentServices()!;
    const earlier = svc.runs.current;
    void vscode.commands.executeCommand(
      'switchyard.routeTask',
      'Fix the negative total in src/cart.ts when the discount is over 100%',
      { openDiffOnGate: false },
    );
    const run = await waitFor(
      'the run to reach the decision',
      () => {
        const r = svc.runs.current;
        return r && r !== earlier && (r.model.view.state === 'awaiting-approval' || r.model.finished) && r;
      },
      60_000,
    );
    assert.equal(run.model.view.state, 'awaiting-approval', run.model.view.message);
    const critic = run.model.view.stages.find((s) => s.stage === 'critic')!;
    assert.equal(critic.modelId, 'claude-wire');
    assert.equal(critic.vendor, 'anthropic');
    assert.ok(critic.inputTokens > 0, 'usage came back from the Messages stream');
    const review = server.requests.find((r) => r.system.includes('You are the critic'))!;
    assert.equal(review.api, 'anthropic-messages');
    assert.equal(review.model, 'claude-loop-critic');
    assert.equal(review.stream, true);
    assert.ok(JSON.stringify(review.headers).includes(KEY), 'the key from SecretStorage went in the request');
    const impl = server.requests.find((r) => r.system.includes('You are the implementer'))!;
    assert.equal(impl.api, 'openai-chat', 'the implementer is of another vendor, over its own protocol');
    assert.equal(run.model.view.reviews[0]?.reviewerModel, 'claude-wire');
    assert.equal(run.model.view.reviews[0]?.verdict, 'approve');
    await vscode.commands.executeCommand('switchyard.rejectChange');
    await waitFor('the run to end', () => run.model.finished);
  });
});
