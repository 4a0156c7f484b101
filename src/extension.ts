// Entry point VS Code loads. It only registers contributions; the real work lives in ./main.js,
// a second bundle required the first time a command runs, so activation stays a few milliseconds.
import * as vscode from 'vscode';

type Main = typeof import('./vscode/main');
let main: Main | undefined;

function loadMain(): Main {
  // The path is relative to dist/extension.js at run time; esbuild leaves it external.
  main ??= require('./main.js') as Main;
  return main;
}

export function activate(context: vscode.ExtensionContext): void {
  const lazy =
    (command: string) =>
    (...args: unknown[]) =>
      loadMain().runCommand(context, command, args);
  context.subscriptions.push(vscode.commands.registerCommand('switchyard.routeTask', lazy('switchyard.routeTask')));
}

export function deactivate(): void {
  main?.deactivate();
}
