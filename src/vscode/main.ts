// The extension's second bundle (dist/main.js), required on first use by src/extension.ts.
// Builds the services once and runs commands from a table: one row per command, each command in
// its own file under commands/.
import * as vscode from 'vscode';
import { Commands, type CommandId } from './commandIds';
import { markBenchmark } from './commands/markBenchmark';
import { openPolicy } from './commands/openPolicy';
import { rerunStage } from './commands/rerunStage';
import { rerouteAs } from './commands/rerouteAs';
import { reviewRouting } from './commands/reviewRouting';
import { routeTask, routeTaskForFile } from './commands/routeTask';
import {
  applyCommand,
  applySuggestionCommand,
  cancel,
  dismissCommand,
  openDiffCommand,
  openPanel,
  rejectCommand,
} from './commands/runControls';
import { sendBack, sendFindingBack } from './commands/sendBack';
import { setApiKey } from './commands/setApiKey';
import { showStatus } from './commands/showStatus';
import { panelHandlers } from './runs/runActions';
import { scorecardProvider } from './scorecard/scorecardViewProvider';
import { Services } from './services';
import type { Shell } from './shell';
import type { PipelineNode, PipelineTree } from './sidebar/pipelineTree';

type Command = (svc: Services, args: unknown[]) => unknown;

const COMMANDS: Record<CommandId, Command> = {
  [Commands.routeTask]: routeTask,
  [Commands.routeTaskForFile]: routeTaskForFile,
  [Commands.openPanel]: openPanel,
  [Commands.cancelRun]: cancel,
  [Commands.rerunStage]: rerunStage,
  [Commands.rerouteAs]: rerouteAs,
  [Commands.openDiff]: openDiffCommand,
  [Commands.applyChange]: applyCommand,
  [Commands.rejectChange]: rejectCommand,
  [Commands.sendBack]: sendBack,
  [Commands.applySuggestion]: applySuggestionCommand,
  [Commands.dismissFinding]: dismissCommand,
  [Commands.sendFindingBack]: sendFindingBack,
  [Commands.setApiKey]: setApiKey,
  [Commands.openPolicy]: openPolicy,
  [Commands.showStatus]: showStatus,
  [Commands.markBenchmark]: markBenchmark,
  [Commands.reviewRouting]: reviewRouting,
};

function isCommandId(id: string): id is CommandId {
  return Object.hasOwn(COMMANDS, id);
}

let services: Services | undefined;

function servicesFor(shell: Shell): Services {
  if (!services) {
    services = new Services(shell, panelHandlers);
    shell.context.subscriptions.push(services);
    void services.refreshStatus();
  }
  return services;
}

/** Runs one command. Returns what the command returns, so tests can drive commands directly. */
export async function runCommand(shell: Shell, command: string, args: unknown[]): Promise<unknown> {
  const run = isCommandId(command) ? COMMANDS[command] : undefined;
  if (!run) {
    void vscode.window.showErrorMessage(
      `Switchyard: unknown command ${command}. Reinstall the extension if this persists.`,
    );
    return undefined;
  }
  return run(servicesFor(shell), args);
}

/** The sidebar's data, for the proxy provider that extension.ts registers. */
export function tree(shell: Shell): PipelineTree & vscode.TreeDataProvider<unknown> {
  return servicesFor(shell).tree as PipelineTree & vscode.TreeDataProvider<unknown>;
}

/** The Scorecard sidebar view, resolved through the proxy provider that extension.ts registers. */
export function resolveScorecard(shell: Shell, view: vscode.WebviewView): void {
  scorecardProvider(servicesFor(shell)).resolve(view);
}

/** For integration tests: the live services (undefined until the first command). */
export function currentServices(): Services | undefined {
  return services;
}

export type { PipelineNode };

export async function deactivate(): Promise<void> {
  services?.runs.current?.abort.abort();
  // The last run's telemetry, bounded: a dead collector must not hold up VS Code's shutdown.
  await services?.telemetry.shutdown();
}
