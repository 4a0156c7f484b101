// "Re-run stage with another model" (sidebar stage rows, the panel): picks another model from the
// policy for that stage and routes the same task again with that model first in the stage's chain,
// for this run only (the policy file is not changed). Stages before it are not run again: the
// scout's findings, the architect's plan and (re-running a reviewer) the implementer's change of
// the run being replaced are reused as they were.
import * as vscode from 'vscode';
import type { Stage } from '../../core/config/policySchema';
import { STAGES } from '../../core/config/stages';
import { residencyPaths } from '../../core/residency/residencyPaths';
import { mentionedPaths } from '../../core/routing/stagePlan';
import { startRun } from '../runs/startRun';
import type { Services } from '../services';
import { ROLE_LABELS } from '../../core/config/stages';
import { rerunChoices, type RerunChoice } from './rerunChoices';

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
      run.model.view.stages.map((s) => ({ label: ROLE_LABELS[s.stage], description: s.modelId, stage: s.stage })),
      { title: 'Re-run which stage?' },
    );
    if (!pick) return undefined;
    stage = pick.stage;
  }
  const current = run.model.view.stages.find((s) => s.stage === stage)?.modelId;
  const readiness = await svc.refreshStatus();
  const task = run.model.view.task;
  const { findings, plan, diff } = run.model.artifacts;
  const author = run.model.view.stages.find((s) => s.stage === 'implementer')?.modelId ?? run.reusedAuthor;
  const policy = svc.policy.policy;
  // What the re-run will carry before this stage's first call: the task's files and the reused
  // artifacts'. A model the residency rules keep from them is listed as blocked, with the rule.
  const files = await residencyPaths(vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? '.', [
    ...(run.editor.context.filePaths ?? []),
    ...mentionedPaths(task),
    ...(findings?.relevantFiles.map((f) => f.path) ?? []),
    ...(plan?.filesToTouch ?? []),
    ...(diff?.files ?? []),
  ]);
  const choices = rerunChoices(stage, policy, {
    implementerVendor: policy.models.find((m) => m.id === author)?.vendor,
    readiness: readiness.reasons,
    files,
  });
  const modelId =
    typeof args[1] === 'string'
      ? args[1]
      : await pickModel(
          stage,
          choices.filter((c) => c.spec.id !== current),
        );
  if (!modelId) return undefined;
  // A model that cannot run this stage would be replaced by another without a word: refuse instead.
  const blocked = choices.find((c) => c.spec.id === modelId)?.blocked;
  if (blocked || !choices.some((c) => c.spec.id === modelId)) {
    void vscode.window.showErrorMessage(
      `Switchyard: ${modelId} cannot re-run the ${ROLE_LABELS[stage]}: ${blocked ?? 'it is not in the routing policy'}. Pick a model marked ready.`,
    );
    return undefined;
  }
  const chain = [modelId, ...svc.policy.policy.stages[stage].filter((id) => id !== modelId)];
  // What the stages before this one produced, as they were (a re-run scout or architect starts afresh).
  const before = STAGES.slice(0, STAGES.indexOf(stage));
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
  // The editor context of the run being re-run: the editor shows the diff by now, and a different
  // context could change the decision (a scout where there was none, paid for again).
  return startRun(svc, { task, editor: run.editor, stageOverride: { [stage]: chain }, reuse });
}

/** The picker: ready models first; the others below a separator, each with why it cannot run. */
async function pickModel(stage: Stage, choices: RerunChoice[]): Promise<string | undefined> {
  type Item = vscode.QuickPickItem & { id?: string };
  const item = (c: RerunChoice): Item => ({
    label: c.blocked ? `$(circle-slash) ${c.spec.id}` : c.spec.id,
    description: `${c.spec.vendor} · ${c.spec.tier}`,
    detail: c.blocked ?? 'ready',
    id: c.spec.id,
  });
  const ready = choices.filter((c) => !c.blocked).map(item);
  const blocked = choices.filter((c) => c.blocked).map(item);
  const items: Item[] = [
    ...ready,
    ...(blocked.length
      ? [{ label: 'Cannot run this stage now', kind: vscode.QuickPickItemKind.Separator } as Item, ...blocked]
      : []),
  ];
  const pick = await vscode.window.showQuickPick(items, {
    title: `Re-run the ${ROLE_LABELS[stage]} with which model?`,
    placeHolder: ready.length ? undefined : 'No other model can run this stage now: each says why',
  });
  return pick?.id;
}
