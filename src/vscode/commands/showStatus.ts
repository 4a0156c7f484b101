// "Switchyard: Show status" (the status bar click): the policy in force, its problems with the file
// and line, and which stages have a ready model, with the next step for each gap.
import * as vscode from 'vscode';
import { runFailureAction } from '../runs/runHost';
import type { Services } from '../services';
import { PolicyService } from '../config/policyService';

export async function showStatus(svc: Services): Promise<void> {
  const readiness = await svc.refreshStatus();
  if (!svc.policy.valid) {
    const choice = await vscode.window.showErrorMessage(
      `Switchyard: the routing policy is invalid, so the last good policy stays in force. ${svc.policy.problems.join(' · ')}`,
      'Open routing policy',
    );
    if (choice) {
      const uri = PolicyService.fileUri();
      if (uri) {
        const doc = await vscode.workspace.openTextDocument(uri);
        const m = /:(\d+):(\d+):/.exec(svc.policy.problems[0] ?? '');
        const pos = m ? new vscode.Position(Number(m[1]) - 1, Number(m[2]) - 1) : new vscode.Position(0, 0);
        await vscode.window.showTextDocument(doc, { selection: new vscode.Range(pos, pos) });
      }
    }
    return;
  }
  const missing = readiness.configuredStages.filter((s) => !readiness.readyStages.includes(s));
  const notes = svc.policy.notes.length ? ` ${svc.policy.notes.join(' ')}` : '';
  const msg = missing.length
    ? `Switchyard: no ready model for ${missing.join(', ')}. ${[...new Set(missing.flatMap((s) => svc.policy.policy.stages[s].map((id) => readiness.reasons.get(id)).filter(Boolean)))].join('; ')}.${notes}`
    : `Switchyard: policy from ${svc.policy.sources.join(' + ')}; every configured stage has a ready model.${notes}`;
  const choice = await vscode.window.showInformationMessage(msg, 'Set API key', 'Open routing policy');
  await runFailureAction(choice);
}
