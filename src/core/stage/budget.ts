// Budgets per task and per stage, enforced BEFORE a call: given what has been spent and what the
// next request's input will cost, it caps the call's max output tokens so the call cannot take the
// run over budget — or refuses the call with a message saying which budget, how much is left, and
// what to change. A refused call is never sent.
import type { ModelSpec, RoutingPolicy, Stage } from '../config/policySchema';
import { priceFor, type PriceLookup } from '../routing/estimate';

/** Below this many output tokens a call cannot produce a useful artifact; refuse instead. */
export const MIN_USEFUL_OUTPUT_TOKENS = 256;
/** Our input estimate is chars/4; pad it so a slightly larger real count still fits. */
const INPUT_SAFETY = 1.15;

export type Admission = { ok: true; maxOutputTokens: number } | { ok: false; message: string };

const usd = (n: number): string => `$${n.toFixed(4)}`;

export class BudgetGuard {
  private spentTask = 0;
  private readonly spentStage = new Map<Stage, number>();
  private readonly outStage = new Map<Stage, number>();

  constructor(
    private readonly budgets: RoutingPolicy['rules']['budgets'],
    private readonly priceLookup?: PriceLookup,
  ) {}

  get taskSpentUsd(): number {
    return this.spentTask;
  }

  admit(stage: Stage, spec: ModelSpec, inputTokens: number, wantedOutputTokens: number): Admission {
    const price = priceFor(spec, this.priceLookup);
    let maxOut = wantedOutputTokens;
    const tokenCap = this.budgets.perStageOutputTokens?.[stage];
    if (tokenCap !== undefined) {
      const left = tokenCap - (this.outStage.get(stage) ?? 0);
      if (left < MIN_USEFUL_OUTPUT_TOKENS) {
        return {
          ok: false,
          message: `Stopped before calling ${spec.id} for the ${stage}: only ${Math.max(0, left)} of the ${stage}'s ${tokenCap} output tokens are left (rules.budgets.perStageOutputTokens.${stage}). Raise it in .switchyard/routing.json to continue.`,
        };
      }
      maxOut = Math.min(maxOut, left);
    }
    if (!price) return { ok: true, maxOutputTokens: maxOut };

    const limits: Array<{ name: string; left: number; total: number; spent: number }> = [];
    if (this.budgets.perTaskUsd !== undefined) {
      limits.push({
        name: 'per-task budget (rules.budgets.perTaskUsd)',
        total: this.budgets.perTaskUsd,
        spent: this.spentTask,
        left: this.budgets.perTaskUsd - this.spentTask,
      });
    }
    const stageUsd = this.budgets.perStageUsd?.[stage];
    if (stageUsd !== undefined) {
      const spent = this.spentStage.get(stage) ?? 0;
      limits.push({
        name: `${stage} budget (rules.budgets.perStageUsd.${stage})`,
        total: stageUsd,
        spent,
        left: stageUsd - spent,
      });
    }
    const inputCost = (inputTokens * INPUT_SAFETY * price.inputPerMTok) / 1_000_000;
    for (const l of limits) {
      const affordable =
        price.outputPerMTok > 0 ? Math.floor(((l.left - inputCost) * 1_000_000) / price.outputPerMTok) : Infinity;
      if (affordable < MIN_USEFUL_OUTPUT_TOKENS) {
        const needed = inputCost + (MIN_USEFUL_OUTPUT_TOKENS * price.outputPerMTok) / 1_000_000;
        return {
          ok: false,
          message:
            `Stopped before calling ${spec.id} for the ${stage}: the call needs at least ${usd(needed)} ` +
            `(~${Math.round(inputTokens)} input tokens plus a minimal reply) but only ${usd(Math.max(0, l.left))} is left of the ${l.name} ` +
            `of ${usd(l.total)} (spent ${usd(l.spent)}). Nothing was sent. Raise the budget in .switchyard/routing.json or route the stage to a cheaper model.`,
        };
      }
      maxOut = Math.min(maxOut, affordable);
    }
    return { ok: true, maxOutputTokens: maxOut };
  }

  /** Spending outside any stage (the classifier model): counts against the per-task budget only. */
  recordUnstaged(costUsd: number): void {
    this.spentTask += costUsd;
  }

  record(stage: Stage, costUsd: number, outputTokens: number): void {
    this.spentTask += costUsd;
    this.spentStage.set(stage, (this.spentStage.get(stage) ?? 0) + costUsd);
    this.outStage.set(stage, (this.outStage.get(stage) ?? 0) + outputTokens);
  }
}
