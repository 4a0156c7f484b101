// Hosts the routing panel webview through the shared WebviewController (page with CSP + nonce,
// the `ready` handshake, requests answered by id) and streams model output as per-frame batches of
// deltas. One panel per window, reused across runs.
import * as vscode from 'vscode';
import { Disposable, toDisposable } from '../lifecycle';
import { panelProtocol, type PanelMaps } from '../../protocol/panelProtocol';
import type { ActiveRun, RunRegistry } from '../runs/runRegistry';
import { WebviewController, type RequestHandlers } from '../webviewHost/webviewController';
import { webviewOptions, webviewPage } from '../webviewHost/webviewResources';
import { DeltaBatcher } from './deltaBatcher';

export type PanelRequestHandlers = RequestHandlers<PanelMaps>;

export const PANEL_VIEW_TYPE = 'switchyard.routingPanel';

/**
 * A new panel goes beside the editor when there is one column, else into the last column there is:
 * two columns side by side (the file or diff, and the panel), never a third squeezed in.
 */
function panelColumn(): vscode.ViewColumn {
  const columns = vscode.window.tabGroups.all.map((g) => g.viewColumn);
  return columns.length > 1 ? Math.max(...columns) : vscode.ViewColumn.Beside;
}

export class RoutingPanel extends Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private controller: WebviewController<PanelMaps> | undefined;
  private batcher: DeltaBatcher | undefined;
  private batcherRunId = '';
  /** Counts what was posted, so tests and the benchmark can check the message rate. */
  readonly stats = { posted: 0, deltaMessages: 0 };

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly runs: RunRegistry,
    private readonly handlers: PanelRequestHandlers,
  ) {
    super();
    this._register(runs.onDidChange((run) => this.onRunChanged(run)));
    this._register(
      runs.onDelta(({ run, stage, text }) => {
        if (!this.isReady) return;
        this.batcherFor(run).push(stage, text);
      }),
    );
    this._register(
      runs.onClear(({ run, stage }) => {
        if (!this.isReady) return;
        this.batcherFor(run).drop(stage);
        this.notify('stage/clear', { runId: run.runId, stage });
      }),
    );
    // Disposed first (registered last): the open panel and the batcher of the current run.
    this._register(
      toDisposable(() => {
        this.batcher?.dispose();
        this.panel?.dispose();
      }),
    );
  }

  /** The panel exists and its app said `ready` (messages posted now are received). */
  get isReady(): boolean {
    return Boolean(this.panel) && (this.controller?.isReady ?? false);
  }

  get visible(): boolean {
    return this.panel?.visible ?? false;
  }

  /** The editor column the panel is in, so the diff can open in another one. */
  get viewColumn(): vscode.ViewColumn | undefined {
    return this.panel?.viewColumn;
  }

  get webview(): vscode.Webview | undefined {
    return this.panel?.webview;
  }

  show(preserveFocus = false): void {
    if (this.panel) {
      // Where it already is: revealing it "beside" the active group would open yet another column.
      this.panel.reveal(this.panel.viewColumn, preserveFocus);
      return;
    }
    const panel = vscode.window.createWebviewPanel(
      PANEL_VIEW_TYPE,
      'Switchyard routing',
      { viewColumn: panelColumn(), preserveFocus },
      { ...webviewOptions(this.extensionUri), retainContextWhenHidden: true },
    );
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'switchyard.svg');
    this.panel = panel;
    const page = webviewPage(panel.webview, this.extensionUri, 'Switchyard routing', 'webview.js', 'panel.css');
    const controller = new WebviewController(panelProtocol, panel.webview, page, this.handlers, {
      onReady: () => this.sendSnapshot(),
      onPost: () => this.stats.posted++,
    });
    this.controller = controller;
    controller.render();
    panel.onDidDispose(() => {
      controller.dispose();
      this.batcher?.dispose();
      this.batcher = undefined;
      this.panel = undefined;
      this.controller = undefined;
    });
  }

  /** Scrolls the panel to a finding (from a comment thread). */
  focusFinding(findingId: string): void {
    this.notify('finding/focus', { findingId });
  }

  private batcherFor(run: ActiveRun): DeltaBatcher {
    if (!this.batcher || this.batcherRunId !== run.runId) {
      this.batcher?.dispose();
      this.batcherRunId = run.runId;
      this.batcher = new DeltaBatcher((deltas) => {
        this.stats.deltaMessages++;
        this.notify('stage/output', { runId: run.runId, deltas });
      });
    }
    return this.batcher;
  }

  private onRunChanged(run: ActiveRun | undefined): void {
    if (!this.isReady) return;
    if (run && run.runId !== this.batcherRunId) {
      // A new run: the app starts from a fresh snapshot.
      this.batcherFor(run);
      this.sendSnapshot();
      return;
    }
    // Output that streamed before this change goes first, so the panel never shows a stage done
    // with its last words still in flight.
    this.batcher?.flush();
    if (run) this.notify('run/state', { run: run.model.view });
  }

  private sendSnapshot(): void {
    const run = this.runs.current;
    if (run) this.batcherFor(run);
    this.notify('run/snapshot', {
      run: run ? run.model.view : null,
      outputs: run ? Object.fromEntries(run.model.outputs) : {},
    });
  }

  private notify: WebviewController<PanelMaps>['notify'] = (method, params) =>
    this.controller?.notify(method, params) ?? false;

  /** The app's messages, as the webview delivers them (the hostile-host test calls this directly). */
  private async receive(raw: unknown): Promise<void> {
    await this.controller?.receive(raw);
  }
}
