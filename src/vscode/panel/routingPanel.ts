// Hosts the routing panel webview: builds its HTML (CSP + nonce, only dist/ and media/ loadable),
// waits for the app's `ready` before sending anything, answers its requests by id, and streams
// model output as per-frame batches of deltas. One panel per window, reused across runs.
import * as vscode from 'vscode';
import { Disposable, toDisposable } from '../lifecycle';
import {
  hostNotify,
  parseWebviewMessage,
  type HostToWebview,
  type RequestParams,
  type RequestResult,
  type WebviewRequestName,
} from '../../protocol/panelProtocol';
import type { ActiveRun, RunRegistry } from '../runs/runRegistry';
import { DeltaBatcher } from './deltaBatcher';
import { buildPanelHtml, makeNonce } from './panelHtml';

export type PanelRequestHandlers = {
  [K in WebviewRequestName]: (params: RequestParams<K>) => Promise<RequestResult<K>>;
};

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
  private ready = false;
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
        if (!this.panel || !this.ready) return;
        this.batcherFor(run).push(stage, text);
      }),
    );
    this._register(
      runs.onClear(({ run, stage }) => {
        if (!this.panel || !this.ready) return;
        this.batcherFor(run).drop(stage);
        this.post(hostNotify('stage/clear', { runId: run.runId, stage }));
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
    return Boolean(this.panel) && this.ready;
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
      {
        enableScripts: true,
        enableCommandUris: false,
        retainContextWhenHidden: true,
        localResourceRoots: [
          vscode.Uri.joinPath(this.extensionUri, 'dist'),
          vscode.Uri.joinPath(this.extensionUri, 'media'),
        ],
      },
    );
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'switchyard.svg');
    this.panel = panel;
    this.ready = false;
    const w = panel.webview;
    w.html = buildPanelHtml({
      cspSource: w.cspSource,
      nonce: makeNonce(),
      scriptUri: w.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview.js')).toString(),
      styleUri: w.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'media', 'panel.css')).toString(),
      title: 'Switchyard routing',
    });
    const sub = w.onDidReceiveMessage((raw) => void this.receive(raw));
    panel.onDidDispose(() => {
      sub.dispose();
      this.batcher?.dispose();
      this.batcher = undefined;
      this.panel = undefined;
      this.ready = false;
    });
  }

  /** Scrolls the panel to a finding (from a comment thread). */
  focusFinding(findingId: string): void {
    if (this.panel && this.ready) this.post(hostNotify('finding/focus', { findingId }));
  }

  private batcherFor(run: ActiveRun): DeltaBatcher {
    if (!this.batcher || this.batcherRunId !== run.runId) {
      this.batcher?.dispose();
      this.batcherRunId = run.runId;
      this.batcher = new DeltaBatcher((deltas) => {
        this.stats.deltaMessages++;
        this.post(hostNotify('stage/output', { runId: run.runId, deltas }));
      });
    }
    return this.batcher;
  }

  private onRunChanged(run: ActiveRun | undefined): void {
    if (!this.panel || !this.ready) return;
    if (run && run.runId !== this.batcherRunId) {
      // A new run: the app starts from a fresh snapshot.
      this.batcherFor(run);
      this.sendSnapshot();
      return;
    }
    // Output that streamed before this change goes first, so the panel never shows a stage done
    // with its last words still in flight.
    this.batcher?.flush();
    if (run) this.post(hostNotify('run/state', { run: run.model.view }));
  }

  private sendSnapshot(): void {
    const run = this.runs.current;
    if (run) this.batcherFor(run);
    this.post(
      hostNotify('run/snapshot', {
        run: run ? run.model.view : null,
        outputs: run ? Object.fromEntries(run.model.outputs) : {},
      }),
    );
  }

  private post(message: HostToWebview): void {
    this.stats.posted++;
    void this.panel?.webview.postMessage(message);
  }

  private async receive(raw: unknown): Promise<void> {
    const m = parseWebviewMessage(raw);
    if (!m) return; // undeclared or malformed: dropped
    if (m.kind === 'notify') {
      this.ready = true;
      this.sendSnapshot();
      return;
    }
    const handler = this.handlers[m.method] as (p: unknown) => Promise<unknown>;
    try {
      const result = await handler(m.params);
      this.post({ kind: 'response', id: m.id, ok: true, result });
    } catch (err) {
      this.post({ kind: 'response', id: m.id, ok: false, error: err instanceof Error ? err.message : String(err) });
    }
  }
}
