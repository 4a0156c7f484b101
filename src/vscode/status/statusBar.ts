// Fills in the status bar item extension.ts created: the policy in force (its sources), how many
// of the configured stages have a ready provider, and a warning when the policy file is invalid
// (the click shows the precise problems). Untrusted workspaces say that only user settings apply.
import * as vscode from 'vscode';
import { Commands } from '../commandIds';
import type { PolicyService } from '../config/policyService';
import type { Readiness } from '../secrets/readiness';

export function renderStatus(
  item: vscode.StatusBarItem,
  policy: PolicyService,
  readiness: Readiness | undefined,
): void {
  const ready = readiness
    ? `${readiness.readyStages.length}/${readiness.configuredStages.length} stages ready`
    : 'checking providers…';
  const tip = new vscode.MarkdownString(undefined, true);
  tip.isTrusted = false;
  tip.appendMarkdown('**Switchyard**\n\n');
  tip.appendText(`Policy: ${policy.sources.join(' + ') || 'built-in defaults'}\n`);
  if (!policy.trusted)
    tip.appendText('\nUntrusted workspace: the workspace routing file is ignored and no edit is applied.\n');
  if (readiness) {
    for (const stage of readiness.configuredStages) {
      tip.appendText(`\n${stage}: ${readiness.readyStages.includes(stage) ? 'ready' : 'no ready model'}`);
    }
  }
  if (!policy.valid) {
    item.text = '$(warning) Switchyard: policy invalid';
    item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
    tip.appendText(
      `\n\nThe routing policy has problems; the last good policy stays in force:\n${policy.problems.join('\n')}`,
    );
  } else {
    item.text = `$(git-compare) Switchyard${policy.trusted ? '' : ' (restricted)'}: ${ready}`;
    item.backgroundColor = undefined;
  }
  item.tooltip = tip;
  item.command = Commands.showStatus;
  item.accessibilityInformation = { label: item.text.replace(/\$\([^)]+\)\s*/g, '') };
}
