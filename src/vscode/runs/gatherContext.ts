// What the editor knows about a task, gathered when it is routed: the files in play (the active
// file, or the files picked in the explorer), the selection, and the open diagnostics of those
// files. All of it is data for the classifier and the roles, never instructions.
import * as vscode from 'vscode';
import type { TaskContext } from '../../core/routing/classificationSchema';

export interface EditorContext {
  context: TaskContext;
  /** The selected text, if any (capped), with where it is. */
  selection?: { path: string; startLine: number; endLine: number; text: string };
  activePath?: string;
}

const SELECTION_CAP = 20_000;
const DIAGNOSTICS_CAP = 50;

function rel(uri: vscode.Uri): string | undefined {
  if (uri.scheme !== 'file' && uri.scheme !== 'vscode-remote') return undefined;
  const folder = vscode.workspace.getWorkspaceFolder(uri);
  return folder ? vscode.workspace.asRelativePath(uri, false) : undefined;
}

const SEVERITY: Record<vscode.DiagnosticSeverity, 'error' | 'warning' | 'info' | 'hint'> = {
  [vscode.DiagnosticSeverity.Error]: 'error',
  [vscode.DiagnosticSeverity.Warning]: 'warning',
  [vscode.DiagnosticSeverity.Information]: 'info',
  [vscode.DiagnosticSeverity.Hint]: 'hint',
};

/** `picked` are explorer resources the command was invoked on (none from the palette). */
export function gatherContext(picked: vscode.Uri[] = []): EditorContext {
  const editor = vscode.window.activeTextEditor;
  const files = new Set<string>();
  const uris: vscode.Uri[] = [];
  for (const u of picked) {
    const p = rel(u);
    if (p && !files.has(p)) {
      files.add(p);
      uris.push(u);
    }
  }
  let selection: EditorContext['selection'];
  let activePath: string | undefined;
  if (editor) {
    activePath = rel(editor.document.uri);
    if (activePath && !files.has(activePath) && picked.length === 0) {
      files.add(activePath);
      uris.push(editor.document.uri);
    }
    if (activePath && !editor.selection.isEmpty) {
      const text = editor.document.getText(editor.selection);
      selection = {
        path: activePath,
        startLine: editor.selection.start.line + 1,
        endLine: editor.selection.end.line + 1,
        text: text.length > SELECTION_CAP ? text.slice(0, SELECTION_CAP) : text,
      };
    }
  }
  const diagnostics: NonNullable<TaskContext['diagnostics']> = [];
  for (const u of uris) {
    for (const d of vscode.languages.getDiagnostics(u)) {
      if (diagnostics.length >= DIAGNOSTICS_CAP) break;
      if (d.severity > vscode.DiagnosticSeverity.Warning) continue;
      diagnostics.push({
        file: `${rel(u)}:${d.range.start.line + 1}`,
        severity: SEVERITY[d.severity],
        message: d.message.slice(0, 500),
      });
    }
  }
  return {
    context: {
      filePaths: [...files],
      selectionLines: selection ? selection.endLine - selection.startLine + 1 : undefined,
      diagnostics,
    },
    selection,
    activePath,
  };
}
