// "Re-run stage with another model" (sidebar stage rows, the panel): picks another model from the
// policy for that stage and routes the same task again with that model first in the stage's chain,
// for this run only (the policy file is not changed). Stages before it are not run again: the
// scout's findings, the architect's plan and (re-running a reviewer) the implementer's change of
// the run being replaced are reused as they were.
import * as vscode from 'vscode';
import { STAGES, type Stage } from '../../core/config/policySchema';
import { residencyPaths } from '../../core/residency/residencyPaths';
import { residencyViolations } from '../../core/residency/residencyRules';
import { mentionedPaths } from '../../core/routing/stagePlan';
import { gatherContext } from '../runs/gatherContext';
import { startRun } from '../runs/startRun';
import type { Services } from '../services';
import { ROLE_NAMES } from '../sidebar/pipelineTree';

function stageArg(arg: unknown): Stage | undefined {
  if (typeof arg === 'string' && (STAGES as readonly string[]).includes(arg)) return arg as Stage;
  if (arg && typeof arg === 'object' && 'stage' in arg) return stageArg((arg as { stage: unknown }).stage);
  return undefined;
}

export async function rerunStage(svc: Services, args: unknown[]) {
  const run = svc.runs.current;
  if (!run) {
    void vscode.window.showErrorMessage('Switchyard: there is no run to re-run a stage of. Route a task first.');
    return undefined;
  }
  let stage = stageArg(args[0]);
  if (!stage) {
    const pick = await vscode.window.showQuickPick(
      run.model.view.stages.map((s) => ({ label: ROLE_NAMES[s.stage], description: s.modelId, stage: s.stage })),
      { title: 'Re-run which stage?' },
    );
    if (!pick) return undefined;
    stage = pick.stage;
  }
  const current = run.model.view.stages.find((s) => s.stage === stage)?.modelId;
  const readiness = await svc.refreshStatus();
  const task = run.model.view.task;
  const editor = gatherContext();
  const { findings, plan, diff } = run.model.artifacts;
  // What the re-run will carry before this stage's first call: the task's files and the reused artifacts'.
  const files = await residencyPaths(vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? '.', [
    ...(editor.context.filePaths ?? []),
    ...mentionedPaths(task),
    ...(findings?.relevantFiles.map((f) => f.path) ?? []),
    ...(plan?.filesToTouch ?? []),
    ...(diff?.files ?? []),
  ]);
  const barred = (id: string): string | undefined => {
    const spec = svc.policy.policy.models.find((m) => m.id === id);
    return spec && residencyViolations(svc.policy.policy, stage, spec, files)[0]?.reason;
  };
  const modelId =
    typeof args[1] === 'string'
      ? args[1]
      : (
          await vscode.window.showQuickPick(
            svc.policy.policy.models
              .filter((m) => m.id !== current)
              .map((m) => ({
                label: m.id,
                description: `${m.vendor} · ${m.tier}`,
                detail: barred(m.id) ? `not allowed here: ${barred(m.id)}` : (readiness.reasons.get(m.id) ?? 'ready'),
                id: m.id,
              })),
            { title: `Re-run the ${ROLE_NAMES[stage]} with which model?` },
          )
        )?.id;
  if (!modelId) return undefined;
  const forbidden = barred(modelId);
  if (forbidden) {
    void vscode.window.showWarningMessage(
      `Switchyard: ${modelId} may not own the ${ROLE_NAMES[stage]} for this task: ${forbidden}. Pick another model, or change rules.residency.`,
    );
    return undefined;
  }
  const chain = [modelId, ...svc.policy.policy.stages[stage].filter((id) => id !== modelId)];
  // What the stages before this one produced, as they were (a re-run scout or architect starts afresh).
  const before = STAGES.slice(0, STAGES.indexOf(stage));
  const author = run.model.view.stages.find((s) => s.stage === 'implementer')?.modelId ?? run.reusedAuthor;
  const reuse = {
    from: `the previous run (${run.runId})`,
    ...(before.includes('scout') && findings ? { findings } : {}),
    ...(before.includes('architect') && plan ? { plan } : {}),
    // A second opinion on the same change: the reviewer re-runs, the implementer does not.
    ...(before.includes('implementer') && diff && author
      ? { implementation: { modelId: author, diff: diff.diff } }
      : {}),
  };
  if (run.live) run.abort.abort();
  return startRun(svc, { task, editor, stageOverride: { [stage]: chain }, reuse });
}
