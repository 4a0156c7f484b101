// The limits of one agent pass — model turns, wall time, dollars — kept as the pass goes, the same
// way for every agent: the gateway asks before each model request (a turn) and reports each
// response's tokens; the watch prices them and, the moment a limit is passed, aborts the pass
// (the engine then stops the agent and its processes) and remembers which limit it was.
import type { ModelSpec } from '../config/policySchema';
import { costOf, type PriceLookup } from '../routing/estimate';
import type { AgentUsage } from './agentTypes';
import type { GatewayMeter } from './meteredGateway';

export type AgentLimit = 'turns' | 'time' | 'budget' | 'run-budget';

export interface PassLimits {
  maxTurns: number;
  timeoutSeconds: number;
  /** The agent's own dollar limit (agent.maxBudgetUsd). */
  maxBudgetUsd?: number;
  /** What is left of the run's budget for the implementer. */
  runUsdLeft?: number;
}

export interface LimitStop {
  limit: AgentLimit;
  /** Says which limit and by how much, e.g. "its turn limit (agent.maxTurns = 8)". */
  what: string;
  /** The stage failure's kind: fallback applies to the agent's own limits, not to the run's budget. */
  kind: string;
}

export class LimitWatch implements GatewayMeter {
  readonly usage: AgentUsage = { inputTokens: 0, outputTokens: 0 };
  turns = 0;
  stopped: LimitStop | undefined;
  private readonly abort = new AbortController();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly limits: PassLimits,
    private readonly spec: ModelSpec,
    private readonly priceLookup?: PriceLookup,
  ) {
    this.timer = setTimeout(() => this.stop('time'), limits.timeoutSeconds * 1000);
  }

  /** Aborted when a limit is passed. */
  get signal(): AbortSignal {
    return this.abort.signal;
  }

  get costUsd(): number {
    return costOf(this.spec, this.usage, this.priceLookup);
  }

  admit(): boolean {
    if (this.stopped) return false;
    if (this.turns >= this.limits.maxTurns) {
      this.stop('turns');
      return false;
    }
    if (this.overBudget()) return false;
    this.turns++;
    return true;
  }

  responded(u: AgentUsage): void {
    this.usage.inputTokens += u.inputTokens;
    this.usage.outputTokens += u.outputTokens;
    if (u.cachedInputTokens) this.usage.cachedInputTokens = (this.usage.cachedInputTokens ?? 0) + u.cachedInputTokens;
    this.overBudget();
  }

  /** The agent's own SDK stopped at its turn limit (a backstop): the same limit, said the same way. */
  sdkStopped(limit: 'turns'): void {
    this.stopped ??= this.describe(limit);
  }

  dispose(): void {
    clearTimeout(this.timer);
  }

  private overBudget(): boolean {
    const cost = this.costUsd;
    const { maxBudgetUsd, runUsdLeft } = this.limits;
    if (runUsdLeft !== undefined && cost >= runUsdLeft && (maxBudgetUsd === undefined || runUsdLeft < maxBudgetUsd)) {
      this.stop('run-budget');
      return true;
    }
    if (maxBudgetUsd !== undefined && cost >= maxBudgetUsd) {
      this.stop('budget');
      return true;
    }
    return false;
  }

  private stop(limit: AgentLimit): void {
    if (this.stopped) return;
    this.stopped = this.describe(limit);
    this.abort.abort();
  }

  private describe(limit: AgentLimit): LimitStop {
    const { maxTurns, timeoutSeconds, maxBudgetUsd, runUsdLeft } = this.limits;
    const spent = `$${this.costUsd.toFixed(4)}`;
    switch (limit) {
      case 'turns':
        return { limit, kind: 'max-turns', what: `its turn limit (agent.maxTurns = ${maxTurns} model turns)` };
      case 'time':
        return { limit, kind: 'timeout', what: `its time limit (agent.timeoutSeconds = ${timeoutSeconds} s)` };
      case 'budget':
        return {
          limit,
          kind: 'agent-budget',
          what: `its budget (agent.maxBudgetUsd = $${maxBudgetUsd}; ${spent} spent)`,
        };
      case 'run-budget':
        return {
          limit,
          kind: 'budget',
          what: `the run's budget ($${(runUsdLeft ?? 0).toFixed(4)} was left for the implementer; ${spent} spent)`,
        };
    }
  }
}
