// Opens the proposed change in VS Code's diff editor: the base each edit was made against on the
// left, the proposed content on the right, both virtual documents (nothing on disk changes).
import * as vscode from 'vscode';
import type { ResolvedPlan } from '../../core/edits/editPlan';
import { displayPath } from '../runs/runDecision';
import { withoutBom } from './staleCheck';
import type { ProposedContent } from './proposedContent';

/** Registers the run's documents; returns the proposed-side URI per file path (as findings name them). */
export function registerDocuments(
  content: ProposedContent,
  runId: string,
  plan: ResolvedPlan,
): Map<string, { base: vscode.Uri; proposed: vscode.Uri }> {
  const out = new Map<string, { base: vscode.Uri; proposed: vscode.Uri }>();
  for (const f of plan.files) {
    const path = displayPath(f);
    const base = content.set(runId, path, 'base', withoutBom(f.before));
    const proposed = content.set(runId, path, 'proposed', f.op === 'delete' ? '' : withoutBom(f.after));
    out.set(path, { base, proposed });
  }
  return out;
}

export async function openDiff(
  content: ProposedContent,
  runId: string,
  plan: ResolvedPlan,
  focusPath?: string,
  line?: number,
  avoidColumn?: vscode.ViewColumn,
): Promise<void> {
  const docs = registerDocuments(content, runId, plan);
  const paths = [...docs.keys()];
  const target = focusPath && docs.has(focusPath) ? focusPath : paths[0];
  if (!target) return;
  const d = docs.get(target)!;
  const f = plan.files.find((x) => displayPath(x) === target)!;
  const what =
    f.op === 'create'
      ? 'new file'
      : f.op === 'delete'
        ? 'deleted'
        : f.op === 'rename'
          ? `renamed from ${f.path}`
          : 'proposed';
  // Never on top of the routing panel: both stay visible side by side.
  const options: vscode.TextDocumentShowOptions = {
    preview: false,
    viewColumn: avoidColumn === vscode.ViewColumn.One ? vscode.ViewColumn.Two : vscode.ViewColumn.One,
  };
  if (line) options.selection = new vscode.Range(line - 1, 0, line - 1, 0);
  await vscode.commands.executeCommand('vscode.diff', d.base, d.proposed, `${target} (${what}) — Switchyard`, options);
}
