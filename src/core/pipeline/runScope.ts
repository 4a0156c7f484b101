// What every step of a run reads: the host's options, the run context (signal, events, budget,
// providers), the decision once it is made, and the helpers built on them — run a stage, read files
// the safe way, screen what a role reads for residency, time the host's callbacks. runTask builds it
// once; the steps change nothing in it but the counters (host time, stage passes, unstaged spend)
// and what the run's result reports so far.
import type { ModelSpec, RoutingPolicy, Stage } from '../config/policySchema';
import { ContextBoundaryLog } from '../sessions/contextBoundary';
import type { RejectedAlternative, RoutingDecision, StageDecision } from '../routing/decisionSchema';
import { mentionedPaths } from '../routing/stagePlan';
import { residencyPaths } from '../residency/residencyPaths';
import { BudgetGuard } from '../stage/budget';
import type { PipelineEvent, PipelineListener, StageSnapshot } from '../stage/events';
import { cpuSince, RunCancelled, StageFailure, type EventInput, type RunContext } from '../stage/runContext';
import { StageRun } from '../stage/stageRun';
import type { RunResult, RunTaskOptions } from './runTypes';
import { safeContextFiles } from './safeContextFiles';
import { runLocator, type RunLocator } from './exploreKit';

/** The run before its decision: enough to decide (the classifier model may be called) and to report. */
export interface RunBase {
  readonly runId: string;
  readonly opts: RunTaskOptions;
  readonly policy: RoutingPolicy;
  readonly ctx: RunContext;
  readonly signal: AbortSignal;
  emit(e: EventInput): void;
  /** Files whose contents are about to reach a role: the residency rules screen every call against them. */
  touch(paths: Iterable<string>): Promise<void>;
  /** The paths the user named: the host's context files and the files the task mentions. */
  readonly contextPaths: string[];
  /** The locator's ranking for the task, computed once for the whole run (see exploreKit's runLocator). */
  readonly located: RunLocator;
  /** Every stage's last snapshot, in order (the run's totals add them up). */
  readonly snapshots: StageSnapshot[];
  /** Tokens and cost spent outside any stage (the classifier model), added to the run's totals. */
  readonly unstaged: { tokensIn: number; tokensOut: number; costUsd: number };
  /** Time inside the host's callbacks (gate, verify, apply): the host's work, not the pipeline's. */
  readonly host: { ms: number; cpuMs: number };
  /** How many stage passes ran (a fallback inside a stage is the same pass). */
  readonly counters: { stagePasses: number };
  /** What the run's result reports so far: the answer, the change, the review the apply rests on. */
  readonly reported: Partial<Pick<RunResult, 'answer' | 'diff' | 'resolved' | 'review'>>;
}

/** Runs one pass of a stage: its events, its fallbacks, its failure recorded; a cancelled run starts none. */
export type RunStage = <T>(
  stage: Stage,
  round: number,
  candidates: ModelSpec[],
  why: string,
  rejected: RejectedAlternative[],
  work: (sr: StageRun) => Promise<T>,
) => Promise<T>;

/** The run once decided: what every step after the decision reads. */
export interface RunScope extends RunBase {
  readonly decision: RoutingDecision;
  stageOf(stage: Stage): StageDecision | undefined;
  specsOf(chain: ReadonlyArray<{ modelId: string }>): ModelSpec[];
  outBudget(stage: Stage): number;
  runStage: RunStage;
  /** Files are read only when safe (paths/modelRead.ts): protected or secret-looking ones, by name or by what a link points to, never unless the user named them. */
  filesFor(userPaths: readonly string[], modelPaths: readonly string[]): ReturnType<typeof safeContextFiles>;
}

/** `listeners` get every event (runTask puts its ledger recorder first); `signal` is the run's own. */
export function runBase(
  opts: RunTaskOptions,
  run: { runId: string; signal: AbortSignal; listeners: readonly PipelineListener[] },
): RunBase {
  const { runId, signal, listeners } = run;
  const now = opts.now ?? Date.now;
  const policy = opts.policy;
  const snapshots: StageSnapshot[] = [];
  const emit = (e: EventInput): void => {
    const full = { ...e, runId, at: now() } as PipelineEvent;
    if (full.type === 'stage-finished' || full.type === 'stage-failed') snapshots.push(full.snapshot);
    for (const l of listeners) {
      try {
        l(full);
      } catch {
        // A broken listener (a closed panel) must not break the run.
      }
    }
  };
  const ctx: RunContext = {
    runId,
    policy,
    signal,
    boundary: opts.boundary ?? new ContextBoundaryLog(),
    budget: new BudgetGuard(policy.rules.budgets, opts.priceLookup),
    // One client per model per run: building an SDK client on every call is wasted work.
    providerFor: memoize(opts.providerFor),
    priceLookup: opts.priceLookup,
    resilience: opts.resilience,
    emit,
    onRetry: opts.onRetry,
    now,
    providerMs: 0,
    providerCpuMs: 0,
    touchedFiles: new Set(),
  };
  const touch = async (paths: Iterable<string>) => {
    for (const p of await residencyPaths(opts.root, paths)) ctx.touchedFiles!.add(p);
  };
  ctx.noteRead = touch;
  return {
    runId,
    opts,
    policy,
    ctx,
    signal,
    emit,
    touch,
    contextPaths: [...(opts.context?.filePaths ?? []), ...mentionedPaths(opts.task)],
    located: runLocator(opts),
    snapshots,
    unstaged: { tokensIn: 0, tokensOut: 0, costUsd: 0 },
    host: { ms: 0, cpuMs: 0 },
    counters: { stagePasses: 0 },
    reported: {},
  };
}

export function runScope(base: RunBase, decision: RoutingDecision): RunScope {
  const { policy, ctx, opts } = base;
  const byId = new Map(policy.models.map((m) => [m.id, m]));
  return {
    ...base,
    decision,
    stageOf: (s) => decision.stages.find((d) => d.stage === s),
    specsOf: (chain) => chain.map((c) => byId.get(c.modelId)).filter((m): m is ModelSpec => !!m),
    outBudget: (s) => policy.rules.budgets.perStageOutputTokens?.[s] ?? Infinity,
    async runStage(stage, round, candidates, why, rejected, work) {
      if (base.signal.aborted) throw new RunCancelled();
      const sr = new StageRun(ctx, stage, round, candidates, why, rejected);
      base.counters.stagePasses++;
      try {
        const value = await work(sr);
        sr.finish();
        return value;
      } catch (e) {
        if (e instanceof RunCancelled) sr.fail({ kind: 'cancelled', message: 'cancelled' }, 'cancelled');
        else if (e instanceof StageFailure) sr.fail(e.info);
        else sr.fail({ kind: 'internal', message: (e as Error).message });
        throw e;
      }
    },
    async filesFor(userPaths, modelPaths) {
      const read = await safeContextFiles(
        opts.root,
        opts.workspace,
        policy.rules.protectedPaths,
        userPaths,
        modelPaths,
      );
      await base.touch(read.files.map((f) => f.path));
      return read;
    },
  };
}

/** Runs a host callback, counting its wall time (and its CPU time, unless `cpu` is false) as the host's. */
export async function inHost<T>(base: RunBase, call: () => Promise<T>, cpu = true): Promise<T> {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  try {
    return await call();
  } finally {
    base.host.ms += performance.now() - t0;
    if (cpu) base.host.cpuMs += cpuSince(c0);
  }
}

function memoize(make: RunTaskOptions['providerFor']): RunTaskOptions['providerFor'] {
  const made = new Map<string, ReturnType<RunTaskOptions['providerFor']>>();
  return (spec) => {
    let p = made.get(spec.id);
    if (!p) {
      p = make(spec);
      made.set(spec.id, p);
    }
    return p;
  };
}

/** Problems as one sentence: each names its file once, and no message's own full stop doubles ours. */
export function problemList(problems: ReadonlyArray<{ path?: string; message: string }>): string {
  return problems
    .map((p) => {
      const message = p.message.replace(/[.\s]+$/, '');
      return p.path && !message.startsWith(p.path) ? `${p.path}: ${message}` : message;
    })
    .join('; ');
}
