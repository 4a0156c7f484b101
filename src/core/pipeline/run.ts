// runTask(): the pipeline for one task as a small state machine —
//   deciding → planning → [answered] | (implementing → reviewing → verifying)×rounds → escalating
//   → [at the gate] → applying → done
// The states and the typed state the steps share are in runState.ts, the transitions in runSteps.ts,
// one module per step. Each role runs in its own RoleSession and receives only typed artifacts; every
// step is an event. Nothing is written here: apply is the host's callback, called only after the
// review and gates allow it and only if the run was not cancelled. Routing, gates and paths come from
// the policy and the code — never from anything a model says.
import { randomUUID } from 'node:crypto';
import { RunRecorder } from '../ledger/recordFromEvents';
import type { ErrorInfo, Outcome } from '../stage/events';
import { cpuSince, RunCancelled, StageFailure } from '../stage/runContext';
import { decideStep } from './decideStep';
import { GateAnswerError } from './gateAnswer';
import { runSteps } from './runSteps';
import { runBase, runScope, type RunBase } from './runScope';
import type { RunResult, RunTaskOptions } from './runTypes';

export async function runTask(opts: RunTaskOptions): Promise<RunResult> {
  const runId = opts.runId ?? randomUUID();
  const wall0 = performance.now();
  const cpu0 = process.cpuUsage();
  const recorder = new RunRecorder();
  const ac = new AbortController();
  const onOuterAbort = () => ac.abort(opts.signal?.reason);
  if (opts.signal?.aborted) ac.abort(opts.signal.reason);
  opts.signal?.addEventListener('abort', onOuterAbort, { once: true });
  const base = runBase(opts, {
    runId,
    signal: ac.signal,
    listeners: [recorder.listener, ...(opts.listeners ?? [])],
  });

  // deciding
  const decision = opts.decision ?? (await decideStep(base));
  base.emit({ type: 'decision-made', decision });
  // The task names these files (and carries the selection): every role's request carries them.
  await base.touch(decision.files ?? base.contextPaths);
  const scope = runScope(base, decision);

  let outcome: Outcome;
  let message: string;
  let error: ErrorInfo | undefined;
  try {
    ({ outcome, message } = await runSteps(scope));
  } catch (e) {
    ({ outcome, message, error } = endedBy(e, base));
  } finally {
    opts.signal?.removeEventListener('abort', onOuterAbort);
  }

  const { snapshots, unstaged } = base;
  const totals = {
    tokensIn: unstaged.tokensIn + snapshots.reduce((n, s) => n + s.tokensIn, 0),
    tokensOut: unstaged.tokensOut + snapshots.reduce((n, s) => n + s.tokensOut, 0),
    costUsd: unstaged.costUsd + snapshots.reduce((n, s) => n + s.costUsd, 0),
    elapsedMs: Math.round(performance.now() - wall0),
  };
  base.emit({ type: 'run-finished', outcome, message, totals, error });
  return {
    runId,
    outcome,
    message,
    decision,
    ...base.reported,
    record: recorder.record()!,
    boundary: base.ctx.boundary,
    timing: {
      wallMs: performance.now() - wall0,
      providerMs: base.ctx.providerMs,
      hostMs: base.host.ms,
      cpuMs: cpuSince(cpu0),
      providerCpuMs: base.ctx.providerCpuMs,
      hostCpuMs: base.host.cpuMs,
      stagePasses: base.counters.stagePasses,
    },
  };
}

/** What an exception that ended the steps means for the run: cancelled (with its event), or failed and why. */
function endedBy(e: unknown, base: RunBase): { outcome: Outcome; message: string; error?: ErrorInfo } {
  if (e instanceof RunCancelled || (base.signal.aborted && !(e instanceof StageFailure))) {
    const reason = base.opts.signal?.reason;
    base.emit({ type: 'cancelled', reason: typeof reason === 'string' ? reason : 'cancelled by the user' });
    return { outcome: 'cancelled', message: 'cancelled; nothing was applied' };
  }
  if (e instanceof GateAnswerError)
    return { outcome: 'failed', error: { kind: 'apply', message: e.message }, message: e.message };
  if (e instanceof StageFailure) return { outcome: 'failed', error: e.info, message: e.info.message };
  const error: ErrorInfo = { kind: 'internal', message: `Switchyard failed unexpectedly: ${(e as Error).message}` };
  return { outcome: 'failed', error, message: error.message };
}
