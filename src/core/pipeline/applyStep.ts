// applying: the host writes the change (the reviewed plan, or the one a person accepted at the gate)
// — never after a cancellation; a change that cannot be written fails the run with nothing written.
// Then done.
import { RunCancelled, StageFailure } from '../stage/runContext';
import { changeOf, type Done, type RunState } from './runState';
import { inHost, problemList, type RunScope } from './runScope';

export async function applyStep(scope: RunScope, state: RunState): Promise<Done> {
  if (scope.signal.aborted) throw new RunCancelled();
  const { resolved } = changeOf(state);
  const applied = await inHost(scope, () => scope.opts.apply(resolved));
  if (!applied.ok) {
    throw new StageFailure({
      kind: 'apply',
      message: `The change could not be applied: ${problemList(applied.problems)}. Nothing was written.`,
    });
  }
  scope.emit({
    type: 'applied',
    files: applied.written,
    ...(state.editedAtGate ? { diff: state.editedAtGate } : {}),
  });
  return { step: 'done', outcome: 'applied', message: `applied to ${applied.written.length} file(s)` };
}
