// decide(): classification + policy + which models are ready → RoutingDecision. Pure and offline.
// For every stage it walks the policy's chain, rejecting with a reason each model that cannot own the
// stage (missing key, budget, vendor rule, capability), keeps the rest as ordered fallbacks, and adds
// the gates the rules require. Nothing a model says reaches this function: routing is policy only.
import type { ModelSpec, RoutingPolicy, Stage } from '../config/policySchema';
import { residencyViolations } from '../residency/residencyRules';
import { noReviewerReason, pickReviewers } from './crossVendorRule';
import type { Classification } from './classificationSchema';
import {
  ROLE_LABELS,
  type Gate,
  type RejectedAlternative,
  type RoutingDecision,
  type StageDecision,
} from './decisionSchema';
import { costOf, priceFor, STAGE_TOKEN_ESTIMATE, type PriceLookup } from './estimate';
import { dependence, orderFinalOwners } from './finalOwnerOrder';
import { appliedResidency, residencyRejection, residencyStop } from './residencyDecision';
import { planStages } from './stagePlan';

/** Why a model cannot be called right now (e.g. "OPENAI_API_KEY is not set"), or undefined when it can. */
export type ModelAvailability = (spec: ModelSpec) => string | undefined;

export interface DecideOptions {
  task?: string;
  /** Files already known to be involved (editor context + paths the task names). */
  knownFiles?: number;
  /**
   * Those files, workspace-relative (real paths of symlinks included), for the data-residency rules.
   * A model a rule forbids for one of them is out; files found at run time are checked as they are read.
   */
  files?: readonly string[];
  /**
   * Files the locator ranks for the task (nobody named them), real paths, for the residency rules: a
   * model a rule forbids for one of them is passed over when the stage has another model that may read
   * them. When none may, the chain stands with a warning (reading such a file at run time stops the run).
   */
  likelyFiles?: readonly string[];
  /** When a model classified the task, the local result shown beside it. */
  localClassification?: Classification;
  priceLookup?: PriceLookup;
  /** Capabilities a stage's model must declare; none by default (text edit formats work everywhere). */
  requiredCapabilities?: Partial<Record<Stage, ModelSpec['capabilities']>>;
}

export const allAvailable: ModelAvailability = () => undefined;

interface ChainWalk {
  usable: ModelSpec[];
  rejected: RejectedAlternative[];
  /** A warning for the decision (residency over the locator's likely files). */
  note?: string;
}

/** Passes over the models a residency rule forbids for a likely file, unless that would leave none. */
function preferAllowedForLikely(stage: Stage, policy: RoutingPolicy, walk: ChainWalk, likely: readonly string[]) {
  if (likely.length === 0 || walk.usable.length === 0) return walk;
  const barred = walk.usable.map((spec) => ({ spec, v: residencyViolations(policy, stage, spec, likely)[0] }));
  const allowed = barred.filter((b) => !b.v).map((b) => b.spec);
  const out = barred.filter((b) => b.v);
  if (out.length === 0) return walk;
  const named = (files: readonly string[]) => files.slice(0, 2).join(', ') + (files.length > 2 ? ', …' : '');
  if (allowed.length === 0) {
    const v = out[0]!.v!;
    return {
      ...walk,
      note:
        `${ROLE_LABELS[stage]}: the locator ranks ${named(v.files)} for this task and ${v.rule} forbids every ` +
        `model of this stage for it; if the role reads it, the run stops then`,
    };
  }
  const rejected: RejectedAlternative[] = out.map(({ spec, v }) => ({
    modelId: spec.id,
    vendor: spec.vendor,
    code: 'residency',
    reason: `${v!.reason}; the locator ranks ${named(v!.files)} for this task`,
    rule: v!.rule,
  }));
  return { usable: allowed, rejected: [...walk.rejected, ...rejected] };
}

function walkChain(
  stage: Stage,
  policy: RoutingPolicy,
  availability: ModelAvailability,
  opts: DecideOptions,
): ChainWalk {
  const byId = new Map(policy.models.map((m) => [m.id, m]));
  const usable: ModelSpec[] = [];
  const rejected: RejectedAlternative[] = [];
  const needs = opts.requiredCapabilities?.[stage] ?? [];
  const stageBudget = policy.rules.budgets.perStageUsd?.[stage];
  for (const id of policy.stages[stage]) {
    const spec = byId.get(id);
    if (!spec) {
      rejected.push({ modelId: id, code: 'unknown-model', reason: `"${id}" is not defined under models` });
      continue;
    }
    // Residency first: a model that may not see this work is out whatever else is true of it.
    const barred = residencyRejection(policy, stage, spec, opts.files ?? []);
    if (barred) {
      rejected.push(barred);
      continue;
    }
    const missing = availability(spec);
    if (missing) {
      rejected.push({ modelId: id, vendor: spec.vendor, code: 'missing-key', reason: missing });
      continue;
    }
    const lacking = needs.filter((cap) => !spec.capabilities.includes(cap));
    if (lacking.length) {
      rejected.push({
        modelId: id,
        vendor: spec.vendor,
        code: 'capability',
        reason: `lacks ${lacking.join(', ')} needed by the ${stage}`,
      });
      continue;
    }
    // Only a per-stage budget rejects a model up front; the per-task budget is checked against the
    // sum (a warning) and enforced call by call at run time, where real token counts are known.
    const est = costOf(spec, STAGE_TOKEN_ESTIMATE[stage], opts.priceLookup);
    if (stageBudget !== undefined && est > stageBudget) {
      rejected.push({
        modelId: id,
        vendor: spec.vendor,
        code: 'budget',
        reason: `one ${stage} pass is estimated at $${est.toFixed(4)}, over the per-stage budget $${stageBudget}`,
      });
      continue;
    }
    usable.push(spec);
  }
  return { usable, rejected };
}

function stageDecision(
  stage: Stage,
  usable: ModelSpec[],
  rejected: RejectedAlternative[],
  why: string,
  opts: DecideOptions,
): StageDecision {
  const chosen = usable[0];
  const fallbacks: RejectedAlternative[] = usable.slice(1).map((m, i) => ({
    modelId: m.id,
    vendor: m.vendor,
    code: 'lower-priority',
    reason: `fallback #${i + 1} if ${chosen!.id} fails`,
  }));
  const tokens = STAGE_TOKEN_ESTIMATE[stage];
  return {
    stage,
    role: ROLE_LABELS[stage],
    modelId: chosen?.id,
    vendor: chosen?.vendor,
    chain: usable.map((m) => ({ modelId: m.id, vendor: m.vendor })),
    why,
    rejected: [...rejected, ...fallbacks],
    estimate: { ...tokens, costUsd: chosen ? costOf(chosen, tokens, opts.priceLookup) : 0 },
    unavailableReason: chosen ? undefined : why,
  };
}

function firstChoiceWhy(stage: Stage, spec: ModelSpec, policy: RoutingPolicy): string {
  const skipped = policy.stages[stage].indexOf(spec.id);
  const pos =
    skipped <= 0
      ? `first choice in stages.${stage}`
      : `first usable model in stages.${stage} (${skipped} ahead of it rejected)`;
  return `${spec.id} (${spec.vendor}, ${spec.tier}): ${pos}`;
}

export function decide(
  classification: Classification,
  policy: RoutingPolicy,
  availability: ModelAvailability = allAvailable,
  opts: DecideOptions = {},
): RoutingDecision {
  const plan = planStages(classification, policy, { knownFiles: opts.knownFiles ?? 0 });
  const warnings: string[] = [];
  const gates: Gate[] = [];
  const stages: StageDecision[] = [];
  let blockedReason: string | undefined;
  let implementerVendor: string | undefined;
  const files = opts.files ?? [];
  /** A stage that residency left with no model stops the run before anything is sent. */
  const residencyBlocks = (stage: Stage, rejected: readonly RejectedAlternative[]): boolean => {
    const reason = residencyStop(stage, rejected, files);
    if (!reason) return false;
    blockedReason = blockedReason ? `${blockedReason} ${reason}` : reason;
    gates.push({ code: 'residency', at: 'before-run', reason });
    return true;
  };

  const likely = opts.likelyFiles ?? [];
  for (const stage of plan.stages) {
    const walk = preferAllowedForLikely(stage, policy, walkChain(stage, policy, availability, opts), likely);
    if (walk.note) warnings.push(walk.note);
    if (stage === 'critic') {
      const mustDiffer = policy.rules.reviewerVendorMustDiffer;
      const pick = implementerVendor
        ? pickReviewers(
            walk.usable.map((m) => ({ modelId: m.id, vendor: m.vendor })),
            implementerVendor,
            mustDiffer,
          )
        : { allowed: walk.usable.map((m) => ({ modelId: m.id, vendor: m.vendor })), rejected: [] };
      const allowedIds = new Set(pick.allowed.map((a) => a.modelId));
      const usable = walk.usable.filter((m) => allowedIds.has(m.id));
      const rejected = [...walk.rejected, ...pick.rejected];
      if (usable.length === 0 && residencyBlocks(stage, rejected)) {
        stages.push(stageDecision(stage, [], rejected, gates[gates.length - 1]!.reason, opts));
        continue;
      }
      if (usable.length === 0) {
        const reason = implementerVendor
          ? noReviewerReason(
              implementerVendor,
              walk.usable.map((m) => ({ modelId: m.id, vendor: m.vendor })),
            )
          : 'no critic model is ready; a person must review this diff';
        gates.push({ code: 'no-cross-vendor-reviewer', at: 'before-apply', reason });
        stages.push(stageDecision(stage, [], rejected, reason, opts));
        continue;
      }
      const base = firstChoiceWhy(stage, usable[0]!, policy);
      const why = mustDiffer
        ? `${base}; vendor ${usable[0]!.vendor} differs from the implementer's (${implementerVendor ?? 'unknown'})`
        : `${base}; the cross-vendor rule is off in this policy`;
      stages.push(stageDecision(stage, usable, rejected, why, opts));
      continue;
    }

    let usable = walk.usable;
    let why = usable[0] ? firstChoiceWhy(stage, usable[0], policy) : '';
    if (stage === 'finalOwner' && usable.length > 0) {
      // The final owner is a second, stronger opinion (see finalOwnerOrder.ts).
      const criticModel = stages.find((s) => s.stage === 'critic')?.modelId;
      usable = orderFinalOwners(usable, implementerVendor, criticModel);
      const top = usable[0]!;
      const dep = (m: ModelSpec) => dependence(m, implementerVendor, criticModel);
      const passed = walk.usable.filter((m) => walk.usable.indexOf(m) < walk.usable.indexOf(top)).map((m) => m.id);
      why =
        `${top.id} (${top.vendor}, ${top.tier}): ` +
        (passed.length
          ? `placed ahead of ${passed.join(', ')} (more independent of the implementer and critic, or a stronger tier)`
          : 'first usable model in stages.finalOwner') +
        (dep(top) > 0 ? '; no independent model is ready, so it shares a vendor or model with an earlier role' : '');
    }
    if (usable.length === 0 && residencyBlocks(stage, walk.rejected)) {
      why = gates[gates.length - 1]!.reason;
    } else if (usable.length === 0) {
      const tried = walk.rejected.map((r) => `${r.modelId}: ${r.reason}`).join('; ');
      why =
        policy.stages[stage].length === 0
          ? `stages.${stage} lists no model`
          : `no model in stages.${stage} is ready (${tried})`;
      if (stage === 'implementer' || plan.answerStage === stage) {
        const reason = `${why}; set a key or edit .switchyard/routing.json`;
        blockedReason = blockedReason ? `${blockedReason} ${reason}` : reason;
        gates.push({ code: 'no-implementer', at: 'before-run', reason });
      } else {
        warnings.push(`${ROLE_LABELS[stage]} skipped: ${why}`);
      }
    }
    if (stage === 'implementer' && usable[0]) implementerVendor = usable[0].vendor;
    stages.push(stageDecision(stage, usable, walk.rejected, why, opts));
  }

  if (policy.rules.humanGate.onRisk.includes(classification.risk) && plan.answerStage === undefined) {
    const why = classification.details.filter((d) => d.risk === classification.risk).map((d) => d.label);
    gates.push({
      code: 'risk',
      at: 'before-apply',
      reason: `${classification.risk} risk (${why.join(', ') || 'policy rule'}): a person confirms before anything is applied`,
    });
  }

  const maxRounds = policy.rules.maxReviewRounds;
  const estimatedCostUsd = stages.reduce((sum, s) => sum + s.estimate.costUsd, 0);
  const perTask = policy.rules.budgets.perTaskUsd;
  if (perTask !== undefined && estimatedCostUsd > perTask) {
    warnings.push(
      `estimated $${estimatedCostUsd.toFixed(4)} is over the per-task budget $${perTask}; the run stops before a call would exceed it`,
    );
  }
  const byId = new Map(policy.models.map((m) => [m.id, m]));
  const unpriced = stages
    .filter((s) => s.modelId && !priceFor(byId.get(s.modelId)!, opts.priceLookup))
    .map((s) => s.modelId!);
  if (unpriced.length)
    warnings.push(
      `no price known for ${[...new Set(unpriced)].join(', ')}: cost shows as $0 (add price to the model in the policy)`,
    );

  return {
    task: opts.task ?? '',
    classification,
    localClassification: opts.localClassification,
    kind: classification.kind,
    risk: classification.risk,
    producesEdits: plan.answerStage === undefined,
    stages,
    gates,
    maxReviewRounds: maxRounds,
    estimatedCostUsd,
    budget: { perTaskUsd: perTask },
    reasons: plan.reasons,
    warnings,
    blockedReason,
    residency: appliedResidency(policy, stages, [...new Set([...files, ...likely])]),
    files: files.length ? [...files] : undefined,
  };
}
