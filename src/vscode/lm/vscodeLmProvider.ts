// A Provider over VS Code's Language Model API (vscode.lm): models the user already has in VS Code
// (for example through Copilot), usable for any stage with no key. The policy names them with
// provider "vscode-lm" and `model` set to the chat model's id or family.
import * as vscode from 'vscode';
import type { ModelSpec } from '../../core/config/policySchema';
import { ProviderError, type ChatRequest, type Provider, type StreamEvent } from '../../core/providers/types';
import { lmStopReason, toLmToolOptions, toLmTurns, toolCallEvent } from './lmConversion';

/** Finds the VS Code chat model for a spec: by id first, then by family. */
export async function selectLmModel(spec: Pick<ModelSpec, 'model'>): Promise<vscode.LanguageModelChat | undefined> {
  const byId = await vscode.lm.selectChatModels({ id: spec.model });
  if (byId[0]) return byId[0];
  const byFamily = await vscode.lm.selectChatModels({ family: spec.model });
  return byFamily[0];
}

function toProviderError(err: unknown, modelId: string): ProviderError {
  if (err instanceof ProviderError) return err;
  if (err instanceof vscode.LanguageModelError) {
    const code = err.code;
    if (code === vscode.LanguageModelError.NoPermissions.name) {
      return new ProviderError(
        'auth',
        `VS Code did not allow Switchyard to use model "${modelId}" (${err.message}). Allow it when VS Code asks, or route this stage to another model.`,
        modelId,
      );
    }
    if (code === vscode.LanguageModelError.NotFound.name) {
      return new ProviderError(
        'bad-request',
        `VS Code has no language model for "${modelId}" any more (${err.message}).`,
        modelId,
      );
    }
    if (code === vscode.LanguageModelError.Blocked.name) {
      return new ProviderError(
        'rate-limit',
        `VS Code blocked the request to "${modelId}" (${err.message}); try again shortly.`,
        modelId,
      );
    }
    return new ProviderError('server', `VS Code language model "${modelId}" failed: ${err.message}`, modelId);
  }
  return new ProviderError(
    'network',
    `VS Code language model "${modelId}" failed: ${err instanceof Error ? err.message : String(err)}`,
    modelId,
  );
}

export function createVscodeLmProvider(spec: ModelSpec): Provider {
  return {
    modelId: spec.id,
    vendor: spec.vendor,
    stream: (request) => streamLm(spec, request),
  };
}

async function* streamLm(spec: ModelSpec, request: ChatRequest): AsyncIterable<StreamEvent> {
  const model = await selectLmModel(spec);
  if (!model) {
    throw new ProviderError(
      'bad-request',
      `No VS Code language model matches "${spec.model}" (model "${spec.id}"). Check which models VS Code offers, or change the policy.`,
      spec.id,
    );
  }
  // The turns and tool options are computed as plain data (lmConversion.ts), then made vscode objects.
  const messages = toLmTurns(request).map((t) =>
    t.role === 'user'
      ? vscode.LanguageModelChatMessage.User(t.text)
      : vscode.LanguageModelChatMessage.Assistant(t.text),
  );
  const cts = new vscode.CancellationTokenSource();
  const onAbort = () => cts.cancel();
  request.signal?.addEventListener('abort', onAbort, { once: true });
  const { tools, toolMode } = toLmToolOptions(request);
  const options: vscode.LanguageModelChatRequestOptions = {
    justification: 'Switchyard routes a stage of your task to this model.',
    tools,
    toolMode: toolMode === 'required' ? vscode.LanguageModelChatToolMode.Required : undefined,
  };
  let out = '';
  let calls = 0;
  try {
    if (request.signal?.aborted)
      throw new ProviderError('cancelled', 'Cancelled before the request was sent.', spec.id);
    const response = await model.sendRequest(messages, options, cts.token);
    for await (const part of response.stream) {
      if (request.signal?.aborted) throw new ProviderError('cancelled', 'Cancelled.', spec.id);
      request.onActivity?.();
      if (part instanceof vscode.LanguageModelTextPart) {
        out += part.value;
        yield { type: 'text', text: part.value };
      } else if (part instanceof vscode.LanguageModelToolCallPart) {
        yield toolCallEvent(part, ++calls);
      }
    }
    // The API reports no usage, so count with the model's own tokenizer.
    let inputTokens = 0;
    for (const m of messages) inputTokens += await model.countTokens(m);
    const outputTokens = out ? await model.countTokens(out) : 0;
    yield { type: 'usage', inputTokens, outputTokens };
    yield { type: 'done', stopReason: lmStopReason(calls > 0) };
  } catch (err) {
    if (request.signal?.aborted) throw new ProviderError('cancelled', 'Cancelled.', spec.id);
    throw toProviderError(err, spec.id);
  } finally {
    request.signal?.removeEventListener('abort', onAbort);
    cts.dispose();
  }
}
