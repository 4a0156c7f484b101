// The Scorecard view in the Switchyard sidebar (a webview view, app in webview/scorecard/): reads
// the run ledger, applies the filters the person picked, and sends the figures; the app draws them.
// The page, the `ready` handshake and the checking of the app's requests are the shared
// WebviewController's (src/protocol/scorecardProtocol.ts declares the messages).
import * as vscode from 'vscode';
import { StorageKeys } from '../../core/config/settingsKeys';
import { Commands } from '../commandIds';
import { ScorecardFilterSchema, type ScorecardFilter } from '../../core/bench/scorecardFilters';
import { buildScorecardView } from '../../core/bench/scorecardView';
import { readRecords } from '../../core/ledger/ledgerFile';
import { scorecardProtocol, type ScorecardMaps } from '../../protocol/scorecardProtocol';
import { Disposable, toDisposable } from '../lifecycle';
import type { Services } from '../services';
import { WebviewController } from '../webviewHost/webviewController';
import { webviewOptions, webviewPage } from '../webviewHost/webviewResources';
import { ledgerFile } from './ledgerLocation';

export const SCORECARD_VIEW_ID = 'switchyard.scorecard';
const FILTER_KEY = StorageKeys.scorecardFilter;

export class ScorecardViewProvider extends Disposable {
  private controller: WebviewController<ScorecardMaps> | undefined;
  private filter: ScorecardFilter;

  constructor(private readonly svc: Services) {
    super();
    const saved = ScorecardFilterSchema.safeParse(svc.shell.context.workspaceState.get(FILTER_KEY));
    this.filter = saved.success ? saved.data : ScorecardFilterSchema.parse({});
    // A finished run changes the figures: send them again when the run registry says a run changed.
    this._register(
      svc.runs.onDidChange((run) => {
        if (run && !run.live) void this.render();
      }),
    );
    this._register(toDisposable(() => this.controller?.dispose()));
  }

  /** The page last loaded, for tests (its CSP and nonce). */
  get pageHtml(): string {
    return this.controller?.pageHtml ?? '';
  }

  resolve(view: vscode.WebviewView): void {
    this.controller?.dispose();
    const extensionUri = this.svc.shell.context.extensionUri;
    view.webview.options = webviewOptions(extensionUri);
    const page = webviewPage(view.webview, extensionUri, 'Switchyard scorecard', 'scorecard.js', 'views.css');
    const controller = new WebviewController(
      scorecardProtocol,
      view.webview,
      page,
      {
        'scorecard/filter': async ({ filter }) => (await this.setFilter(filter), {}),
        'scorecard/refresh': async () => (await this.render(), {}),
        'benchmark/mark': async () => (await vscode.commands.executeCommand(Commands.markBenchmark), {}),
        'routing/review': async () => (await vscode.commands.executeCommand(Commands.reviewRouting), {}),
      },
      { onReady: () => void this.render() },
    );
    this.controller = controller;
    controller.render();
    const visible = view.onDidChangeVisibility(() => {
      if (view.visible) void this.render();
    });
    view.onDidDispose(() => {
      visible.dispose();
      controller.dispose();
      if (this.controller === controller) this.controller = undefined;
    });
  }

  async setFilter(filter: ScorecardFilter): Promise<void> {
    this.filter = filter;
    await this.svc.shell.context.workspaceState.update(FILTER_KEY, filter);
    await this.render();
  }

  /** Reads the ledger and sends the figures for the current filter (when the app is there to draw them). */
  async render(): Promise<void> {
    if (!this.controller?.isReady) return;
    const file = await ledgerFile(this.svc.shell.context);
    let note: string | undefined;
    let records: Awaited<ReturnType<typeof readRecords>>['records'] = [];
    try {
      const read = await readRecords(file);
      records = read.records;
      if (read.problems.length)
        note = `${read.problems.length} line(s) of the ledger ${file} were skipped (first: line ${read.problems[0]!.line}, ${read.problems[0]!.message}).`;
    } catch (err) {
      note = `${(err as Error).message}. Check switchyard.ledgerPath.`;
    }
    const view = buildScorecardView(records, this.filter, Date.now());
    this.controller?.notify('scorecard/state', { view, note: note ?? `Ledger: ${file}` });
  }
}

let provider: ScorecardViewProvider | undefined;

/** One provider per extension host, built with the services on first use. */
export function scorecardProvider(svc: Services): ScorecardViewProvider {
  if (!provider) {
    provider = new ScorecardViewProvider(svc);
    svc.shell.context.subscriptions.push(provider, { dispose: () => (provider = undefined) });
  }
  return provider;
}
