// "Send back to implementer": declines the current change and routes the task again with the
// reviewer's open findings (or the one finding a thread action names) attached, so the next
// implementer pass addresses them. The new run is a fresh run of the pipeline: its implementer
// sees the findings and the files, not the previous conversation.
import * as vscode from 'vscode';
import type { FindingView } from '../../protocol/panelProtocol';
import { rejectCurrent } from '../runs/runActions';
import { gatherContext } from '../runs/gatherContext';
import { startRun } from '../runs/startRun';
import type { Services } from '../services';

function feedback(findings: FindingView[]): string {
  const lines = findings.map((f) => {
    const where = `${f.file}:${f.startLine}${f.endLine !== f.startLine ? `-${f.endLine}` : ''}`;
    return `- ${where} [${f.severity}] ${f.message}${f.suggestion ? `\n  Suggested replacement:\n  ${f.suggestion.split('\n').join('\n  ')}` : ''}`;
  });
  return `\n\nA reviewer asked for changes to the previous attempt at this task. Address these findings:\n${lines.join('\n')}`;
}

async function resend(svc: Services, findings: FindingView[]) {
  const run = svc.runs.current;
  if (!run) throw new Error('There is no run to send back.');
  if (!findings.length) {
    void vscode.window.showInformationMessage(
      'Switchyard: there are no open findings to send back; reject or apply the change instead.',
    );
    return undefined;
  }
  for (const f of findings) {
    f.status = 'sent-back';
    svc.comments.settle(f.id, 'sent-back');
  }
  const task = run.model.view.task.replace(/\n\nA reviewer asked for changes[\s\S]*$/, '');
  if (!rejectCurrent(svc)) run.abort.abort();
  return startRun(svc, { task: task + feedback(findings), editor: gatherContext() });
}

export async function sendBack(svc: Services) {
  const open = svc.runs.current?.model.view.review?.findings.filter((f) => f.status === 'open') ?? [];
  return resend(svc, open);
}

export async function sendFindingBack(svc: Services, args: unknown[]) {
  const hit = svc.comments.findingFor(args[0]);
  const f = hit ? svc.runs.current?.model.finding(hit.findingId) : undefined;
  if (!f) {
    void vscode.window.showErrorMessage('Switchyard: that comment is not a finding of the current run.');
    return undefined;
  }
  return resend(svc, [f]);
}
