// Thin command wrappers over runs/runActions.ts for the sidebar, diff title bar and comment thread
// menus. Each reports failures as a message naming what to do next.
import * as vscode from 'vscode';
import { applyCurrent, applySuggestion, cancelRun, dismissFinding, rejectCurrent, showDiff } from '../runs/runActions';
import type { Services } from '../services';

async function report<T>(work: () => Promise<T> | T): Promise<T | undefined> {
  try {
    return await work();
  } catch (err) {
    void vscode.window.showErrorMessage(`Switchyard: ${err instanceof Error ? err.message : String(err)}`);
    return undefined;
  }
}

function findingId(svc: Services, args: unknown[]): string {
  const hit = svc.comments.findingFor(args[0]);
  if (!hit) throw new Error('That comment is not a finding of the current run.');
  return hit.findingId;
}

export const openPanel = (svc: Services) => svc.panel.show();
export const cancel = (svc: Services) => report(() => cancelRun(svc));
export const openDiffCommand = (svc: Services) => report(() => showDiff(svc));
export const applyCommand = (svc: Services) => report(() => applyCurrent(svc));
export const rejectCommand = (svc: Services) => report(() => rejectCurrent(svc));
export const applySuggestionCommand = (svc: Services, args: unknown[]) =>
  report(() => {
    const msg = applySuggestion(svc, findingId(svc, args));
    void vscode.window.setStatusBarMessage(`Switchyard: ${msg}`, 4000);
    return msg;
  });
export const dismissCommand = (svc: Services, args: unknown[]) =>
  report(() => dismissFinding(svc, findingId(svc, args)));
