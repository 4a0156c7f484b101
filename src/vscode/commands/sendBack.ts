// "Send back to implementer". While the run waits at its gate, the change goes back to the same
// run's implementer — its own session, so it revises its diff with the findings (and the person's
// note) rather than starting over — then through review and the gate again. Once the run has ended
// (applied, rejected, failed), sending back routes the task again as a new run with the findings
// attached to the task.
import * as vscode from 'vscode';
import type { FindingView } from '../../protocol/panelProtocol';
import { startRun } from '../runs/startRun';
import type { Services } from '../services';

function where(f: FindingView): string {
  return `${f.file}:${f.startLine}${f.endLine !== f.startLine ? `-${f.endLine}` : ''}`;
}

function feedback(findings: FindingView[], note: string): string {
  const lines = findings.map(
    (f) =>
      `- ${where(f)} [${f.severity}] ${f.message}${f.suggestion ? `\n  Suggested replacement:\n  ${f.suggestion.split('\n').join('\n  ')}` : ''}`,
  );
  const parts = ['\n\nA reviewer asked for changes to the previous attempt at this task.'];
  if (note) parts.push(`The person's note: ${note}`);
  if (lines.length) parts.push(`Address these findings:\n${lines.join('\n')}`);
  return parts.join(' ');
}

/** The person's note for the implementer; undefined when they dismissed the box. */
async function askNote(findings: FindingView[]): Promise<string | undefined> {
  return vscode.window.showInputBox({
    title: 'Switchyard: send the change back to the implementer',
    prompt: findings.length
      ? `${findings.length} open finding${findings.length === 1 ? '' : 's'} go along. Add a note for the implementer (optional).`
      : 'There are no open findings: say what the implementer should change.',
    placeHolder: 'e.g. keep the public signature; clamp in the caller instead',
    ignoreFocusOut: true,
    validateInput: (v) => (!findings.length && !v.trim() ? 'Say what to change, or press Escape.' : undefined),
  });
}

async function resend(svc: Services, findings: FindingView[], note: string | undefined) {
  const run = svc.runs.current;
  if (!run) throw new Error('There is no run to send back.');
  if (run.decision.isOpen) {
    const text = note ?? (await askNote(findings));
    if (text === undefined) return undefined;
    if (!findings.length && !text.trim()) {
      // Nothing to act on: no open finding and no note (a script passed an empty one).
      void vscode.window.showInformationMessage(
        'Switchyard: say what the implementer should change; there are no open findings to send back.',
      );
      return undefined;
    }
    // The gate may have closed while the box was open (cancelled, or answered elsewhere).
    if (run.decision.sendBack(text.trim(), findings)) return true;
    void vscode.window.showInformationMessage('Switchyard: the run is no longer waiting for a decision.');
    return undefined;
  }
  if (!findings.length && !note) {
    void vscode.window.showInformationMessage(
      'Switchyard: there are no open findings to send back; reject or apply the change instead.',
    );
    return undefined;
  }
  const task = run.model.view.task.replace(/\n\nA reviewer asked for changes[\s\S]*$/, '');
  if (run.live) run.abort.abort('sent back: routed again as a new run');
  // The same editor context as the run it follows: the active editor now is likely the diff.
  return startRun(svc, { task: task + feedback(findings, note ?? ''), editor: run.editor });
}

/** The whole change; args[0] may carry the note (scripts and tests), else the person is asked. */
export async function sendBack(svc: Services, args: unknown[] = []) {
  const open = svc.runs.current?.model.findings.filter((f) => f.status === 'open') ?? [];
  return resend(svc, open, typeof args[0] === 'string' ? args[0] : undefined);
}

/** One finding, from its comment thread: sent without asking for a note. */
export async function sendFindingBack(svc: Services, args: unknown[]) {
  const hit = svc.comments.findingFor(args[0]);
  const f = hit ? svc.runs.current?.model.finding(hit.findingId) : undefined;
  if (!f) {
    void vscode.window.showErrorMessage('Switchyard: that comment is not a finding of the current run.');
    return undefined;
  }
  return resend(svc, [f], `Address the finding at ${where(f)}.`);
}
