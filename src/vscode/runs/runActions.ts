// What a person can do to the current run, from any surface (panel buttons, sidebar and diff
// title actions, comment thread actions, the notification): cancel, open the diff, jump to a
// finding, apply (behind the human gate), reject, and settle single findings. One function each.
import * as vscode from 'vscode';
import { Commands } from '../commandIds';
import type { PanelRequestHandlers } from '../panel/routingPanel';
import { openDiff, registerDocuments } from '../review/diffPreview';
import type { Services } from '../services';
import { displayPath, type ApplyReport } from './runDecision';
import type { ActiveRun } from './runRegistry';

function requireRun(svc: Services): ActiveRun {
  const run = svc.runs.current;
  if (!run) throw new Error('There is no Switchyard run in this window. Run "Switchyard: Route this task" first.');
  return run;
}

export function cancelRun(svc: Services): boolean {
  const run = svc.runs.current;
  if (!run?.live) return false;
  run.abort.abort();
  run.decision.cancel();
  return true;
}

/**
 * Shows the diff and the reviewer's threads on it. `automatic`: opened by the gate, not asked for,
 * so a decided run's tabs stay closed; a person's own "Open diff" may look at a decided change.
 */
export async function showDiff(
  svc: Services,
  { focusPath, line, automatic = false }: { focusPath?: string; line?: number; automatic?: boolean } = {},
): Promise<void> {
  const run = requireRun(svc);
  const plan = run.decision.plan;
  if (!plan) {
    throw new Error(
      run.live
        ? 'The implementer has not produced a change yet; wait for the Implementer stage to finish.'
        : 'This run produced no change to look at.',
    );
  }
  registerDocuments(svc.content, run.runId, plan);
  if (!automatic) svc.content.reopen(run.runId);
  if (run.decision.isOpen && svc.comments.count === 0) svc.comments.show(run.runId, run.model.view.reviews);
  await openDiff(svc.content, run.runId, plan, focusPath, line, svc.panel.viewColumn);
}

export async function revealFinding(svc: Services, findingId: string): Promise<boolean> {
  const run = requireRun(svc);
  const f = run.model.finding(findingId);
  if (!f) return false;
  await showDiff(svc, { focusPath: f.file, line: f.startLine });
  const thread = svc.comments.thread(findingId);
  if (thread) thread.collapsibleState = vscode.CommentThreadCollapsibleState.Expanded;
  return true;
}

/**
 * The human gate: a modal confirmation that lists why it is asking. The safe choice comes first, so
 * Enter (the dialog's default button) keeps the change unapplied.
 */
export async function confirmGate(reasons: string[], what: string): Promise<boolean> {
  const keep: vscode.MessageItem = { title: 'Keep reviewing' };
  const apply: vscode.MessageItem = { title: 'Apply change' };
  const choice = await vscode.window.showWarningMessage(
    `Switchyard needs your confirmation to ${what}.`,
    { modal: true, detail: `Reasons:\n${[...new Set(reasons)].map((r) => `• ${r}`).join('\n')}` },
    keep,
    apply,
  );
  return choice === apply;
}

export async function applyCurrent(svc: Services): Promise<ApplyReport> {
  const run = requireRun(svc);
  const decision = run.decision;
  if (!decision.isOpen) {
    const message =
      run.model.view.state === 'applied'
        ? 'This change is already applied.'
        : decision.isAnswered
          ? 'This change was already decided.'
          : decision.plan
            ? 'The run is not waiting for a decision on this change any more.'
            : run.live
              ? 'The implementer has not produced a change yet; wait for the Implementer stage to finish.'
              : 'This run produced no change to apply.';
    return { applied: false, message };
  }
  if (!vscode.workspace.isTrusted) {
    // Refuse before the gate is answered, so the run keeps waiting: trusting the workspace and
    // pressing Apply again still works.
    const message =
      'Switchyard applies no edits in an untrusted workspace. Trust the workspace (Manage Workspace Trust), then apply again.';
    void vscode.window.showWarningMessage(message);
    return { applied: false, message };
  }
  const reasons = run.model.humanGateReasons();
  const files = decision.plan!.files.map(displayPath).join(', ');
  if (reasons.length && !(await confirmGate(reasons, `apply the change to ${files}`))) {
    return { applied: false, message: 'Not applied: you did not confirm. The change is still waiting for you.' };
  }
  // The gate's answer carries the plan as it stands (with any suggestions applied); the pipeline
  // writes it through its apply callback (one WorkspaceEdit, see startRun.ts), which reports back.
  return decision.apply();
}

export function rejectCurrent(svc: Services, reason = 'you rejected the change'): boolean {
  return svc.runs.current?.decision.reject(reason) ?? false;
}

/** Applies a finding's suggested replacement to the proposed change (written to disk only on Apply). */
export function applySuggestion(svc: Services, findingId: string): string {
  const run = requireRun(svc);
  const f = run.model.finding(findingId);
  if (!f) throw new Error(`No finding ${findingId} in the current run.`);
  run.decision.applySuggestion(f);
  return `Suggestion applied to the proposed ${f.file}; Apply writes it.`;
}

export function dismissFinding(svc: Services, findingId: string): void {
  const run = requireRun(svc);
  const f = run.model.finding(findingId);
  if (f) run.decision.dismiss(f);
}

/**
 * A link in a model's answer, clicked in the panel: only web and mail links, opened by VS Code, which
 * asks before it opens a site the person has not trusted. Anything else (command:, file:, javascript:)
 * is refused.
 */
export async function openLink(href: string): Promise<boolean> {
  let uri: vscode.Uri;
  try {
    uri = vscode.Uri.parse(href, true);
  } catch {
    return false;
  }
  if (!['http', 'https', 'mailto'].includes(uri.scheme)) return false;
  return vscode.env.openExternal(uri);
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
      const sent = Boolean(await vscode.commands.executeCommand(Commands.sendBack));
      return { sent, message: sent ? (svc.runs.current?.model.view.message ?? '') : '' };
    },
    'keys/set': async () => ({ stored: Boolean(await vscode.commands.executeCommand(Commands.setApiKey)) }),
    'link/open': async ({ href }) => ({ opened: await openLink(href) }),
    'run/reroute': async () => ({
      started: Boolean(await vscode.commands.executeCommand(Commands.rerouteAs)),
    }),
    'stage/rerun': async ({ stage }) => ({
      started: Boolean(await vscode.commands.executeCommand(Commands.rerunStage, stage)),
    }),
  };
}
