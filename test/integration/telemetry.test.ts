// OpenTelemetry export from the real extension host: a routed run arrives at a loopback OTLP/HTTP
// collector as one trace (run → stage passes → model calls) with the GenAI attributes, plus the
// metrics — only when the person switched it on in their user settings. The same settings in the
// workspace's .vscode/settings.json turn nothing on, aim nothing anywhere and capture no content:
// the run goes to the user's collector while a decoy the workspace names gets nothing.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { startLoopbackServer, type LoopbackServer } from '../support/loopbackServer';
import { startOtlpReceiver, type OtlpReceiver } from '../support/otlpReceiver';
import {
  CRITIC_KEY,
  CRITIC_KEY_NAME,
  IMPLEMENTER_KEY,
  IMPLEMENTER_KEY_NAME,
  cartTeam,
  loopbackPolicy,
} from './extensionFixtures';
import { mainModule, waitFor } from './hostHelpers';

const TASK = 'Fix the negative total in src/cart.ts when the discount is over 100% (otter-7731)';
const HEADERS_SECRET = 'OTEL_EXPORTER_OTLP_HEADERS';

function root(): vscode.Uri {
  return vscode.workspace.workspaceFolders![0]!.uri;
}
const cart = () => vscode.Uri.joinPath(root(), 'src', 'cart.ts');
const workspaceSettings = () => vscode.Uri.joinPath(root(), '.vscode', 'settings.json');

async function routeAndApply(): Promise<void> {
  const svc = mainModule().currentServices()!;
  const previous = svc.runs.current?.runId;
  const done = vscode.commands.executeCommand('switchyard.routeTask', TASK, { openDiffOnGate: false });
  const run = await waitFor('the run to wait for a decision', () => {
    const r = svc.runs.current;
    return r && r.runId !== previous && (r.model.view.state === 'awaiting-approval' || r.model.finished) && r;
  });
  assert.equal(run.model.view.state, 'awaiting-approval', run.model.view.message);
  const applied = (await vscode.commands.executeCommand('switchyard.applyChange')) as { applied: boolean };
  assert.equal(applied.applied, true);
  await done;
}

suite('OpenTelemetry export of a routed run', () => {
  let models: LoopbackServer;
  let otlp: OtlpReceiver;
  let decoy: OtlpReceiver;
  let original: Uint8Array;
  const config = () => vscode.workspace.getConfiguration('switchyard');

  suiteSetup(async function () {
    if (!vscode.workspace.isTrusted) this.skip();
    this.timeout(60_000);
    models = await startLoopbackServer();
    models.setHandler(cartTeam());
    otlp = await startOtlpReceiver();
    decoy = await startOtlpReceiver();
    original = await vscode.workspace.fs.readFile(cart());
    const policyUri = vscode.Uri.joinPath(root(), '.switchyard', 'routing.json');
    await vscode.workspace.fs.writeFile(policyUri, new TextEncoder().encode(loopbackPolicy(models)));
    await vscode.commands.executeCommand('switchyard.setApiKey', IMPLEMENTER_KEY_NAME, IMPLEMENTER_KEY);
    await vscode.commands.executeCommand('switchyard.setApiKey', CRITIC_KEY_NAME, CRITIC_KEY);
    await mainModule().currentServices()!.policy.reload();
  });

  suiteTeardown(async () => {
    for (const key of ['telemetry.enabled', 'telemetry.otlpEndpoint', 'telemetry.protocol'])
      await config().update(key, undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('switchyard.setApiKey', HEADERS_SECRET, '');
    await vscode.workspace.fs.delete(workspaceSettings()).then(undefined, () => undefined);
    if (original) await vscode.workspace.fs.writeFile(cart(), original);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await otlp?.close();
    await decoy?.close();
    await models?.close();
  });

  test('a workspace .vscode/settings.json cannot switch export on', async function () {
    this.timeout(60_000);
    // recentTasks (a window-scoped setting) shows when VS Code has read the file.
    const settings = {
      'switchyard.telemetry.enabled': true,
      'switchyard.telemetry.otlpEndpoint': decoy.url,
      'switchyard.telemetry.captureContent': true,
      'switchyard.recentTasks': 7,
    };
    await vscode.workspace.fs.writeFile(workspaceSettings(), new TextEncoder().encode(JSON.stringify(settings)));
    await waitFor('VS Code to read the workspace settings', () =>
      config().inspect('recentTasks')?.workspaceValue === 7 ? true : undefined,
    );
    // What every run asks before it starts: no listener means nothing is built, loaded or sent.
    assert.equal(await mainModule().currentServices()!.telemetry.listenerFor([]), undefined);
  });

  test('with export on in the user settings, the run arrives as run → stages → model calls, with metrics, no content, nothing at the workspace’s endpoint', async function () {
    this.timeout(60_000);
    await config().update('telemetry.enabled', true, vscode.ConfigurationTarget.Global);
    await config().update('telemetry.otlpEndpoint', otlp.url, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand(
      'switchyard.setApiKey',
      HEADERS_SECRET,
      'authorization=Bearer%20vscode-team-token',
    );
    await routeAndApply();
    await otlp.waitFor(
      () => otlp.spans.some((s) => s.name === 'invoke_workflow switchyard.route') && otlp.lastMetrics().length > 0,
      'the run’s trace and metrics',
      20_000,
    );
    assert.ok(otlp.requests.every((r) => r.contentType === 'application/x-protobuf'));
    assert.ok(otlp.requests.every((r) => r.headers['authorization'] === 'Bearer vscode-team-token'));
    const rootSpan = otlp.spans.find((s) => s.name === 'invoke_workflow switchyard.route')!;
    assert.equal(rootSpan.parentSpanId, '');
    assert.equal(rootSpan.resource['switchyard.surface'], 'vscode');
    assert.equal(rootSpan.attributes['switchyard.outcome'], 'applied');
    assert.equal(rootSpan.attributes['switchyard.applied'], true);
    assert.equal(rootSpan.attributes['switchyard.verdict'], 'approve');
    const trace = otlp.spans.filter((s) => s.traceId === rootSpan.traceId);
    const stages = trace.filter((s) => s.parentSpanId === rootSpan.spanId);
    const names = stages.map((s) => s.name);
    assert.ok(names.includes('invoke_agent Implementer') && names.includes('invoke_agent Critic'), names.join(', '));
    for (const stage of stages) {
      const calls = trace.filter((s) => s.parentSpanId === stage.spanId);
      assert.ok(calls.length >= 1, `${stage.name} has its model call`);
      for (const call of calls) {
        assert.equal(call.attributes['gen_ai.operation.name'], 'chat');
        assert.equal(call.attributes['gen_ai.provider.name'], 'openai_compatible');
        assert.equal(call.attributes['gen_ai.request.model'], stage.attributes['gen_ai.request.model']);
        assert.ok((call.attributes['gen_ai.usage.output_tokens'] as number) > 0);
        assert.equal(call.attributes['server.address'], '127.0.0.1');
      }
    }
    const implementer = stages.find((s) => s.name === 'invoke_agent Implementer')!;
    assert.equal(implementer.attributes['switchyard.model'], 'loop-claude');
    assert.equal(implementer.attributes['switchyard.vendor'], 'anthropic');
    // Every model and role that did a pass shares in the trusted change: cost per trusted change per model and role.
    const accepted = otlp
      .lastMetrics()
      .filter((p) => p.metric === 'switchyard.changes.accepted' && p.attributes['switchyard.trusted'] === true)
      .map((p) => `${p.attributes['switchyard.model']}/${p.attributes['switchyard.role']}`);
    const took = new Set(stages.map((s) => `${s.attributes['switchyard.model']}/${s.attributes['switchyard.role']}`));
    assert.deepEqual(accepted.sort(), [...took].sort());
    assert.ok(took.has('loop-claude/implementer') && took.has('loop-gpt/critic'));
    for (const text of ['otter-7731', 'discountPercent', IMPLEMENTER_KEY, CRITIC_KEY])
      assert.equal(otlp.received(text), false, `${text} left the machine`);
    assert.equal(decoy.requests.length, 0, 'the workspace file chose no endpoint');
  });
});
