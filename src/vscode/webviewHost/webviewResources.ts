// What every Switchyard webview is allowed: scripts (its own bundle, by nonce), no command links,
// and files from the extension's dist/ and media/ folders only. The page's script and stylesheet
// are named here and converted to webview URIs for the controller.
import * as vscode from 'vscode';
import type { WebviewPage } from './webviewController';

/** The bundles esbuild.config.mjs builds from webview/ (one per view). */
export type WebviewBundle = 'webview.js' | 'scorecard.js' | 'routingReview.js';
/** The stylesheets in media/: the panel's, and the one the Scorecard view and the routing review share. */
export type WebviewStyle = 'panel.css' | 'views.css';

export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return {
    enableScripts: true,
    enableCommandUris: false,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}

export function webviewPage(
  webview: vscode.Webview,
  extensionUri: vscode.Uri,
  title: string,
  script: WebviewBundle,
  style: WebviewStyle,
): WebviewPage {
  const uri = (...path: string[]) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...path)).toString();
  return { title, scriptUri: uri('dist', script), styleUri: uri('media', style) };
}
