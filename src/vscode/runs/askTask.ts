// Asks for the task: a quick pick that takes free text and offers the recent tasks (kept in
// globalState, as many as `switchyard.recentTasks`, default 10).
import * as vscode from 'vscode';
import { SETTINGS_SECTION, SettingKeys, StorageKeys } from '../../core/config/settingsKeys';

const RECENT_KEY = StorageKeys.recentTasks;

export function recentTasks(state: vscode.Memento): string[] {
  return state.get<string[]>(RECENT_KEY, []);
}

export async function rememberTask(state: vscode.Memento, task: string): Promise<void> {
  const max = vscode.workspace.getConfiguration(SETTINGS_SECTION).get<number>(SettingKeys.recentTasks, 10);
  await state.update(RECENT_KEY, [task, ...recentTasks(state).filter((t) => t !== task)].slice(0, Math.max(0, max)));
}

type TaskItem = vscode.QuickPickItem & { task: string };

export function askTask(state: vscode.Memento, hint?: string): Promise<string | undefined> {
  const qp = vscode.window.createQuickPick<TaskItem>();
  qp.title = 'Switchyard: Route this task';
  qp.placeholder = hint ? `What should be done? (${hint})` : 'What should be done? Type the task, or pick a recent one';
  qp.ignoreFocusOut = true;
  qp.matchOnDetail = true;
  const recent: TaskItem[] = recentTasks(state).map((t) => ({
    label: t.split('\n')[0]!,
    detail: t.includes('\n') ? t : undefined,
    description: 'recent',
    task: t,
  }));
  qp.items = recent;
  // The typed text is always the first item, so Enter routes what was typed unless the person
  // arrows down to a recent task. The list is rebuilt here, in the extension host, after the typed
  // text arrives, so a paste followed at once by Enter reaches us with the old list's highlighted
  // item selected. What the person picked counts only once they have seen the list built for what
  // they typed (the workbench then highlights its first row, the typed task); otherwise the typed
  // text is the task.
  let shownFor = '';
  qp.onDidChangeValue((value) => {
    qp.items = value.trim() ? [{ label: value, description: 'new task', task: value }, ...recent] : recent;
  });
  qp.onDidChangeActive((active) => {
    const first = active[0];
    if (first && first.description === 'new task' && first.task === qp.value) shownFor = qp.value;
  });
  return new Promise((resolve) => {
    let done = false;
    const finish = (v: string | undefined) => {
      if (done) return;
      done = true;
      qp.dispose();
      resolve(v?.trim() ? v.trim() : undefined);
    };
    qp.onDidAccept(() => {
      const typed = qp.value;
      const picked = qp.selectedItems[0] ?? qp.activeItems[0];
      if (typed.trim() && shownFor !== typed) return finish(typed);
      finish(picked ? picked.task : typed);
    });
    qp.onDidHide(() => finish(undefined));
    qp.show();
  });
}
