// The person's word on a call: "route it as a bugfix", "treat it as high risk". When the classifier
// got the kind or the risk wrong, the person sets it and the run routes by that instead; the
// classifier's own call stays in the reasons, so the run record says who decided and what was
// overruled. A person may lower a risk as well as raise it: they own the change (a workspace's
// policy cannot do this; only the person routing the task).
import type { Risk, TaskKind } from '../config/policySchema';
import type { Call, Classification } from './classificationSchema';

export interface PersonCalls {
  kind?: TaskKind;
  risk?: Risk;
}

export const SET_BY_YOU = 'set by you';

const pct = (p: number): string => `${Math.round(p * 100)}%`;

/** The call the person made: certain, with no features of its own (the reasons keep the classifier's). */
const PERSON_CALL: Call = { confidence: 1, uncertain: false, features: [], rule: SET_BY_YOU };

function said(label: string, call: Call | undefined): string {
  if (!call) return label;
  return `${label}, ${call.rule ? 'by rule' : pct(call.confidence)}`;
}

/** The classification with the person's kind and risk in place of the classifier's. */
export function withPersonCalls(c: Classification, person: PersonCalls | undefined): Classification {
  if (!person || (person.kind === undefined && person.risk === undefined)) return c;
  const kind = person.kind ?? c.kind;
  const risk = person.risk ?? c.risk;
  const reasons: string[] = [];
  if (person.kind !== undefined)
    reasons.push(
      person.kind === c.kind
        ? `${kind}: ${SET_BY_YOU} (the classifier said so too)`
        : `${kind}: ${SET_BY_YOU} (the classifier said ${said(c.kind, c.calls?.kind)})`,
    );
  if (person.risk !== undefined)
    reasons.push(
      person.risk === c.risk
        ? `${risk} risk: ${SET_BY_YOU} (the classifier said so too)`
        : `${risk} risk: ${SET_BY_YOU} (the classifier said ${said(c.risk, c.calls?.risk)})`,
    );
  // A plan for every high-risk change; a question changes nothing to plan; otherwise the
  // classifier's reading of the scope stands.
  const needsPlan = risk === 'high' ? true : kind === 'question' ? false : c.needsPlan;
  return {
    ...c,
    kind,
    risk,
    reasons: [...reasons, ...c.reasons],
    needsPlan,
    calls: c.calls && {
      kind: person.kind !== undefined ? PERSON_CALL : c.calls.kind,
      risk: person.risk !== undefined ? PERSON_CALL : c.calls.risk,
    },
  };
}

/**
 * The calls to show for a decision: the person's where they set one, else the local classifier's
 * (a classifier model's refinement is named beside them, not shown as a call of its own).
 */
export function shownCalls(
  c: Classification,
  local: Classification,
): { kind: [label: string, call: Call]; risk: [label: string, call: Call] } | undefined {
  if (!local.calls) return undefined;
  const byPerson = (head: 'kind' | 'risk'): boolean => c.calls?.[head].rule === SET_BY_YOU;
  return {
    kind: byPerson('kind') ? [c.kind, c.calls!.kind] : [local.kind, local.calls.kind],
    risk: byPerson('risk') ? [c.risk, c.calls!.risk] : [local.risk, local.calls.risk],
  };
}
