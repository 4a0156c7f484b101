// at the gate: the host asks a person (or confirms an approved change when it asks every time) and
// the answer decides — apply the reviewed change, or the same change with reviewer suggestions a
// person accepted (→ applying); reject (done); or send it back with their notes for another pass of
// implement ⇄ review in this run (→ implementing), at most MAX_HUMAN_SEND_BACKS times.
import { randomBytes } from 'node:crypto';
import type { ResolvedPlan } from '../edits/editPlan';
import type { GateCode } from '../routing/decisionSchema';
import type { Review } from '../review/reviewSchema';
import type { DiffArtifact } from '../sessions/artifacts';
import { RunCancelled } from '../stage/runContext';
import type { GateReason } from './escalation';
import { readGateAnswer } from './gateAnswer';
import { diffArtifactOf } from '../stage/implementerEdits';
import { changeOf, startPass, type Phase, type RunState } from './runState';
import { inHost, type RunScope } from './runScope';
import type { GateAnswer } from './runTypes';

/** A person may send the change back from the gate this many times within one run. */
export const MAX_HUMAN_SEND_BACKS = 3;

export async function gateStep(
  scope: RunScope,
  state: RunState,
  human: GateReason[],
  review: Review | undefined,
): Promise<Phase> {
  const change = changeOf(state);
  const reasons = human.length
    ? human.map((h) => h.reason)
    : [`${state.lastCritic?.spec.id ?? 'the reviewer'} approved the change; apply it?`];
  const codes = [...new Set(human.map((h) => h.code))];
  const answer = readGateAnswer(
    await askGate(scope, { codes, reasons, diff: change.diff, review, resolved: change.resolved }),
    change.resolved,
    human.length > 0,
  );
  if (answer.kind === 'send-back') {
    if (state.humanSendBacks >= MAX_HUMAN_SEND_BACKS) {
      scope.emit({ type: 'rejected', reason: `sent back more than ${MAX_HUMAN_SEND_BACKS} times` });
      return {
        step: 'done',
        outcome: 'rejected',
        message: `rejected: sent back ${MAX_HUMAN_SEND_BACKS} times already; start a new run with a clearer task`,
      };
    }
    state.humanSendBacks++;
    state.revision = {
      review: { verdict: 'request-changes', summary: answer.note, findings: answer.answer.findings ?? [] },
      by: 'a person at the review gate',
    };
    startPass(state);
    return { step: 'implementing' };
  }
  if (answer.kind === 'reject') {
    scope.emit({ type: 'rejected', reason: answer.reason });
    const why = answer.reason === 'declined at the human gate' ? ' at the human gate' : `: ${answer.reason}`;
    return { step: 'done', outcome: 'rejected', message: `rejected${why}; nothing was applied` };
  }
  if (answer.edited) {
    change.resolved = answer.plan;
    scope.reported.resolved = answer.plan;
    state.editedAtGate = diffArtifactOf(answer.plan).diff;
  }
  return { step: 'applying' };
}

/** The host's gate, raced against cancellation; its wait counts as the host's time. */
async function askGate(
  scope: RunScope,
  shown: {
    codes: GateCode[];
    reasons: string[];
    diff: DiffArtifact;
    review: Review | undefined;
    resolved: ResolvedPlan;
  },
): Promise<GateAnswer> {
  const { signal, emit } = scope;
  const gateId = `${scope.runId}:gate:${randomBytes(3).toString('hex')}`;
  emit({ type: 'gate-waiting', gateId, reasons: shown.reasons });
  const aborted = new Promise<never>((_, reject) => {
    if (signal.aborted) reject(new RunCancelled());
    signal.addEventListener('abort', () => reject(new RunCancelled()), { once: true });
  });
  aborted.catch(() => {});
  const approved = await inHost(
    scope,
    () => Promise.race([scope.opts.gate({ gateId, ...shown, signal }), aborted]),
    false,
  );
  emit({
    type: 'gate-resolved',
    gateId,
    approved: approved === true || (typeof approved === 'object' && 'apply' in approved),
    ...(typeof approved === 'object' && 'sendBack' in approved ? { sentBack: true } : {}),
  });
  if (signal.aborted) throw new RunCancelled();
  return approved;
}
