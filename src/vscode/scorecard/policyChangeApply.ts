// Accepting a suggested routing change: the edit to .switchyard/routing.json is shown as a diff
// (current file ↔ proposed text, from a read-only virtual document) and written only after the
// person confirms, through a WorkspaceEdit so it lands in the editor's undo history.
import * as vscode from 'vscode';
import { editStageChain, type PolicyTextEdit } from '../../core/bench/policyEdit';
import type { PolicySuggestion } from '../../core/bench/suggestPolicyChange';
import { WORKSPACE_POLICY_PATH } from '../../core/config/settingsKeys';

export const PROPOSED_POLICY_SCHEME = 'switchyard-proposed-policy';

class ProposedPolicyContent implements vscode.TextDocumentContentProvider {
  private readonly texts = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  set(uri: vscode.Uri, text: string): void {
    this.texts.set(uri.toString(), text);
    this.changed.fire(uri);
  }
  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? '';
  }
}

let content: ProposedPolicyContent | undefined;

function proposedContent(context: vscode.ExtensionContext): ProposedPolicyContent {
  if (!content) {
    const c = new ProposedPolicyContent();
    content = c;
    context.subscriptions.push(vscode.workspace.registerTextDocumentContentProvider(PROPOSED_POLICY_SCHEME, c), {
      dispose: () => (content = undefined),
    });
  }
  return content;
}

export interface AcceptOptions {
  /** Skips the confirmation (tests); the diff is still opened. */
  confirm?: (question: string) => Thenable<boolean>;
}

/** The policy file's text as the person sees it, and whether the file exists on disk. */
async function currentText(fileUri: vscode.Uri): Promise<{ before: string | undefined; exists: boolean }> {
  let before: string | undefined;
  let exists = true;
  try {
    before = new TextDecoder().decode(await vscode.workspace.fs.readFile(fileUri));
  } catch {
    exists = false;
  }
  // An open document with unsaved edits is what the person sees: the change applies to that text.
  // Otherwise the file on disk is the truth (an open, unmodified document may not have caught up yet).
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === fileUri.toString());
  if (open?.isDirty) before = open.getText();
  return { before, exists };
}

/** Opens routing.json (or an empty document, if there is none) beside the proposed text. */
async function showProposal(
  context: vscode.ExtensionContext,
  fileUri: vscode.Uri,
  exists: boolean,
  suggestion: PolicySuggestion,
  after: string,
): Promise<void> {
  const proposedUri = vscode.Uri.from({
    scheme: PROPOSED_POLICY_SCHEME,
    path: `/${WORKSPACE_POLICY_PATH}`,
    query: `t=${Date.now()}`,
  });
  proposedContent(context).set(proposedUri, after);
  const left = exists ? fileUri : vscode.Uri.from({ scheme: PROPOSED_POLICY_SCHEME, path: '/empty.json' });
  await vscode.commands.executeCommand(
    'vscode.diff',
    left,
    proposedUri,
    `routing.json ↔ proposed (${suggestion.candidate} first for ${suggestion.stage})`,
    { preview: true },
  );
}

async function confirmed(
  suggestion: PolicySuggestion,
  how: PolicyTextEdit['how'],
  opts: AcceptOptions,
): Promise<boolean> {
  const question = `Apply this change to ${WORKSPACE_POLICY_PATH}? stages.${suggestion.stage}: ${JSON.stringify(suggestion.fromChain)} → ${JSON.stringify(suggestion.toChain)}`;
  if (opts.confirm) return opts.confirm(question);
  const detail =
    how === 'in-place'
      ? 'Only that array changes; comments and layout stay.'
      : 'The file is rewritten as plain JSON (comments are not kept); the diff shows everything that changes.';
  // The safe choice first, so Enter (the dialog's default button) keeps routing.json as it is.
  const keep: vscode.MessageItem = { title: 'Keep as is' };
  const apply: vscode.MessageItem = { title: 'Apply' };
  return (await vscode.window.showWarningMessage(question, { modal: true, detail }, keep, apply)) === apply;
}

/** Writes the new text, undoably; returns why it could not, or undefined when it did. */
async function writePolicy(
  fileUri: vscode.Uri,
  exists: boolean,
  before: string | undefined,
  after: string,
): Promise<string | undefined> {
  if (!exists) {
    const we = new vscode.WorkspaceEdit();
    we.createFile(fileUri, { ignoreIfExists: false, contents: new TextEncoder().encode(after) });
    return (await vscode.workspace.applyEdit(we))
      ? undefined
      : `VS Code refused to create ${WORKSPACE_POLICY_PATH}; nothing was changed.`;
  }
  const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === fileUri.toString());
  const current = doc?.isDirty ? doc.getText() : new TextDecoder().decode(await vscode.workspace.fs.readFile(fileUri));
  if (current !== before)
    return `${WORKSPACE_POLICY_PATH} changed while the diff was open; accept again to see the new diff.`;
  if (doc?.isDirty) {
    // Unsaved edits in the editor: the change goes on top of them there, and the file is saved.
    const we = new vscode.WorkspaceEdit();
    we.replace(fileUri, new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length)), after);
    if (!(await vscode.workspace.applyEdit(we)))
      return `VS Code refused the edit to ${WORKSPACE_POLICY_PATH}; nothing was changed.`;
    if (!(await doc.save()) || doc.isDirty)
      return `the change to ${WORKSPACE_POLICY_PATH} is in the editor but could not be saved; save the file, or undo there.`;
    return undefined;
  }
  // The file itself: an open editor reloads it as an undoable edit. (An edit through a document that
  // has not caught up with the disk yet would conflict on save.)
  await vscode.workspace.fs.writeFile(fileUri, new TextEncoder().encode(after));
  return undefined;
}

/** Shows the diff, asks, applies. Resolves to a message for the panel, or undefined when declined. */
export async function acceptPolicySuggestion(
  context: vscode.ExtensionContext,
  folder: vscode.WorkspaceFolder,
  suggestion: PolicySuggestion,
  opts: AcceptOptions = {},
): Promise<string | undefined> {
  const fileUri = vscode.Uri.joinPath(folder.uri, WORKSPACE_POLICY_PATH);
  const { before, exists } = await currentText(fileUri);
  let edit: PolicyTextEdit;
  try {
    edit = editStageChain(before, suggestion.stage, suggestion.toChain);
  } catch (err) {
    void vscode.window.showErrorMessage(
      `Switchyard: could not prepare the change to ${WORKSPACE_POLICY_PATH}: ${(err as Error).message}. Fix the file and accept again.`,
    );
    return undefined;
  }
  await showProposal(context, fileUri, exists, suggestion, edit.after);
  if (!(await confirmed(suggestion, edit.how, opts))) return undefined;
  const problem = await writePolicy(fileUri, exists, before, edit.after);
  if (problem) {
    void vscode.window.showErrorMessage(`Switchyard: ${problem}`);
    return undefined;
  }
  return applied(suggestion);
}

function applied(suggestion: PolicySuggestion): string {
  return `Applied: stages.${suggestion.stage} is now ${JSON.stringify(suggestion.toChain)} in ${WORKSPACE_POLICY_PATH}. Undo in the file takes it back.`;
}
