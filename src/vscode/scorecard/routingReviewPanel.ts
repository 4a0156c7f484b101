// The routing review's results in an editor tab: the side-by-side table, the items, and the
// suggested change with Accept (diff first, then a WorkspaceEdit). One panel per review.
import * as vscode from 'vscode';
import type { RoutingReviewReport } from '../../core/bench/routingReview';
import { makeNonce } from '../panel/panelHtml';
import { acceptPolicySuggestion, type AcceptOptions } from './policyChangeApply';
import { ReviewPanelMessageSchema } from './scorecardProtocol';
import { routingReviewHtml } from './routingReviewHtml';

export const ROUTING_REVIEW_VIEW_TYPE = 'switchyard.routingReview';

export interface ShownReview {
  panel: vscode.WebviewPanel;
  /** Runs the same path as the Accept button (for tests and the command's return value). */
  accept(opts?: AcceptOptions): Promise<string | undefined>;
  html(): string;
}

export function showRoutingReview(
  context: vscode.ExtensionContext,
  folder: vscode.WorkspaceFolder,
  report: RoutingReviewReport,
): ShownReview {
  const panel = vscode.window.createWebviewPanel(
    ROUTING_REVIEW_VIEW_TYPE,
    `Routing review: ${report.candidate} as ${report.stage}`,
    vscode.ViewColumn.Active,
    { enableScripts: true, enableCommandUris: false, localResourceRoots: [], retainContextWhenHidden: true },
  );
  let html = '';
  const render = (accepted?: string) => {
    html = routingReviewHtml(report, panel.webview.cspSource, makeNonce(), accepted);
    panel.webview.html = html;
  };
  let busy = false;
  const accept = async (opts?: AcceptOptions) => {
    if (busy || !report.suggestion.recommend) return undefined;
    busy = true;
    try {
      const done = await acceptPolicySuggestion(context, folder, report.suggestion, opts);
      if (done) render(done);
      return done;
    } finally {
      busy = false;
    }
  };
  const sub = panel.webview.onDidReceiveMessage((raw: unknown) => {
    const msg = ReviewPanelMessageSchema.safeParse(raw);
    if (msg.success && msg.data.type === 'accept') void accept();
  });
  panel.onDidDispose(() => sub.dispose());
  render();
  return { panel, accept, html: () => html };
}
