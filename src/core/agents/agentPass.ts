// One pass of a coding agent, with its limits kept: a limit watch (turns, time, dollars) and the
// metering gateway it reads from are started for the pass, the engine runs the agent with the
// gateway as its base URL, and whatever happens the agent's processes are stopped, the gateway
// closed, and the pass accounted (its tokens, cost and — when it was stopped — which limit).
import type { AgentLimits, ModelSpec } from '../config/policySchema';
import type { PriceLookup } from '../routing/estimate';
import type { StageRun } from '../stage/stageRun';
import type { AgentEngine, AgentPassInput, AgentPassOutcome } from './agentTypes';
import { LimitWatch, type PassLimits } from './limitWatch';
import { MeteredGateway } from './meteredGateway';
import type { StepReporter } from './stepReporter';

export interface PassRequest extends Omit<AgentPassInput, 'baseUrl' | 'signal' | 'maxTurns' | 'env' | 'onStep'> {
  engine: AgentEngine;
  sr: StageRun;
  steps: StepReporter;
  /** The process environment without the agent's key and base URL. */
  env: Record<string, string>;
  creds: { apiKey: string; baseUrl?: string };
  limits: PassLimits;
  priceLookup?: PriceLookup;
  /** The run's cancellation. */
  runSignal: AbortSignal;
}

export interface PassResult {
  out: AgentPassOutcome;
  watch: LimitWatch;
}

export async function runAgentPass(p: PassRequest): Promise<PassResult> {
  const { engine, spec, sr, steps } = p;
  const watch = new LimitWatch(p.limits, spec, p.priceLookup);
  const upstream = p.creds.baseUrl ?? engine.defaultBaseUrl;
  const { gateway, url } = await MeteredGateway.start(upstream, watch);
  const startedAt = Date.now();
  const t0 = performance.now();
  let out: AgentPassOutcome | undefined;
  try {
    out = await engine.run({
      ...p,
      env: { ...p.env, ...engine.credentialEnv({ apiKey: p.creds.apiKey, baseUrl: url }) },
      baseUrl: url,
      maxTurns: p.limits.maxTurns,
      signal: AbortSignal.any([p.runSignal, watch.signal]),
      onStep: (s) => steps.step(s),
    });
  } finally {
    watch.dispose();
    await engine.stop();
    await gateway.close();
  }
  if (out.stop === 'max-turns') watch.sdkStopped('turns');
  // The gateway saw every request: its figures are the pass's (the SDK's own are kept when it saw none).
  if (watch.turns > 0) {
    out.usage = { ...watch.usage };
    out.turns = watch.turns;
  }
  const stopped = p.runSignal.aborted ? 'cancelled' : watch.stopped;
  steps.summary(out, p.guard.refusals.length, stopped);
  const costUsd = watch.costUsd;
  sr.account(steps.callEvent(spec, { startedAt, durationMs: performance.now() - t0, out, costUsd, stopped }));
  return { out, watch };
}

export function limitsOf(spec: ModelSpec, runUsdLeft: number | undefined): PassLimits {
  const agent: Partial<AgentLimits> = spec.agent ?? {};
  return {
    maxTurns: agent.maxTurns ?? 30,
    timeoutSeconds: agent.timeoutSeconds ?? 600,
    ...(agent.maxBudgetUsd !== undefined ? { maxBudgetUsd: agent.maxBudgetUsd } : {}),
    ...(runUsdLeft !== undefined && Number.isFinite(runUsdLeft) ? { runUsdLeft } : {}),
  };
}
