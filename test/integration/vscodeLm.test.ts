// VS Code language models as a provider, in a real extension host. First the honest "not available"
// path: calling a model the host does not offer fails with a ProviderError that names the model and
// what to do, instead of hanging or inventing output. Then the happy path against a model registered
// in this host by a fixture extension (test/fixtures/lm-provider): VS Code 1.100 has no stable API to
// register a chat model, but its proposed `chatProvider` API (lm.registerChatModelProvider) is open to
// extensions in development, which the integration runner loads the fixture as.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { ModelSpecSchema } from '../../src/core/config/policySchema';
import { ProviderError } from '../../src/core/providers/types';
import { createVscodeLmProvider } from '../../src/vscode/lm/vscodeLmProvider';
import { startLoopbackServer, type LoopbackServer } from '../support/loopbackServer';
import { cartTeam, loopbackPolicy } from './extensionFixtures';
import { mainModule, waitFor } from './hostHelpers';

suite('vscode.lm provider', () => {
  const spec = ModelSpecSchema.parse({
    id: 'copilot-gpt',
    provider: 'vscode-lm',
    model: 'no-such-family',
    vendor: 'openai',
  });

  test('the host offers no model with that name, and the provider says so', async () => {
    assert.equal((await vscode.lm.selectChatModels({ family: 'no-such-family' })).length, 0);
    const provider = createVscodeLmProvider(spec);
    assert.equal(provider.modelId, 'copilot-gpt');
    assert.equal(provider.vendor, 'openai');
    const events: unknown[] = [];
    await assert.rejects(
      (async () => {
        for await (const e of provider.stream({ system: 's', messages: [{ role: 'user', content: 'hi' }] }))
          events.push(e);
      })(),
      (err: unknown) =>
        err instanceof ProviderError &&
        err.kind === 'bad-request' &&
        err.modelId === 'copilot-gpt' &&
        /No VS Code language model matches "no-such-family"/.test(err.message),
    );
    assert.deepEqual(events, [], 'no output was made up');
  });
});

/** What the fixture extension (test/fixtures/lm-provider) exports: the requests its model got, its replies. */
interface LmFixture {
  vendor: string;
  family: string;
  registered: boolean;
  requests: Array<{ turns: Array<{ role: string; text: string }>; tools: string[]; toolMode?: number }>;
  reply?: (
    turns: Array<{ role: string; text: string }>,
    options: vscode.LanguageModelChatRequestOptions,
  ) => Array<{ text: string } | { callId: string; name: string; input: unknown }>;
}

suite('vscode.lm provider with a language model registered in the host', () => {
  let lm: LmFixture;
  const root = () => vscode.workspace.workspaceFolders![0]!.uri;
  let server: LoopbackServer;

  suiteSetup(async function () {
    const ext = vscode.extensions.getExtension<LmFixture>('switchyard-test.lm-provider');
    assert.ok(ext, 'the fixture extension test/fixtures/lm-provider is loaded beside Switchyard');
    lm = await ext.activate();
    // VS Code 1.100 lets an extension register a chat model only through the proposed `chatProvider`
    // API (lm.registerChatModelProvider); the fixture declares it, and extension development allows it.
    assert.ok(lm.registered, 'lm.registerChatModelProvider is available to the fixture');
    await waitFor('the host to offer the registered model', async () =>
      (await vscode.lm.selectChatModels({ family: lm.family })).length > 0 ? true : undefined,
    );
  });

  suiteTeardown(async () => {
    await server?.close();
  });

  test('text and tool calls stream through; usage is counted by the model’s tokenizer; the stop reason is the core’s', async () => {
    const spec = ModelSpecSchema.parse({ id: 'echo', provider: 'vscode-lm', model: lm.family, vendor: 'google' });
    const provider = createVscodeLmProvider(spec);
    lm.reply = () => [{ text: 'Hello ' }, { text: 'there.' }];
    const events = await drainEvents(
      provider.stream({
        system: 'You are terse.',
        messages: [
          { role: 'user', content: 'Say hello.' },
          { role: 'assistant', content: 'Hello?' },
          { role: 'user', content: 'Again.' },
        ],
      }),
    );
    assert.deepEqual(events.slice(0, 2), [
      { type: 'text', text: 'Hello ' },
      { type: 'text', text: 'there.' },
    ]);
    // The model's own tokenizer (one token per four characters in the fixture) counts both sides.
    const sent = ['You are terse.\n\nSay hello.', 'Hello?', 'Again.'];
    assert.deepEqual(events[2], {
      type: 'usage',
      inputTokens: sent.reduce((n, t) => n + Math.ceil(t.length / 4), 0),
      outputTokens: Math.ceil('Hello there.'.length / 4),
    });
    assert.deepEqual(events[3], { type: 'done', stopReason: 'stop' });
    assert.deepEqual(
      lm.requests.at(-1)!.turns,
      sent.map((text, i) => ({ role: i % 2 ? 'assistant' : 'user', text })),
      'no system role in vscode.lm: the system prompt leads the first user turn',
    );

    lm.reply = () => [{ callId: 'c1', name: 'review', input: { verdict: 'approve' } }];
    const tool = { name: 'review', description: 'a review', parameters: { type: 'object' } };
    const called = await drainEvents(
      provider.stream({
        system: 's',
        messages: [{ role: 'user', content: 'review' }],
        tools: [tool, { ...tool, name: 'other' }],
        toolChoice: { name: 'review' },
      }),
    );
    assert.deepEqual(called[0], {
      type: 'tool-call',
      id: 'c1',
      name: 'review',
      argumentsJson: '{"verdict":"approve"}',
    });
    assert.deepEqual(called.at(-1), { type: 'done', stopReason: 'tool-calls' });
    assert.deepEqual(lm.requests.at(-1)!.tools, ['review'], 'a forced tool is the only one offered');
    assert.equal(lm.requests.at(-1)!.toolMode, vscode.LanguageModelChatToolMode.Required);
  });

  test('a routed run whose critic is the registered model reaches the decision with its review', async function () {
    if (!vscode.workspace.isTrusted) this.skip();
    this.timeout(90_000);
    server = await startLoopbackServer();
    server.setHandler(cartTeam());
    const policy = JSON.parse(loopbackPolicy(server, { keyless: true }).replace(/^\/\/.*\n/, '')) as {
      models: unknown[];
      stages: Record<string, string[]>;
    };
    policy.models.push({ id: 'lm-echo', provider: 'vscode-lm', model: lm.family, vendor: 'google' });
    policy.stages.critic = ['lm-echo'];
    await vscode.workspace.fs.writeFile(
      vscode.Uri.joinPath(root(), '.switchyard', 'routing.json'),
      new TextEncoder().encode(JSON.stringify(policy, null, 2)),
    );
    await vscode.commands.executeCommand('switchyard.openPanel');
    const svc = mainModule().currentServices()!;
    await svc.policy.reload();
    // The critic answers with its review, through the forced tool when one is offered.
    lm.reply = (turns, options) => {
      const review = { verdict: 'approve', summary: 'The clamp fixes it.', findings: [] };
      const tool = options.tools?.[0];
      return tool ? [{ callId: 'r1', name: tool.name, input: review }] : [{ text: JSON.stringify(review) }];
    };
    const before = lm.requests.length;
    const earlier = svc.runs.current;
    void vscode.commands.executeCommand(
      'switchyard.routeTask',
      'Fix the negative total in src/cart.ts when the discount is over 100%',
      {
        openDiffOnGate: false,
      },
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
    assert.equal(critic.modelId, 'lm-echo');
    assert.ok(critic.inputTokens > 0 && critic.outputTokens >= 0, 'the stage has its token counts');
    assert.equal(run.model.view.reviews[0]?.verdict, 'approve');
    assert.match(lm.requests.at(-1)!.turns[0]!.text, /You are the critic/);
    assert.ok(lm.requests.length > before);
    await vscode.commands.executeCommand('switchyard.rejectChange');
    await waitFor('the run to end', () => run.model.finished);
  });
});

async function drainEvents(stream: AsyncIterable<unknown>): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const e of stream) out.push(e);
  return out;
}
