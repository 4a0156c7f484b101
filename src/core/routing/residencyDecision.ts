// Data residency where models are chosen: the rejection a rule gives a model in a stage's chain, the
// reason a run cannot start when a stage is left with no model, and the rules as they bore on this
// task (for `explain`, the panel and the record). The rules themselves live in core/residency.
import type { ModelSpec, RoutingPolicy, Stage } from '../config/policySchema';
import {
  describeRule,
  filesUnderRule,
  noModelLeftMessage,
  residencyViolations,
  ruleApplies,
  ruleRef,
} from '../residency/residencyRules';
import { ROLE_LABELS, type AppliedResidencyRule, type RejectedAlternative, type StageDecision } from './decisionSchema';

export function residencyRejection(
  policy: RoutingPolicy,
  stage: Stage,
  spec: ModelSpec,
  files: readonly string[],
): RejectedAlternative | undefined {
  const v = residencyViolations(policy, stage, spec, files)[0];
  return v && { modelId: spec.id, vendor: spec.vendor, code: 'residency', reason: v.reason, rule: v.rule };
}

/** Why the run must stop before it starts: residency rejected models of this stage and none is left. */
export function residencyStop(stage: Stage, rejected: readonly RejectedAlternative[], files: readonly string[]) {
  const barred = rejected.filter((r) => r.code === 'residency');
  return barred.length ? noModelLeftMessage(ROLE_LABELS[stage].toLowerCase(), stage, barred, files) : undefined;
}

export function appliedResidency(
  policy: RoutingPolicy,
  stages: readonly StageDecision[],
  files: readonly string[],
): AppliedResidencyRule[] | undefined {
  const rules = policy.rules.residency;
  if (rules.length === 0) return undefined;
  return rules.map((rule, i) => {
    const ref = ruleRef(rule, i);
    return {
      rule: ref,
      summary: describeRule(rule),
      applies: stages.some((s) => ruleApplies(rule, s.stage, files)),
      files: rule.paths ? filesUnderRule(rule, files) : [],
      excluded: stages.flatMap((s) =>
        s.rejected
          .filter((r) => r.code === 'residency' && r.rule === ref)
          .map((r) => ({ stage: s.stage, modelId: r.modelId })),
      ),
    };
  });
}
