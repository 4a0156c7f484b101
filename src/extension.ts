// Entry point VS Code loads. It only registers contributions; the real work lives in ./main.js,
// a second bundle required the first time a command runs or the sidebar asks for rows, so
// activation stays a few milliseconds: no network, no secret reads, no file reads here.
import * as vscode from 'vscode';
import { COMMAND_IDS, Commands } from './vscode/commandIds';
import type { Shell } from './vscode/shell';

type Main = typeof import('./vscode/main');
let main: Main | undefined;
let shell: Shell | undefined;

function loadMain(): Main {
  // The path is relative to dist/extension.js at run time; esbuild leaves it external.
  main ??= require('./main.js') as Main;
  return main;
}

export function activate(context: vscode.ExtensionContext): void {
  const treeChanged = new vscode.EventEmitter<unknown>();
  const statusItem = vscode.window.createStatusBarItem('switchyard.status', vscode.StatusBarAlignment.Left, 50);
  statusItem.name = 'Switchyard';
  statusItem.text = '$(git-compare) Switchyard';
  statusItem.tooltip = 'Switchyard: click to load the routing policy and provider status';
  statusItem.command = Commands.showStatus;
  statusItem.show();
  shell = { context, statusItem, treeChanged };
  const s = shell;
  context.subscriptions.push(treeChanged, statusItem);

  for (const id of COMMAND_IDS) {
    context.subscriptions.push(
      vscode.commands.registerCommand(id, (...args: unknown[]) => loadMain().runCommand(s, id, args)),
    );
  }

  // The sidebar forwards to main.js, which is loaded only when the view first asks for its rows.
  const tree: vscode.TreeDataProvider<unknown> = {
    onDidChangeTreeData: treeChanged.event,
    getTreeItem: (element) => loadMain().tree(s).getTreeItem(element),
    getChildren: (element) => loadMain().tree(s).getChildren(element),
  };
  context.subscriptions.push(vscode.window.registerTreeDataProvider('switchyard.pipeline', tree));
  // The scorecard view also loads main.js only when it is first shown.
  context.subscriptions.push(
    vscode.window.registerWebviewViewProvider('switchyard.scorecard', {
      resolveWebviewView: (view) => loadMain().resolveScorecard(s, view),
    }),
  );
}

export function deactivate(): Thenable<void> | void {
  return main?.deactivate();
}
