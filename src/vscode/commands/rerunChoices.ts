// Which models a stage can be re-run with, and why the others cannot: a model without its key, or
// (for a reviewer) one of the implementer's vendor, would not run — the decision would quietly put
// another model in its place; nor would one the data-residency rules keep from the run's files. So
// those are listed apart with the reason and cannot be picked.
// vscode-free: unit-tested in plain Node.
import type { ModelSpec, RoutingPolicy, Stage } from '../../core/config/policySchema';
import { residencyViolations } from '../../core/residency/residencyRules';

export interface RerunChoice {
  spec: ModelSpec;
  /** Why this model cannot run this stage now; undefined when it can. */
  blocked?: string;
}

export interface RerunContext {
  /** The vendor of the change's author, for a reviewer's stage. */
  implementerVendor?: string;
  /** model id → why it is not ready (no key…), undefined when ready. */
  readiness: ReadonlyMap<string, string | undefined>;
  /** The files the re-run carries (residency paths): a model the data-residency rules keep from them is blocked. */
  files?: readonly string[];
}

const REVIEWERS: readonly Stage[] = ['critic', 'finalOwner'];

export function rerunChoices(stage: Stage, policy: RoutingPolicy, ctx: RerunContext): RerunChoice[] {
  const chain = policy.stages[stage];
  const rank = (m: ModelSpec) => (chain.includes(m.id) ? chain.indexOf(m.id) : chain.length);
  const choices = policy.models.map((spec): RerunChoice => ({
    spec,
    blocked: blockedReason(stage, spec, policy, ctx),
  }));
  // Ready first, in the stage's own order, then the rest; the unusable ones last, each with its reason.
  return choices.sort((a, b) => Number(!!a.blocked) - Number(!!b.blocked) || rank(a.spec) - rank(b.spec));
}

function blockedReason(stage: Stage, spec: ModelSpec, policy: RoutingPolicy, ctx: RerunContext): string | undefined {
  const notReady = ctx.readiness.has(spec.id) ? ctx.readiness.get(spec.id) : `model ${spec.id} is not in the policy`;
  if (notReady) return notReady;
  if (
    REVIEWERS.includes(stage) &&
    policy.rules.reviewerVendorMustDiffer &&
    ctx.implementerVendor !== undefined &&
    spec.vendor === ctx.implementerVendor
  ) {
    return `same vendor as the change's author (${spec.vendor}): a reviewer must be from another vendor`;
  }
  const barred = residencyViolations(policy, stage, spec, ctx.files ?? [])[0];
  if (barred) return `not allowed here: ${barred.reason}`;
  return undefined;
}
