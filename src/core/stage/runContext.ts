// What every stage of one run shares: the event sink, the cancellation signal, the boundary log, the
// budget guard, the provider factory and the clock. Plus the two errors that unwind a run: a stage
// that failed for good, and a cancellation.
import type { ModelSpec, RoutingPolicy, Stage } from '../config/policySchema';
import type { ResilienceOptions, RetryInfo } from '../providers/resilientStream';
import type { Provider } from '../providers/types';
import type { PriceLookup } from '../routing/estimate';
import type { ContextBoundaryLog } from '../sessions/contextBoundary';
import type { BudgetGuard } from './budget';
import type { ErrorInfo, PipelineEvent } from './events';

/** An event as a stage emits it; the run adds runId and the time. */
export type EventInput = PipelineEvent extends infer E
  ? E extends PipelineEvent
    ? Omit<E, 'runId' | 'at'>
    : never
  : never;

export interface RunContext {
  runId: string;
  policy: RoutingPolicy;
  signal: AbortSignal;
  boundary: ContextBoundaryLog;
  budget: BudgetGuard;
  providerFor(spec: ModelSpec): Provider | Promise<Provider>;
  priceLookup?: PriceLookup;
  /** Test hooks for the retry layer (sleep, random). */
  resilience?: Pick<ResilienceOptions, 'sleep' | 'random' | 'onRetry'>;
  emit(event: EventInput): void;
  /** A call is retried on the same model after a wait (not a PipelineEvent yet: see runTypes.ts). */
  onRetry?(info: StageRetryInfo): void;
  now(): number;
  /** Milliseconds spent waiting on providers, for the pipeline-overhead figure. */
  providerMs: number;
  /** CPU milliseconds this process spent while waiting on providers (SDK parsing, HTTP), for the same figure on a busy machine. */
  providerCpuMs: number;
  /**
   * Workspace files (relative, real paths included) whose contents this run has read into a role's
   * context, or that reached one through an artifact (findings, plan, diff, edit problems). It only
   * grows: what one role read flows on in its artifacts. Every call is screened against it by the
   * data-residency rules before anything is sent. Add a file BEFORE the message carrying it is sent.
   */
  touchedFiles?: Set<string>;
  /** Adds files a tool returned (their contents are about to reach the role) to touchedFiles. */
  noteRead?(paths: readonly string[]): Promise<void>;
}

export type StageRetryInfo = RetryInfo & { stage: Stage; round: number };

export class StageFailure extends Error {
  constructor(readonly info: ErrorInfo) {
    super(info.message);
    this.name = 'StageFailure';
  }
}

export class RunCancelled extends Error {
  constructor(message = 'The run was cancelled.') {
    super(message);
    this.name = 'RunCancelled';
  }
}

/** A chat call reached a coding agent in the stage's chain: the implementer takes over with it (pipeline/implementerChain.ts). */
export class HandOver extends Error {
  constructor(readonly modelId: string) {
    super(`the ${modelId} coding agent takes over the stage`);
    this.name = 'HandOver';
  }
}

/** CPU milliseconds (user + system) this process spent since `c0`, as the run's CPU figures count them. */
export function cpuSince(c0: NodeJS.CpuUsage): number {
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000;
}
