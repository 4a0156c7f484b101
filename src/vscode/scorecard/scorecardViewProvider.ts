// The Scorecard view in the Switchyard sidebar (a webview view): reads the run ledger, applies the
// filters the person picked, and renders the figures and the chart. Messages from the view are
// checked with zod; the view is re-rendered whole on each change (a few kB, on a click).
import * as vscode from 'vscode';
import { StorageKeys } from '../../core/config/settingsKeys';
import { Commands } from '../commandIds';
import { ScorecardFilterSchema, type ScorecardFilter } from '../../core/bench/scorecardFilters';
import { buildScorecardView } from '../../core/bench/scorecardView';
import { readRecords } from '../../core/ledger/ledgerFile';
import { makeNonce } from '../panel/panelHtml';
import type { Services } from '../services';
import { ledgerFile } from './ledgerLocation';
import { ScorecardMessageSchema } from './scorecardProtocol';
import { scorecardHtml } from './scorecardHtml';

export const SCORECARD_VIEW_ID = 'switchyard.scorecard';
const FILTER_KEY = StorageKeys.scorecardFilter;

export class ScorecardViewProvider implements vscode.Disposable {
  private view: vscode.WebviewView | undefined;
  private filter: ScorecardFilter;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(private readonly svc: Services) {
    const saved = ScorecardFilterSchema.safeParse(svc.shell.context.workspaceState.get(FILTER_KEY));
    this.filter = saved.success ? saved.data : ScorecardFilterSchema.parse({});
    // A finished run changes the figures: redraw when the run registry says a run changed and the view is showing.
    this.subscriptions.push(
      svc.runs.onDidChange((run) => {
        if (run && !run.live) void this.render();
      }),
    );
  }

  /** The HTML last rendered, for tests. */
  lastHtml = '';

  resolve(view: vscode.WebviewView): void {
    this.view = view;
    view.webview.options = { enableScripts: true, enableCommandUris: false, localResourceRoots: [] };
    this.subscriptions.push(
      view.webview.onDidReceiveMessage((raw: unknown) => void this.onMessage(raw)),
      view.onDidChangeVisibility(() => {
        if (view.visible) void this.render();
      }),
      view.onDidDispose(() => {
        if (this.view === view) this.view = undefined;
      }),
    );
    void this.render();
  }

  async setFilter(filter: ScorecardFilter): Promise<void> {
    this.filter = filter;
    await this.svc.shell.context.workspaceState.update(FILTER_KEY, filter);
    await this.render();
  }

  async render(): Promise<void> {
    const view = this.view;
    if (!view) return;
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
    const model = buildScorecardView(records, this.filter, Date.now());
    this.lastHtml = scorecardHtml(model, view.webview.cspSource, makeNonce(), note ?? `Ledger: ${file}`);
    view.webview.html = this.lastHtml;
  }

  private async onMessage(raw: unknown): Promise<void> {
    const msg = ScorecardMessageSchema.safeParse(raw);
    if (!msg.success) return; // not ours or malformed: dropped, like the routing panel does
    switch (msg.data.type) {
      case 'filter':
        return this.setFilter(msg.data.filter);
      case 'refresh':
        return this.render();
      case 'markBenchmark':
        await vscode.commands.executeCommand(Commands.markBenchmark);
        return;
      case 'reviewRouting':
        await vscode.commands.executeCommand(Commands.reviewRouting);
        return;
    }
  }

  dispose(): void {
    for (const d of this.subscriptions.splice(0)) d.dispose();
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
