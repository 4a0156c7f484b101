// Virtual documents for the diff editor: the base each edit was made against and the proposed
// result, under the `switchyard-proposed:` scheme (read-only, never on disk). Comment threads for
// review findings sit on the proposed side of these documents.
import * as vscode from 'vscode';
import { Disposable, toDisposable } from '../lifecycle';

export const PROPOSED_SCHEME = 'switchyard-proposed';

export type Side = 'base' | 'proposed';

export function proposedUri(runId: string, path: string, side: Side): vscode.Uri {
  // Path stays last so the editor tab shows the real file name and picks its language.
  return vscode.Uri.from({ scheme: PROPOSED_SCHEME, path: `/${side}/${runId}/${path.replace(/^\/+/, '')}` });
}

export function parseProposedUri(uri: vscode.Uri): { side: Side; runId: string; path: string } | undefined {
  const m = /^\/(base|proposed)\/([^/]+)\/(.+)$/.exec(uri.path);
  return m ? { side: m[1] as Side, runId: m[2]!, path: m[3]! } : undefined;
}

export class ProposedContent extends Disposable implements vscode.TextDocumentContentProvider {
  private readonly texts = new Map<string, string>();
  private readonly changed = this._register(new vscode.EventEmitter<vscode.Uri>());
  readonly onDidChange = this.changed.event;
  /** Runs whose change is decided: their diff tabs close, even one that finishes opening afterwards. */
  private readonly retired = new Set<string>();

  constructor() {
    super();
    // A change fired while the editor is still loading a document (its content request in flight)
    // is lost: the document then opens with the old text and stays stale. So when one of our
    // documents opens with text other than what we hold now, fire once more for it.
    this._register(
      vscode.workspace.onDidOpenTextDocument((doc) => {
        if (doc.uri.scheme !== PROPOSED_SCHEME) return;
        const text = this.texts.get(doc.uri.toString());
        if (text !== undefined && normalize(doc.getText()) !== normalize(text)) this.changed.fire(doc.uri);
      }),
    );
    this._register(vscode.window.tabGroups.onDidChangeTabs((e) => this.closeRetired(e)));
    this._register(toDisposable(() => this.texts.clear()));
  }

  set(runId: string, path: string, side: Side, text: string): vscode.Uri {
    const uri = proposedUri(runId, path, side);
    this.texts.set(uri.toString(), text);
    this.changed.fire(uri);
    return uri;
  }

  get(uri: vscode.Uri): string | undefined {
    return this.texts.get(uri.toString());
  }

  /**
   * Forgets a run's documents once a new run replaces it, so old runs do not hold file contents,
   * and closes its diff tabs (they would otherwise show a change nobody can act on any more).
   */
  async clearRun(runId: string): Promise<void> {
    for (const key of [...this.texts.keys()])
      if (parseProposedUri(vscode.Uri.parse(key))?.runId === runId) this.texts.delete(key);
    await this.closeTabs(runId);
  }

  /**
   * Closes the run's diff and document tabs once its change is decided (its documents stay known, so
   * "Open diff" still works), including a tab that was still opening: one that appears later closes too,
   * until a person asks to see the diff again (`reopen`).
   */
  async closeTabs(runId: string): Promise<void> {
    this.retired.add(runId);
    const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => tabRunId(t) === runId);
    if (tabs.length) await vscode.window.tabGroups.close(tabs, true);
  }

  /** A person asked to see a decided run's diff: its tabs may stay open. */
  reopen(runId: string): void {
    this.retired.delete(runId);
  }

  private closeRetired(e: vscode.TabChangeEvent): void {
    const late = e.opened.filter((t) => {
      const id = tabRunId(t);
      return id !== undefined && this.retired.has(id);
    });
    if (late.length) void vscode.window.tabGroups.close(late, true).then(undefined, () => undefined);
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? '';
  }
}

/** The run a tab shows a proposed document of, if any. */
function tabRunId(t: vscode.Tab): string | undefined {
  const ours = (u: unknown) =>
    u instanceof vscode.Uri && u.scheme === PROPOSED_SCHEME ? parseProposedUri(u)?.runId : undefined;
  if (t.input instanceof vscode.TabInputTextDiff) return ours(t.input.modified) ?? ours(t.input.original);
  return t.input instanceof vscode.TabInputText ? ours(t.input.uri) : undefined;
}

function normalize(text: string): string {
  return text.replace(/\r\n/g, '\n');
}
