// Every command Switchyard contributes, declared once: extension.ts registers these ids, main.ts maps
// each to its handler (a Record over CommandId, so a command without one does not compile), and every
// executeCommand, status bar item and tree item names them through `Commands`. A unit test checks
// this list against package.json's contributes.commands, menus and keybindings. No vscode import:
// extension.ts loads this at activation.

export const Commands = {
  routeTask: 'switchyard.routeTask',
  routeTaskForFile: 'switchyard.routeTaskForFile',
  openPanel: 'switchyard.openPanel',
  cancelRun: 'switchyard.cancelRun',
  rerunStage: 'switchyard.rerunStage',
  rerouteAs: 'switchyard.rerouteAs',
  openDiff: 'switchyard.openDiff',
  applyChange: 'switchyard.applyChange',
  rejectChange: 'switchyard.rejectChange',
  sendBack: 'switchyard.sendBack',
  applySuggestion: 'switchyard.applySuggestion',
  dismissFinding: 'switchyard.dismissFinding',
  sendFindingBack: 'switchyard.sendFindingBack',
  setApiKey: 'switchyard.setApiKey',
  openPolicy: 'switchyard.openPolicy',
  showStatus: 'switchyard.showStatus',
  markBenchmark: 'switchyard.markBenchmark',
  reviewRouting: 'switchyard.reviewRouting',
} as const;

export type CommandId = (typeof Commands)[keyof typeof Commands];

/** The ids in declaration order, for registration. */
export const COMMAND_IDS: readonly CommandId[] = Object.values(Commands);
