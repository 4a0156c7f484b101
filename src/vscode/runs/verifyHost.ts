// What the extension supplies to the verify stage, for a routed run and a routing review alike:
// approvals remembered in workspaceState (hashes only), the modal that shows the exact command and
// how it will run, and the user's own opt-in to the unsandboxed mode. That opt-in is read from the
// user's settings only: a workspace's .vscode/settings.json must not be able to switch the sandbox off.
import * as vscode from 'vscode';
import { SETTINGS_SECTION, SettingKeys } from '../../core/config/settingsKeys';
import type { IsolationChoice } from '../../core/sandbox/chooseIsolation';
import { mementoApprovalStore } from '../../core/verify/mementoApprovalStore';
import { describeRun, type ApprovalStore, type AskApproval } from '../../core/verify/verifyApproval';

export function verifyApprovals(state: vscode.Memento): ApprovalStore {
  return mementoApprovalStore(state);
}

/** A modal naming the exact command; `what` says when it runs ("on each proposed change"). */
export function askVerifyApproval(what: string): AskApproval {
  return async (command, details) =>
    (await vscode.window.showWarningMessage(
      `The routing policy asks Switchyard to run a command ${what}. Run it?`,
      { modal: true, detail: `${command}\n\n${describeRun(details)}` },
      'Run it',
    )) === 'Run it';
}

export function verifyIsolation(): IsolationChoice {
  const setting = vscode.workspace
    .getConfiguration(SETTINGS_SECTION)
    .inspect<boolean>(SettingKeys.verifyAllowUnsandboxed);
  return { allowUnsandboxed: setting?.globalValue === true };
}
