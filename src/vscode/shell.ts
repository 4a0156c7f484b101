// What src/extension.ts creates at activation and hands to the lazily loaded services: the
// context, the status bar item (created early so it is visible, filled in later) and the event
// that refreshes the sidebar. Type-only for extension.ts, so importing it loads nothing.
import type * as vscode from 'vscode';

export interface Shell {
  context: vscode.ExtensionContext;
  statusItem: vscode.StatusBarItem;
  treeChanged: vscode.EventEmitter<unknown>;
}
