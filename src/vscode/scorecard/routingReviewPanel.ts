// The routing review's results in an editor tab (app in webview/routingReview/): the host sends the
// report, the app draws the side-by-side table, the items and the suggested change; Accept comes
// back as a checked request and runs acceptPolicySuggestion (diff first, then a WorkspaceEdit).
// One panel per review, on the shared WebviewController.
import * as vscode from 'vscode';
import type { RoutingReviewReport } from '../../core/bench/routingReview';
import { acceptReply, routingReviewProtocol, type RoutingReviewMaps } from '../../protocol/routingReviewProtocol';
import { WebviewController } from '../webviewHost/webviewController';
import { webviewOptions, webviewPage } from '../webviewHost/webviewResources';
import { acceptPolicySuggestion, type AcceptOptions } from './policyChangeApply';

export const ROUTING_REVIEW_VIEW_TYPE = 'switchyard.routingReview';

/** What the host last sent the app: the report, and what was applied once accepted. */
export interface ReviewState {
  report: RoutingReviewReport;
  accepted?: string;
}

export interface ShownReview {
  panel: vscode.WebviewPanel;
  /** Runs the same path as the Accept button (for tests and the command's return value). */
  accept(opts?: AcceptOptions): Promise<string | undefined>;
  /** What the app is drawing now (the state last sent), for tests. */
  state(): ReviewState;
  /** The page loaded into the panel (CSP, nonce, the script), for tests. */
  pageHtml(): string;
}

export function showRoutingReview(
  context: vscode.ExtensionContext,
  folder: vscode.WorkspaceFolder,
  report: RoutingReviewReport,
): ShownReview {
  const title = `Routing review: ${report.candidate} as ${report.stage}`;
  const panel = vscode.window.createWebviewPanel(ROUTING_REVIEW_VIEW_TYPE, title, vscode.ViewColumn.Active, {
    ...webviewOptions(context.extensionUri),
    retainContextWhenHidden: true,
  });
  const state: ReviewState = { report };
  const send = () => controller.notify('review/state', { report: state.report, accepted: state.accepted });
  let busy = false;
  const accept = async (opts?: AcceptOptions) => {
    if (busy || state.accepted || !report.suggestion.recommend) return undefined;
    busy = true;
    try {
      const done = await acceptPolicySuggestion(context, folder, report.suggestion, opts);
      if (done) {
        state.accepted = done;
        send();
      }
      return done;
    } finally {
      busy = false;
    }
  };
  const page = webviewPage(panel.webview, context.extensionUri, title, 'routingReview.js', 'views.css');
  const controller = new WebviewController<RoutingReviewMaps>(
    routingReviewProtocol,
    panel.webview,
    page,
    {
      'suggestion/accept': async () => acceptReply(await accept()),
    },
    { onReady: send },
  );
  panel.onDidDispose(() => controller.dispose());
  controller.render();
  return { panel, accept, state: () => ({ ...state }), pageHtml: () => controller.pageHtml };
}
