// Each review finding as a comment thread on its line of the proposed side of the diff (Comments
// API), labelled with its severity and authored by the reviewer's model. Thread title actions:
// apply the suggestion, dismiss, send back to the implementer (see package.json menus). Bodies are
// plain text: nothing a model writes renders as markdown, links or images.
import * as vscode from 'vscode';
import type { FindingView, ReviewView } from '../../protocol/panelProtocol';
import { proposedUri } from './proposedContent';

export const COMMENT_CONTROLLER_ID = 'switchyard.review';

export class ReviewComments implements vscode.Disposable {
  private readonly controller = vscode.comments.createCommentController(COMMENT_CONTROLLER_ID, 'Switchyard review');
  private readonly threads = new Map<string, vscode.CommentThread>();
  private readonly byThread = new Map<vscode.CommentThread, { runId: string; findingId: string }>();

  constructor() {
    // No commenting ranges: people act on findings through the thread actions, not by replying.
    this.controller.options = { prompt: 'Findings come from the reviewer model', placeHolder: '' };
  }

  /** Replaces the threads with these reviews' open findings (on the proposed documents of `runId`). */
  show(runId: string, reviews: readonly ReviewView[]): void {
    this.clear();
    for (const review of reviews) for (const f of review.findings) if (f.status === 'open') this.add(runId, review, f);
  }

  private add(runId: string, review: ReviewView, f: FindingView): void {
    const uri = proposedUri(runId, f.file, 'proposed');
    const range = new vscode.Range(f.startLine - 1, 0, f.endLine - 1, 0);
    const body = f.suggestion ? `${f.message}\n\nSuggested replacement:\n${f.suggestion}` : f.message;
    const comment: vscode.Comment = {
      body,
      mode: vscode.CommentMode.Preview,
      author: { name: `${review.reviewerModel}${review.reviewerVendor ? ` (${review.reviewerVendor})` : ''}` },
      label: f.severity,
      contextValue: f.suggestion ? 'finding-with-suggestion' : 'finding',
    };
    const thread = this.controller.createCommentThread(uri, range, [comment]);
    thread.label = `${f.severity} · ${review.stage === 'finalOwner' ? 'final owner' : `review round ${review.round}`}`;
    thread.canReply = false;
    thread.contextValue = f.suggestion ? 'switchyard-finding-suggestion' : 'switchyard-finding';
    thread.collapsibleState = vscode.CommentThreadCollapsibleState.Expanded;
    this.threads.set(f.id, thread);
    this.byThread.set(thread, { runId, findingId: f.id });
  }

  /** The finding behind a thread a menu action was invoked on. */
  findingFor(arg: unknown): { runId: string; findingId: string } | undefined {
    if (typeof arg === 'string') {
      for (const v of this.byThread.values()) if (v.findingId === arg) return v;
      return undefined;
    }
    return this.byThread.get(arg as vscode.CommentThread);
  }

  thread(findingId: string): vscode.CommentThread | undefined {
    return this.threads.get(findingId);
  }

  get count(): number {
    return this.threads.size;
  }

  /** Marks a thread resolved (applied, dismissed, sent back) and collapses it. */
  settle(findingId: string, status: 'applied' | 'dismissed' | 'sent-back'): void {
    const t = this.threads.get(findingId);
    if (!t) return;
    t.state = vscode.CommentThreadState.Resolved;
    t.label = `${t.label?.split(' · ')[0] ?? ''} · ${status}`;
    t.contextValue = 'switchyard-finding-settled';
    t.collapsibleState = vscode.CommentThreadCollapsibleState.Collapsed;
  }

  clear(): void {
    for (const t of this.threads.values()) t.dispose();
    this.threads.clear();
    this.byThread.clear();
  }

  dispose(): void {
    this.clear();
    this.controller.dispose();
  }
}
