// "Switchyard: Open routing policy": opens `.switchyard/routing.json`, creating it from the
// commented template first if the workspace has none. VS Code validates it against the schema
// contributed in package.json (jsonValidation).
import * as vscode from 'vscode';
import { POLICY_TEMPLATE } from '../../core/config/policyTemplate';
import { PolicyService } from '../config/policyService';
import type { Services } from '../services';

export async function openPolicy(_svc: Services): Promise<vscode.Uri | undefined> {
  const uri = PolicyService.fileUri();
  if (!uri) {
    void vscode.window.showErrorMessage(
      'Switchyard: open a folder first; the routing policy lives in its .switchyard/routing.json.',
    );
    return undefined;
  }
  let exists = true;
  try {
    await vscode.workspace.fs.stat(uri);
  } catch {
    exists = false;
  }
  if (!exists) {
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showWarningMessage(
        'Switchyard: this workspace is not trusted, so a routing policy here would be ignored. Trust the workspace first.',
      );
      return undefined;
    }
    await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(uri, '..'));
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(POLICY_TEMPLATE));
  }
  const doc = await vscode.workspace.openTextDocument(uri);
  // JSON with comments: make sure VS Code does not flag the template's comments as errors.
  if (doc.languageId !== 'jsonc') await vscode.languages.setTextDocumentLanguage(doc, 'jsonc');
  await vscode.window.showTextDocument(doc);
  return uri;
}
