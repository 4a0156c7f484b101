// Where the extension's run ledger lives: the switchyard.ledgerPath setting, else the default the CLI
// uses too (defaultLedgerPath: $SWITCHYARD_LEDGER, else the XDG state folder), so `switchyard stats`
// sees the editor's runs and the Scorecard sees the CLI's. Runs an earlier version kept in the
// extension's own storage are moved there once, so nobody loses their history.
import * as vscode from 'vscode';
import { SETTINGS_SECTION, SettingKeys } from '../../core/config/settingsKeys';
import { ledgerPathFor, migrateLedger } from '../../core/ledger/ledgerFile';

export function ledgerLocation(): string {
  const configured = vscode.workspace.getConfiguration(SETTINGS_SECTION).get<string>(SettingKeys.ledgerPath, '').trim();
  return ledgerPathFor(configured || undefined, process.env, process.cwd());
}

let moved: Promise<void> | undefined;

/** The ledger to read or append to, after moving the runs of the old storage ledger into it (once). */
export async function ledgerFile(context: vscode.ExtensionContext): Promise<string> {
  const file = ledgerLocation();
  moved ??= migrateLedger(vscode.Uri.joinPath(context.globalStorageUri, 'runs.jsonl').fsPath, file).then(
    (n) => {
      if (n) void vscode.window.setStatusBarMessage(`Switchyard: moved ${n} earlier run(s) into ${file}`, 8000);
    },
    (err: Error) => {
      moved = undefined;
      void vscode.window.showWarningMessage(
        `Switchyard could not move the earlier runs into the shared ledger ${file}: ${err.message}. They stay where they were; check the folder is writable.`,
      );
    },
  );
  await moved;
  return file;
}
