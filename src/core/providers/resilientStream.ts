// The one retry layer. Wraps a single model's stream with: backoff with jitter that honours
// retry-after; no retry on errors that retrying cannot fix (auth, bad request, spend cap); no retry
// once output has been handed to the caller (streamed text is never duplicated: the error says the
// reply was partial so the chain or the caller can fall back); a first-token timeout, an idle
// timeout and a total deadline, all driven by our own AbortController linked to the caller's signal.
// A caller's abort ends the iteration promptly with ProviderError 'cancelled' even if the SDK is
// slow to notice.
import type { RetryOptions, TimeoutKey, TimeoutOptions } from './resilienceOptions';
import { scrubSecrets } from './scrub';
import { ProviderError, type ChatRequest, type Provider, type StreamEvent } from './types';

export type { RetryOptions, TimeoutOptions } from './resilienceOptions';

export interface RetryInfo {
  modelId: string;
  /** The attempt that just failed (1-based). */
  attempt: number;
  maxAttempts: number;
  /** How long we wait before the next attempt. */
  delayMs: number;
  /** True when the delay came from the server's retry-after / retry-after-ms header. */
  fromRetryAfter: boolean;
  error: ProviderError;
}

export interface ResilienceOptions {
  retry: RetryOptions;
  timeouts: TimeoutOptions;
  onRetry?(info: RetryInfo): void;
  /** Waits between attempts; must reject (or resolve) promptly when the signal aborts. Injected by tests. */
  sleep?(ms: number, signal?: AbortSignal): Promise<void>;
  /** 0 ≤ x < 1, for jitter. Injected by tests. */
  random?(): number;
  /**
   * Stop reading a reply larger than this many characters (text plus tool arguments): a server that
   * ignores max_tokens must not stream without end. Default: outputCharBound(request.maxOutputTokens).
   */
  maxOutputChars?: number;
}

/** Generous: ~4 characters a token, times 4 for slack; 2 M characters when no token limit was asked for. */
export function outputCharBound(maxOutputTokens: number | undefined): number {
  return maxOutputTokens ? Math.max(64_000, maxOutputTokens * 16) : 2_000_000;
}

export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Backoff for the attempt that just failed: exponential, capped, with "equal jitter" (half fixed, half random). */
export function backoffDelay(attempt: number, retry: RetryOptions, random: () => number = Math.random): number {
  const exp = Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exp / 2 + random() * (exp / 2));
}

export async function* resilientStream(
  provider: Provider,
  request: ChatRequest,
  opts: ResilienceOptions,
): AsyncGenerator<StreamEvent> {
  const caller = request.signal;
  const sleep = opts.sleep ?? abortableSleep;
  const max = Math.max(1, opts.retry.maxAttempts);
  const deadline = opts.timeouts.totalSeconds ? Date.now() + opts.timeouts.totalSeconds * 1000 : Infinity;
  const maxChars = opts.maxOutputChars ?? outputCharBound(request.maxOutputTokens);

  for (let attempt = 1; ; attempt++) {
    if (caller?.aborted) throw cancelled(provider);
    let yielded = false;
    let chars = 0;
    try {
      for await (const ev of oneAttempt(provider, request, opts.timeouts, deadline)) {
        chars += ev.type === 'text' ? ev.text.length : ev.type === 'tool-call' ? ev.argumentsJson.length : 0;
        if (chars > maxChars) throw tooLong(provider, maxChars, request.maxOutputTokens);
        yielded = true;
        yield ev;
      }
      return;
    } catch (e) {
      const err = asProviderError(e, provider.modelId);
      if (err.kind === 'cancelled' || caller?.aborted) throw err.kind === 'cancelled' ? err : cancelled(provider);
      if (yielded) {
        throw rebuild(
          err,
          `${err.message} Part of the reply had already streamed, so it was not retried on this model; discard the partial output.`,
          { partial: true, attempts: attempt },
        );
      }
      if (!err.retryable || attempt >= max) {
        throw rebuild(err, attempt > 1 ? `${err.message} (gave up after ${attempt} attempts)` : err.message, {
          attempts: attempt,
        });
      }
      let delayMs: number;
      const fromRetryAfter = err.retryAfterMs !== undefined;
      if (fromRetryAfter) {
        // A server asking for a longer wait than our cap is better served by the next model in the chain.
        if (err.retryAfterMs! > opts.retry.maxDelayMs) {
          throw rebuild(
            err,
            `${err.message} The server asked to wait ${seconds(err.retryAfterMs!)}, longer than rules.retry.maxDelayMs (${seconds(opts.retry.maxDelayMs)}), so Switchyard did not wait.`,
            { attempts: attempt },
          );
        }
        delayMs = err.retryAfterMs!;
      } else {
        delayMs = backoffDelay(attempt, opts.retry, opts.random);
      }
      if (Date.now() + delayMs > deadline) {
        throw rebuild(
          err,
          `${err.message} No time left to retry within rules.timeouts.totalSeconds (${opts.timeouts.totalSeconds} s).`,
          { attempts: attempt },
        );
      }
      opts.onRetry?.({ modelId: provider.modelId, attempt, maxAttempts: max, delayMs, fromRetryAfter, error: err });
      try {
        await sleep(delayMs, caller);
      } catch {
        throw cancelled(provider);
      }
      if (caller?.aborted) throw cancelled(provider);
    }
  }
}

type Expiry = 'first-token' | 'idle' | 'total';

/** One call to the provider under our own AbortController and timers. */
async function* oneAttempt(
  provider: Provider,
  request: ChatRequest,
  timeouts: TimeoutOptions,
  deadline: number,
): AsyncGenerator<StreamEvent> {
  const caller = request.signal;
  const ac = new AbortController();
  let expired: Expiry | undefined;
  const expire = (why: Expiry) => {
    expired = why;
    ac.abort(new Error(`switchyard ${why} timeout`));
  };
  const onCallerAbort = () => ac.abort(caller?.reason);
  caller?.addEventListener('abort', onCallerAbort, { once: true });

  let timer: ReturnType<typeof setTimeout> | undefined;
  const arm = (why: Expiry, seconds: number) => {
    clearTimeout(timer);
    timer = setTimeout(() => expire(why), seconds * 1000);
  };
  const totalTimer = Number.isFinite(deadline)
    ? setTimeout(() => expire('total'), Math.max(0, deadline - Date.now()))
    : undefined;
  // An in-flight request keeps the process alive by its socket; this timer alone must not pin a CLI
  // for totalSeconds when a caller drops the iterator without finishing it.
  (totalTimer as { unref?: () => void } | undefined)?.unref?.();

  // Settles (rejects) the moment our controller aborts, so a stuck SDK read cannot hold us.
  const abortedP = new Promise<never>((_, reject) => {
    const fire = () => reject(new Error('aborted'));
    if (ac.signal.aborted) fire();
    else ac.signal.addEventListener('abort', fire, { once: true });
  });
  abortedP.catch(() => {});

  const failure = (): ProviderError =>
    caller?.aborted || !expired ? cancelled(provider) : timeoutError(provider, expired, timeouts);

  // Reasoning the caller never sees still proves the model is alive: it restarts the idle clock.
  const onActivity = () => {
    if (!ac.signal.aborted) arm('idle', timeouts.idleSeconds);
    request.onActivity?.();
  };
  const it = provider.stream({ ...request, signal: ac.signal, onActivity })[Symbol.asyncIterator]();
  let finished = false;
  try {
    if (caller?.aborted) throw cancelled(provider);
    arm('first-token', timeouts.firstTokenSeconds);
    while (true) {
      let r: IteratorResult<StreamEvent>;
      try {
        r = await Promise.race([it.next(), abortedP]);
      } catch (e) {
        if (ac.signal.aborted) throw failure();
        throw e;
      }
      if (r.done) {
        finished = true;
        return;
      }
      // The idle clock measures the model, not the caller: it is paused while the caller holds the event.
      clearTimeout(timer);
      yield r.value;
      if (ac.signal.aborted) throw failure();
      arm('idle', timeouts.idleSeconds);
    }
  } finally {
    clearTimeout(timer);
    clearTimeout(totalTimer);
    caller?.removeEventListener('abort', onCallerAbort);
    if (!finished) {
      ac.abort();
      // Not awaited: a provider stuck in a read must not hold up the caller; it sees the abort and unwinds.
      void Promise.resolve()
        .then(() => it.return?.())
        .catch(() => {});
    }
  }
}

function timeoutError(provider: Provider, why: Expiry, t: TimeoutOptions): ProviderError {
  const who = `Model "${provider.modelId}"`;
  const where = (key: TimeoutKey) => t.setIn?.[key] ?? `rules.timeouts.${key}`;
  const msg =
    why === 'first-token'
      ? `${who} sent nothing within ${t.firstTokenSeconds} s of the request (${where('firstTokenSeconds')}). It may be overloaded; Switchyard retries, then falls back to the next model. For a slow local model or one that thinks long before answering, give it its own "timeouts" in the policy's models.`
      : why === 'idle'
        ? `${who} went silent for ${t.idleSeconds} s in the middle of its reply (${where('idleSeconds')}).`
        : `${who} did not finish within ${t.totalSeconds} s (${where('totalSeconds')}).`;
  return new ProviderError('timeout', msg, provider.modelId);
}

function tooLong(provider: Provider, maxChars: number, maxTokens: number | undefined): ProviderError {
  const asked = maxTokens ? ` although at most ${maxTokens} tokens were asked for` : '';
  return new ProviderError(
    'server',
    `Model "${provider.modelId}" sent a reply longer than the ${maxChars.toLocaleString('en-US')}-character limit${asked}; Switchyard stopped reading it. The server may be ignoring max_tokens; try another model for this stage.`,
    provider.modelId,
    undefined,
    undefined,
    // The same server would send the same flood again: hand it to the next model instead.
    { partial: true, noRetry: true },
  );
}

function cancelled(provider: Provider): ProviderError {
  return new ProviderError('cancelled', `The call to model "${provider.modelId}" was cancelled.`, provider.modelId);
}

function asProviderError(e: unknown, modelId: string): ProviderError {
  if (e instanceof ProviderError) return e;
  const text = scrubSecrets(e instanceof Error ? e.message : String(e));
  return new ProviderError(
    'server',
    `Model "${modelId}" failed unexpectedly: ${text}. This looks like a Switchyard bug; please report it.`,
    modelId,
  );
}

function rebuild(err: ProviderError, message: string, extra: { partial?: boolean; attempts?: number }): ProviderError {
  return new ProviderError(err.kind, message, err.modelId, err.status, err.retryAfterMs, { ...err.extra, ...extra });
}

function seconds(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(ms % 1000 ? 1 : 0)} s` : `${ms} ms`;
}
