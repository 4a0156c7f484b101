// Watches one model call from the moment it is sent: when the first chunk came, how many attempts
// the retry layer made, what the server said answered. Its `event` is the `model-call-finished`
// event a StageRun emits for every call, finished or failed — the per-call detail telemetry needs
// and a stage snapshot (which sums a pass's calls) cannot give.
import type { ModelSpec, Stage } from '../config/policySchema';
import type { ErrorInfo, PipelineEventOf } from './events';

type CallEvent = Omit<PipelineEventOf<'model-call-finished'>, 'runId' | 'at'>;

export interface CallEnd {
  status: CallEvent['status'];
  usage?: { inputTokens: number; outputTokens: number; cachedInputTokens?: number };
  usageEstimated?: boolean;
  costUsd?: number;
  stopReason?: string;
  toolArguments?: string;
  error?: ErrorInfo;
}

export class CallWatch {
  private readonly t0 = performance.now();
  private firstChunkMs: number | undefined;
  private served: { responseModel?: string; responseId?: string } = {};
  private attempts = 1;

  constructor(
    private readonly spec: ModelSpec,
    private readonly stage: Stage,
    private readonly round: number,
    private readonly maxOutputTokens: number,
    private readonly startedAt: number,
  ) {}

  /** A text delta or a tool call arrived. */
  chunk(): void {
    this.firstChunkMs ??= performance.now() - this.t0;
  }

  /** The retry layer is about to try the same model again. */
  retried(): void {
    this.attempts++;
  }

  done(ev: { responseModel?: string; responseId?: string }): void {
    this.served = { responseModel: ev.responseModel, responseId: ev.responseId };
  }

  event(end: CallEnd): CallEvent {
    const { spec } = this;
    const usage = end.usage ?? { inputTokens: 0, outputTokens: 0 };
    return {
      type: 'model-call-finished',
      stage: this.stage,
      round: this.round,
      modelId: spec.id,
      vendor: spec.vendor,
      provider: spec.provider,
      requestModel: spec.model,
      ...definedOnly(this.served),
      ...serverOf(spec.baseUrl),
      startedAt: this.startedAt,
      durationMs: performance.now() - this.t0,
      ...(this.firstChunkMs !== undefined ? { timeToFirstChunkMs: this.firstChunkMs } : {}),
      maxOutputTokens: this.maxOutputTokens,
      inputTokens: usage.inputTokens,
      outputTokens: usage.outputTokens,
      ...(usage.cachedInputTokens ? { cachedInputTokens: usage.cachedInputTokens } : {}),
      usageEstimated: end.usageEstimated ?? false,
      costUsd: end.costUsd ?? 0,
      attempts: this.attempts,
      status: end.status,
      ...(end.stopReason !== undefined ? { stopReason: end.stopReason } : {}),
      ...(end.toolArguments !== undefined ? { toolArguments: end.toolArguments } : {}),
      ...(end.error ? { error: end.error } : {}),
    };
  }
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Host and port of a base URL: never its path, query or credentials. */
export function serverOf(baseUrl: string | undefined): { serverAddress?: string; serverPort?: number } {
  if (!baseUrl) return {};
  try {
    const u = new URL(baseUrl);
    const port = u.port ? Number(u.port) : u.protocol === 'https:' ? 443 : 80;
    return { serverAddress: u.hostname, serverPort: port };
  } catch {
    return {};
  }
}
