// The extension's services, built on first use (see src/extension.ts).
import * as vscode from 'vscode';

export async function runCommand(_context: vscode.ExtensionContext, command: string, _args: unknown[]): Promise<void> {
  void vscode.window.showInformationMessage(`Switchyard: ${command} is not built yet.`);
}

export function deactivate(): void {}
