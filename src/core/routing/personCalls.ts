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

const HEADS = ['kind', 'risk'] as const;
/** How a head reads in a reason: "bugfix: …", "high risk: …". */
const READS = { kind: '', risk: ' risk' } as const;

/** The classification with the person's kind and risk in place of the classifier's. */
export function withPersonCalls(c: Classification, person: PersonCalls | undefined): Classification {
  const set = HEADS.filter((head) => person?.[head] !== undefined);
  if (!person || !set.length) return c;
  const kind = person.kind ?? c.kind;
  const risk = person.risk ?? c.risk;
  const reasons = set.map((head) => {
    const was = person[head] === c[head] ? 'so too' : said(c[head], c.calls?.[head]);
    return `${person[head]}${READS[head]}: ${SET_BY_YOU} (the classifier said ${was})`;
  });
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
      kind: set.includes('kind') ? PERSON_CALL : c.calls.kind,
      risk: set.includes('risk') ? PERSON_CALL : c.calls.risk,
    },
  };
}

/** Which calls of a classification the person set, in the order kind, risk. */
export function setByPerson(c: Classification): Array<'kind' | 'risk'> {
  return HEADS.filter((head) => c.calls?.[head].rule === SET_BY_YOU);
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
  const set = setByPerson(c);
  return {
    kind: set.includes('kind') ? [c.kind, c.calls!.kind] : [local.kind, local.calls.kind],
    risk: set.includes('risk') ? [c.risk, c.calls!.risk] : [local.risk, local.calls.risk],
  };
}
