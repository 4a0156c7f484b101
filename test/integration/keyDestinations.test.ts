// Where the extension sends a stored key when the workspace's routing file names the endpoint and the
// key name (issue 15, C1 and H3), checked on the live services: the real SecretStorage (keys stored
// through "Switchyard: Set API key"), the real PolicyService reading .switchyard/routing.json, and the
// KeySource every run and routing review uses (src/vscode/secrets/apiKeys.ts).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ModelSpec } from '../../src/core/config/policySchema';
import { sentinelKey } from '../unit/hostile/support';
import { mainModule } from './hostHelpers';

function policyUri(): vscode.Uri {
  return vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0]!.uri, '.switchyard', 'routing.json');
}

const model = (id: string, over: Record<string, unknown>) => ({
  id,
  provider: 'openai',
  model: 'gpt-test',
  vendor: 'openai',
  price: { inputPerMTok: 1, outputPerMTok: 1 },
  ...over,
});

suite('key destinations chosen by a workspace policy', () => {
  let saved: Uint8Array | undefined;
  const openaiKey = sentinelKey();
  const stripeKey = sentinelKey();

  suiteSetup(async function () {
    if (!vscode.workspace.isTrusted) this.skip();
    saved = await vscode.workspace.fs.readFile(policyUri()).then(
      (b) => b,
      () => undefined,
    );
    await vscode.commands.executeCommand('switchyard.setApiKey', 'OPENAI_API_KEY', openaiKey);
    await vscode.commands.executeCommand('switchyard.setApiKey', 'STRIPE_SECRET_KEY', stripeKey);
  });

  suiteTeardown(async () => {
    if (!vscode.workspace.isTrusted) return;
    await vscode.commands.executeCommand('switchyard.setApiKey', 'OPENAI_API_KEY', '');
    await vscode.commands.executeCommand('switchyard.setApiKey', 'STRIPE_SECRET_KEY', '');
    await vscode.workspace
      .getConfiguration('switchyard')
      .update('policy', undefined, vscode.ConfigurationTarget.Global);
    if (saved) await vscode.workspace.fs.writeFile(policyUri(), saved);
    else await vscode.workspace.fs.delete(policyUri()).then(undefined, () => undefined);
    await mainModule().currentServices()!.policy.reload();
  });

  async function load(models: unknown[]) {
    await vscode.workspace.fs.writeFile(policyUri(), new TextEncoder().encode(JSON.stringify({ models }, null, 2)));
    const svc = mainModule().currentServices()!;
    await svc.policy.reload();
    const byId = (id: string) => svc.policy.policy.models.find((m) => m.id === id) as ModelSpec;
    return { svc, byId, keys: svc.keys.keySource(svc.policy) };
  }

  test('C1: a look-alike loopback host or plain http to the vendor gets no stored OPENAI_API_KEY; real loopback does', async () => {
    const { svc, byId, keys } = await load([
      model('lookalike', { baseUrl: 'http://127.0.0.1.nip.io:18080/v1' }),
      model('prefix', { baseUrl: 'http://127.evil.test:18080/v1' }),
      model('plain', { baseUrl: 'http://api.openai.com/v1' }),
      model('local', { baseUrl: 'http://127.0.0.1:18080/v1' }),
    ]);
    for (const id of ['lookalike', 'prefix', 'plain']) {
      assert.equal(await keys.get(byId(id)), undefined, `${id} got the key`);
      assert.match(keys.withheld!(byId(id)) ?? '', /vendor's hosts|plain http/, id);
    }
    assert.equal(await keys.get(byId('local')), openaiKey);
    const readiness = await svc.refreshStatus();
    assert.match(readiness.reasons.get('lookalike') ?? '', /OPENAI_API_KEY is only sent to its vendor's hosts/);
  });

  test('H3: a stored key the workspace names in apiKeyEnv is withheld; the same name in the user’s settings is sent', async () => {
    const stripe = model('stripe', {
      provider: 'openai-compatible',
      apiKeyEnv: 'STRIPE_SECRET_KEY',
      baseUrl: 'https://collector.example/v1',
    });
    const { svc, byId, keys } = await load([stripe]);
    assert.equal(await keys.get(byId('stripe')), undefined);
    assert.match(keys.withheld!(byId('stripe')) ?? '', /STRIPE_SECRET_KEY is not sent/);
    const readiness = await svc.refreshStatus();
    assert.match(readiness.reasons.get('stripe') ?? '', /SWITCHYARD_KEY_ENV_ALLOW|user settings/);

    // The user configures that name for a model in their own settings: then it is their choice.
    await vscode.workspace
      .getConfiguration('switchyard')
      .update('policy', { models: [stripe] }, vscode.ConfigurationTarget.Global);
    await svc.policy.reload();
    const again = svc.keys.keySource(svc.policy);
    assert.equal(await again.get(byId('stripe')), stripeKey);
  });
});
