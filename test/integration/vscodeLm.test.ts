// VS Code language models as a provider, in a real extension host. This host offers no chat models
// (no Copilot here, and 1.100 has no stable API for a test to register one), so what can be checked
// is the honest "not available" path: readiness says so, and calling the model fails with a
// ProviderError that names the model and what to do, instead of hanging or inventing output.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { ModelSpecSchema } from '../../src/core/config/policySchema';
import { ProviderError } from '../../src/core/providers/types';
import { createVscodeLmProvider } from '../../src/vscode/lm/vscodeLmProvider';

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
