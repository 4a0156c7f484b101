// A stage's model chain: run the first model through the retry layer; when it gives up, hand the
// same request to the next model and say so (from, to, why) through onFallback, so the decision
// view and the run record show every substitution.
//
// When we fall back (decided here, documented in docs/CONTRACTS.md):
//   - after a model's retries are exhausted (rate-limit, overloaded, server, network, timeout, stream-error);
//   - on auth and spend-cap (another model may use another key or account);
//   - on bad-request only when it is about this model (404 unknown model, 413 too large, context too long):
//     a malformed request would fail on every model and falling back would hide the bug;
//   - after a partial reply (output had streamed): the next model starts afresh and the fallback
//     report says discardPartial, and each event carries its modelId so a listener can reset.
// We never fall back on 'cancelled' (the user stopped it), 'budget' or 'invalid-output'.
import { isModelSpecificBadRequest } from './providerErrors';
import { resilientStream, type ResilienceOptions } from './resilientStream';
import { ProviderError, type ChatRequest, type Provider, type StreamEvent } from './types';

export type ChainEvent = StreamEvent & { modelId: string; vendor: string };

export interface FallbackInfo {
  from: string;
  to: string;
  error: ProviderError;
  /** True when `from` had streamed output that the caller must now drop. */
  discardPartial: boolean;
}

export interface ChainOptions extends ResilienceOptions {
  onFallback?(info: FallbackInfo): void;
}

export function shouldFallBack(err: ProviderError): boolean {
  switch (err.kind) {
    case 'cancelled':
    case 'budget':
    case 'invalid-output':
      return false;
    case 'bad-request':
      return isModelSpecificBadRequest(err);
    default:
      return true;
  }
}

export async function* streamChain(
  candidates: readonly Provider[],
  request: ChatRequest,
  opts: ChainOptions,
): AsyncGenerator<ChainEvent> {
  if (candidates.length === 0) {
    throw new ProviderError(
      'bad-request',
      "No model is configured for this stage. Add one to the stage's chain in .switchyard/routing.json.",
      'none',
    );
  }
  const failures: ProviderError[] = [];
  for (let i = 0; i < candidates.length; i++) {
    const p = candidates[i]!;
    try {
      for await (const ev of resilientStream(p, request, opts)) {
        yield { ...ev, modelId: p.modelId, vendor: p.vendor };
      }
      return;
    } catch (e) {
      const err =
        e instanceof ProviderError
          ? e
          : new ProviderError('server', `Model "${p.modelId}" failed: ${String(e)}`, p.modelId);
      failures.push(err);
      const next = candidates[i + 1];
      if (!next || !shouldFallBack(err)) {
        if (failures.length > 1 && shouldFallBack(err)) throw exhausted(failures, err);
        throw err;
      }
      opts.onFallback?.({ from: p.modelId, to: next.modelId, error: err, discardPartial: err.partial });
    }
  }
}

/** Every model in the chain failed: one error that keeps the last one's kind and lists them all. */
function exhausted(failures: ProviderError[], last: ProviderError): ProviderError {
  const lines = failures
    .map((f) => `- ${f.modelId} (${f.kind}${f.status ? ` ${f.status}` : ''}): ${f.message}`)
    .join('\n');
  return new ProviderError(
    last.kind,
    `Every model in this stage's chain failed:\n${lines}\nAdd or fix a model in the stage's chain in .switchyard/routing.json.`,
    last.modelId,
    last.status,
    last.retryAfterMs,
    last.extra,
  );
}
