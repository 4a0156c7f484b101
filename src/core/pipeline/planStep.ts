// planning: a decision that blocks the run fails it here; otherwise the stages share one kit (the
// task with what the host attached, a nonce for the data blocks, the locator and the read-only
// tools). A question is answered (done: answered); a change gets the scout's findings and the
// architect's plan — or an earlier run's, shown as skipped — and goes on to implementing.
import { randomBytes } from 'node:crypto';
import type { Stage } from '../config/policySchema';
import type { Artifact } from '../stage/events';
import { StageFailure } from '../stage/runContext';
import { makeExploreKit, rolesTask, runCodebase } from './exploreKit';
import { answerQuestion, architectStage, scoutStage, type StageKit } from './planningStages';
import type { Brief, Done } from './runState';
import type { RunScope } from './runScope';

export async function planStep(scope: RunScope): Promise<Done | { step: 'implementing'; brief: Brief }> {
  const { decision, opts } = scope;
  if (decision.blockedReason) {
    const kind = decision.gates.some((g) => g.code === 'residency') ? 'residency' : 'no-model';
    throw new StageFailure({ kind, message: decision.blockedReason });
  }
  const kit = stageKit(scope);
  if (!decision.producesEdits) {
    scope.reported.answer = await answerQuestion(kit, decision.stages[0]!);
    return { step: 'done', outcome: 'answered', message: 'answered; a question changes no files' };
  }
  const { findings: oldFindings, plan: oldPlan } = opts.reuse ?? {};
  // An earlier run's artifacts carry what their roles read: at least the files they name.
  await scope.touch([...(oldFindings?.relevantFiles.map((f) => f.path) ?? []), ...(oldPlan?.filesToTouch ?? [])]);
  const findings =
    reused(scope, 'scout', oldFindings && { kind: 'findings', value: oldFindings }) ??
    (await scoutStage(kit, scope.stageOf('scout')));
  const plan =
    reused(scope, 'architect', oldPlan && { kind: 'plan', value: oldPlan }) ??
    (await architectStage(kit, scope.stageOf('architect'), findings));
  return { step: 'implementing', brief: { kit, findings, plan } };
}

/** The kit the stages share; exported for the steps' own tests. */
export function stageKit(scope: RunScope): StageKit {
  const { opts, policy } = scope;
  // The roles read what the host attached (the editor's selection); routing and the record do not.
  const task = rolesTask(opts);
  const userPaths = scope.contextPaths;
  const { codebase } = runCodebase(opts);
  return {
    task,
    nonce: randomBytes(9).toString('hex'),
    userPaths,
    workspace: opts.workspace,
    runStage: scope.runStage,
    filesFor: scope.filesFor,
    specsOf: scope.specsOf,
    outBudget: scope.outBudget,
    emit: scope.emit,
    explore: makeExploreKit(codebase, policy, userPaths, scope.located),
  };
}

/** An earlier run's artifact stands in for its stage: shown as skipped, emitted as if the stage had run. */
function reused<A extends Extract<Artifact, { kind: 'findings' | 'plan' }>>(
  scope: RunScope,
  stage: Stage,
  artifact?: A,
): A['value'] | undefined {
  if (!artifact || !scope.stageOf(stage)) return undefined;
  scope.emit({ type: 'stage-skipped', stage, reason: `${artifact.kind} reused from ${scope.opts.reuse!.from}` });
  scope.emit({ type: 'artifact-ready', stage, round: 1, artifact });
  return artifact.value;
}
