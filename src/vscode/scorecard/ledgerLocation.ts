// Where the extension's run ledger lives: the switchyard.ledgerPath setting, else runs.jsonl in the
// extension's global storage — the same rule startRun uses when it appends a record.
import * as vscode from 'vscode';
import { SETTINGS_SECTION, SettingKeys } from '../../core/config/settingsKeys';

export function ledgerLocation(context: vscode.ExtensionContext): string {
  const configured = vscode.workspace.getConfiguration(SETTINGS_SECTION).get<string>(SettingKeys.ledgerPath, '').trim();
  return configured || vscode.Uri.joinPath(context.globalStorageUri, 'runs.jsonl').fsPath;
}
