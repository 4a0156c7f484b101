// "Switchyard: Route this task" (palette, editor context menu on a selection) and "Route a task
// for these files" (explorer): asks for the task, gathers the editor context, and runs it.
// Called with a string first argument (tests, other extensions), it skips the input box.
import * as vscode from 'vscode';
import { askTask, rememberTask } from '../runs/askTask';
import { gatherContext } from '../runs/gatherContext';
import { startRun, type StartRunOptions } from '../runs/startRun';
import type { Services } from '../services';

type Extra = Pick<StartRunOptions, 'openDiffOnGate'>;

async function route(svc: Services, picked: vscode.Uri[], given: string | undefined, extra: Extra = {}) {
  const editor = gatherContext(picked);
  const hint = picked.length
    ? `${picked.length} file${picked.length === 1 ? '' : 's'} picked`
    : editor.selection
      ? `selection in ${editor.selection.path}`
      : undefined;
  const task = given?.trim() || (await askTask(svc.shell.context.globalState, hint));
  if (!task) return undefined;
  await rememberTask(svc.shell.context.globalState, task);
  return startRun(svc, { task, editor, ...extra });
}

export function routeTask(svc: Services, args: unknown[]) {
  const given = typeof args[0] === 'string' ? args[0] : undefined;
  const extra = (given && typeof args[1] === 'object' && args[1] ? args[1] : {}) as Extra;
  return route(svc, [], given, extra);
}

export function routeTaskForFile(svc: Services, args: unknown[]) {
  // Explorer passes (clicked, allSelected).
  const all = Array.isArray(args[1]) ? (args[1] as unknown[]) : [args[0]];
  const picked = all.filter((u): u is vscode.Uri => u instanceof vscode.Uri);
  return route(svc, picked, undefined);
}
