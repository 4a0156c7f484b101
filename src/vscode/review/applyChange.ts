// Applies a proposed change through one WorkspaceEdit, so it lands all at once and one Undo takes it
// back. Refuses, explaining which file and why, when the workspace is untrusted or any file no
// longer reads as it did when the edit was made. Paths were already confined to the workspace by
// the edit engine; they are resolved against the first workspace folder here.
import * as vscode from 'vscode';
import type { ResolvedPlan } from '../../core/edits/editPlan';
import { explainStale, findStale, withoutBom } from './staleCheck';

export type ApplyResult =
  /** `unsaved`: files changed in their editors that VS Code could not save (the person was told). */
  { applied: true; files: string[]; unsaved: string[] } | { applied: false; message: string };

function rootUri(): vscode.Uri | undefined {
  return vscode.workspace.workspaceFolders?.[0]?.uri;
}

/**
 * The text a file has right now: an open document with unsaved edits is what the person sees (and
 * what would be saved), so that; otherwise disk — a clean open document may not have caught up yet
 * with a change made outside VS Code (a checkout, a formatter in a terminal).
 */
async function currentText(root: vscode.Uri, path: string): Promise<string | undefined> {
  const uri = vscode.Uri.joinPath(root, path);
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (open?.isDirty) return open.getText();
  try {
    return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  } catch (err) {
    if (err instanceof vscode.FileSystemError && err.code === 'FileNotFound') return undefined;
    throw err;
  }
}

export async function applyChange(plan: ResolvedPlan): Promise<ApplyResult> {
  if (!vscode.workspace.isTrusted) {
    return {
      applied: false,
      message:
        'Switchyard applies no edits in an untrusted workspace. Trust the workspace (Manage Workspace Trust), then apply again.',
    };
  }
  const root = rootUri();
  if (!root)
    return {
      applied: false,
      message: 'Switchyard needs an open folder to apply a change. Open the folder the change is for.',
    };

  const stale = await findStale(plan.files, (p) => currentText(root, p));
  if (stale.length) return { applied: false, message: explainStale(stale) };

  const edit = new vscode.WorkspaceEdit();
  const touched: string[] = [];
  for (const f of plan.files) {
    const uri = vscode.Uri.joinPath(root, f.path);
    const meta: vscode.WorkspaceEditEntryMetadata = { label: 'Switchyard: apply change', needsConfirmation: false };
    if (f.op === 'create') {
      edit.createFile(uri, { overwrite: false, contents: new TextEncoder().encode(f.after) }, meta);
    } else if (f.op === 'delete') {
      edit.deleteFile(uri, { ignoreIfNotExists: false }, meta);
    } else {
      const doc = await vscode.workspace.openTextDocument(uri);
      const full = new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length));
      edit.replace(uri, full, withoutBom(f.after), meta);
      if (f.op === 'rename' && f.newPath)
        edit.renameFile(uri, vscode.Uri.joinPath(root, f.newPath), { overwrite: false }, meta);
    }
    touched.push(f.op === 'rename' && f.newPath ? f.newPath : f.path);
  }
  const ok = await vscode.workspace.applyEdit(edit, { isRefactoring: false });
  if (!ok) {
    return {
      applied: false,
      message: `VS Code refused the edit to ${touched.join(', ')} (a file may be read-only or changed while applying). Nothing was applied; check the files and apply again.`,
    };
  }
  // Write edited documents through, so the change is on disk like any other save; Undo still
  // works from the editor's history.
  const unsaved: string[] = [];
  for (const f of plan.files) {
    if (f.op !== 'update' && f.op !== 'rename') continue;
    const path = f.op === 'rename' && f.newPath ? f.newPath : f.path;
    const uri = vscode.Uri.joinPath(root, path).toString();
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri);
    // save() also answers false when the document is no longer dirty: auto-save (the web workbench's
    // default) got there first. Only a document still dirty afterwards is really unsaved.
    if (doc?.isDirty && !(await doc.save()) && doc.isDirty) unsaved.push(path);
  }
  if (unsaved.length) {
    // The edit is in the editors (Undo takes it back) but not on disk: say so rather than claim it.
    void vscode.window.showWarningMessage(
      `Switchyard applied the change in the editor, but VS Code could not save ${unsaved.join(', ')} (it may have changed on disk meanwhile). Compare and save, or Undo to take the change back.`,
    );
  }
  return { applied: true, files: touched, unsaved };
}
