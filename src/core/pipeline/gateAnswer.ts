// What a gate's answer means for the run: the plan to write (the reviewed one, or the same change
// with the reviewer's suggestions a person accepted at the gate), or a refusal in words that say
// who refused and why. A person may change what a file becomes, never which files change or the
// base a change was made against: that would write something nobody reviewed or checked for staleness.
import type { ResolvedPlan } from '../edits/editPlan';
import type { GateAnswer } from './runTypes';

export type GateVerdict =
  | { kind: 'apply'; plan: ResolvedPlan; edited: boolean }
  | { kind: 'reject'; reason: string }
  | { kind: 'send-back'; note: string; answer: Extract<GateAnswer, { sendBack: string }> };

/**
 * Reads a gate's answer against the plan the gate was shown. `humanGate` is true when a rule needed
 * a person (then a plain `false` is "declined at the human gate"); otherwise the gate only confirmed
 * an approved change, and a `false` says it was not confirmed.
 */
export function readGateAnswer(answer: GateAnswer, reviewed: ResolvedPlan, humanGate: boolean): GateVerdict {
  if (answer === true) return { kind: 'apply', plan: reviewed, edited: false };
  if (answer === false)
    return { kind: 'reject', reason: humanGate ? 'declined at the human gate' : 'the change was not confirmed' };
  if ('sendBack' in answer) return { kind: 'send-back', note: answer.sendBack, answer };
  if ('reject' in answer) return { kind: 'reject', reason: answer.reject.trim() || 'rejected without a reason' };
  const problem = planMismatch(reviewed, answer.apply);
  if (problem) {
    throw new GateAnswerError(
      `The plan approved at the gate is not the change that was reviewed (${problem}). Nothing was written; route the task again.`,
    );
  }
  const edited = answer.apply.files.some((f, i) => f.after !== reviewed.files[i]!.after);
  return { kind: 'apply', plan: answer.apply, edited };
}

export class GateAnswerError extends Error {}

/** Why `approved` cannot stand for `reviewed`, or undefined when only the new contents differ. */
function planMismatch(reviewed: ResolvedPlan, approved: ResolvedPlan): string | undefined {
  if (approved.files.length !== reviewed.files.length)
    return `${approved.files.length} file(s) instead of ${reviewed.files.length}`;
  for (const [i, r] of reviewed.files.entries()) {
    const a = approved.files[i]!;
    if (a.path !== r.path || a.op !== r.op || a.newPath !== r.newPath) return `${a.path} in place of ${r.path}`;
    if (a.baseHash !== r.baseHash || a.before !== r.before) return `${r.path} was made against other content`;
  }
  return undefined;
}
