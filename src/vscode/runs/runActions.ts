// What a person can do to the current run, from any surface (panel buttons, sidebar and diff
// title actions, comment thread actions, the notification): cancel, open the diff, jump to a
// finding, apply (behind the human gate), reject, and settle single findings. One function each.
import * as vscode from 'vscode';
import type { PanelRequestHandlers } from '../panel/routingPanel';
import { applyChange } from '../review/applyChange';
import { displayPath, openDiff, registerDocuments } from '../review/diffPreview';
import type { Services } from '../services';
import type { ActiveRun } from './runRegistry';

function requireRun(svc: Services): ActiveRun {
  const run = svc.runs.current;
  if (!run) throw new Error('There is no Switchyard run in this window. Run "Switchyard: Route this task" first.');
  return run;
}

function requireChange(run: ActiveRun) {
  if (!run.resolved) {
    throw new Error(
      run.live
        ? 'The implementer has not produced a change yet; wait for the Implementer stage to finish.'
        : 'This run produced no change to apply.',
    );
  }
  return run.resolved;
}

export function cancelRun(svc: Services): boolean {
  const run = svc.runs.current;
  if (!run?.live) return false;
  run.abort.abort();
  run.pendingDecision?.resolve(false);
  return true;
}

/** Shows the diff and the reviewer's threads on it. */
export async function showDiff(svc: Services, focusPath?: string, line?: number): Promise<void> {
  const run = requireRun(svc);
  const plan = requireChange(run);
  registerDocuments(svc.content, run.runId, plan);
  if (run.model.view.review && svc.comments.count === 0) svc.comments.show(run.runId, run.model.view.review);
  await openDiff(svc.content, run.runId, plan, focusPath, line, svc.panel.viewColumn);
}

export async function revealFinding(svc: Services, findingId: string): Promise<boolean> {
  const run = requireRun(svc);
  const f = run.model.finding(findingId);
  if (!f) return false;
  await showDiff(svc, f.file, f.startLine);
  const thread = svc.comments.thread(findingId);
  if (thread) thread.collapsibleState = vscode.CommentThreadCollapsibleState.Expanded;
  return true;
}

/** The human gate: a modal confirmation that lists why it is asking. */
export async function confirmGate(reasons: string[], what: string): Promise<boolean> {
  const choice = await vscode.window.showWarningMessage(
    `Switchyard needs your confirmation to ${what}.`,
    { modal: true, detail: `Reasons:\n${reasons.map((r) => `• ${r}`).join('\n')}` },
    'Apply change',
  );
  return choice === 'Apply change';
}

export async function applyCurrent(svc: Services): Promise<{ applied: boolean; message: string }> {
  const run = requireRun(svc);
  const plan = requireChange(run);
  if (run.model.view.state === 'applied') return { applied: false, message: 'This change is already applied.' };
  if (!vscode.workspace.isTrusted) {
    // Refuse before the gate is answered, so the run keeps waiting: trusting the workspace and
    // pressing Apply again still works.
    const message =
      'Switchyard applies no edits in an untrusted workspace. Trust the workspace (Manage Workspace Trust), then apply again.';
    void vscode.window.showWarningMessage(message);
    return { applied: false, message };
  }
  const reasons = run.model.humanGateReasons();
  if (
    reasons.length &&
    !(await confirmGate(reasons, `apply the change to ${plan.files.map(displayPath).join(', ')}`))
  ) {
    return { applied: false, message: 'Not applied: you did not confirm.' };
  }
  if (run.pendingDecision) {
    // The pipeline is waiting at its gate: approving lets it write through its apply callback
    // (one WorkspaceEdit, see startRun.ts); we wait for that to report back.
    const done = new Promise<{ applied: boolean; message: string }>((resolve) => (run.applyWaiter = resolve));
    run.decided = true;
    run.pendingDecision.resolve(true);
    return done;
  }
  const result = await applyChange(plan);
  if (!result.applied) {
    void vscode.window.showErrorMessage(result.message);
    return { applied: false, message: result.message };
  }
  run.model.view.state = 'applied';
  run.model.view.message = `Applied to ${result.files.join(', ')}. Undo (Ctrl+Z in the file) takes it back.`;
  svc.comments.clear();
  svc.runs.touch(run);
  return { applied: true, message: run.model.view.message };
}

export function rejectCurrent(svc: Services): boolean {
  const run = svc.runs.current;
  if (!run?.resolved || run.model.view.state === 'applied') return false;
  run.model.view.state = 'rejected';
  run.model.view.message = 'You rejected this change; nothing was written.';
  if (run.pendingDecision) run.decided = true;
  run.pendingDecision?.resolve(false);
  svc.comments.clear();
  svc.runs.touch(run);
  return true;
}

/** Applies a finding's suggested replacement to the proposed content (not to disk). */
export function applySuggestion(svc: Services, findingId: string): string {
  const run = requireRun(svc);
  const plan = requireChange(run);
  const f = run.model.finding(findingId);
  if (!f) throw new Error(`No finding ${findingId} in the current run.`);
  if (f.suggestion === undefined)
    throw new Error(
      `The reviewer gave no replacement for ${f.file}:${f.startLine}; send it back to the implementer instead.`,
    );
  const file = plan.files.find((x) => displayPath(x) === f.file);
  if (!file) throw new Error(`The finding names ${f.file}, which is not part of this change.`);
  const eol = file.after.includes('\r\n') ? '\r\n' : '\n';
  const lines = file.after.split(eol);
  if (f.endLine > lines.length)
    throw new Error(
      `The finding points at ${f.file}:${f.startLine}-${f.endLine}, past the end of the proposed file (${lines.length} lines).`,
    );
  lines.splice(f.startLine - 1, f.endLine - f.startLine + 1, ...f.suggestion.replace(/\r?\n$/, '').split(/\r?\n/));
  file.after = lines.join(eol);
  registerDocuments(svc.content, run.runId, plan);
  f.status = 'applied';
  svc.comments.settle(findingId, 'applied');
  svc.runs.touch(run);
  return `Suggestion applied to the proposed ${f.file}.`;
}

export function dismissFinding(svc: Services, findingId: string): void {
  const run = requireRun(svc);
  const f = run.model.finding(findingId);
  if (!f) return;
  f.status = 'dismissed';
  svc.comments.settle(findingId, 'dismissed');
  svc.runs.touch(run);
}

export function panelHandlers(svc: Services): PanelRequestHandlers {
  return {
    'run/cancel': async () => ({ cancelled: cancelRun(svc) }),
    'diff/open': async () => {
      await showDiff(svc);
      return { opened: true };
    },
    'finding/reveal': async ({ findingId }) => ({ revealed: await revealFinding(svc, findingId) }),
    'change/apply': async () => applyCurrent(svc),
    'change/reject': async () => ({ rejected: rejectCurrent(svc) }),
    'change/sendBack': async () => {
      // The command asks for the person's note; the revised change comes back to the gate.
      const sent = Boolean(await vscode.commands.executeCommand('switchyard.sendBack'));
      return { sent, message: sent ? (svc.runs.current?.model.view.message ?? '') : '' };
    },
    'keys/set': async () => ({ stored: Boolean(await vscode.commands.executeCommand('switchyard.setApiKey')) }),
    'stage/rerun': async ({ stage }) => ({
      started: Boolean(await vscode.commands.executeCommand('switchyard.rerunStage', stage)),
    }),
  };
}
