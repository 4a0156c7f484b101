// The host's end of every Switchyard webview (the routing panel, the Scorecard view, the routing
// review): loads the page (webviewHtml.ts) with a fresh nonce on each render, waits for the app's
// `ready` before posting anything, validates each message from the app against the view's protocol
// before acting on it, answers requests under the id they came with, and lets go of the webview's
// listener when disposed. vscode-free (the webview is typed structurally), so its rules are
// unit-tested without a VS Code host; webviewResources.ts adapts a real vscode.Webview.
import type {
  HostName,
  ParamsOf,
  Protocol,
  ProtocolMaps,
  RequestName,
  ResultOf,
  HostEnvelope,
} from '../../protocol/channel';
import type { input as ZodInput } from 'zod';
import { Disposable, type IDisposable } from '../lifecycle';
import { buildPageHtml, makeNonce } from './webviewHtml';

/** What the controller needs of a vscode.Webview. */
export interface HostedWebview {
  html: string;
  readonly cspSource: string;
  postMessage(message: unknown): Thenable<boolean>;
  onDidReceiveMessage(listener: (raw: unknown) => unknown): IDisposable;
}

/** The page's title and its two files, already converted to webview URIs. */
export interface WebviewPage {
  title: string;
  scriptUri: string;
  styleUri: string;
}

export type RequestHandlers<P extends ProtocolMaps> = {
  [K in RequestName<P>]: (params: ParamsOf<P, K>) => Promise<ResultOf<P, K>>;
};

export interface ControllerHooks {
  /** The app said `ready` (after each render): send it everything it shows. */
  onReady?(): void;
  /** Every message posted (notifications and responses), for the tests' and the benchmark's counts. */
  onPost?(): void;
}

export class WebviewController<P extends ProtocolMaps> extends Disposable {
  private ready = false;
  private html = '';

  constructor(
    private readonly protocol: Protocol<P>,
    private readonly webview: HostedWebview,
    private readonly page: WebviewPage,
    private readonly handlers: RequestHandlers<P>,
    private readonly hooks: ControllerHooks = {},
  ) {
    super();
    this._register(webview.onDidReceiveMessage((raw) => this.receive(raw)));
  }

  /** The app has said `ready` since the last render: what is posted now is received. */
  get isReady(): boolean {
    return this.ready && !this.isDisposed;
  }

  /** The page last loaded (tests read its CSP and nonce). */
  get pageHtml(): string {
    return this.html;
  }

  /** Loads the page with a new nonce; nothing is posted until the app says `ready` again. */
  render(): void {
    if (this.isDisposed) return;
    this.ready = false;
    const w = this.webview;
    this.html = buildPageHtml({ ...this.page, cspSource: w.cspSource, nonce: makeNonce() });
    w.html = this.html;
  }

  /** Posts a notification if the app is ready; false when it was not (it gets a full state on `ready`). */
  notify<K extends HostName<P>>(method: K, params: ZodInput<P['host'][K]>): boolean {
    if (!this.isReady) return false;
    this.post(this.protocol.hostNotify(method, params));
    return true;
  }

  /** Handles one message from the app: dropped unless the protocol declares it and its params validate. */
  async receive(raw: unknown): Promise<void> {
    if (this.isDisposed) return;
    const m = this.protocol.parseWebviewMessage(raw);
    if (!m) return;
    if (m.kind === 'notify') {
      if (m.method === 'ready') {
        this.ready = true;
        this.hooks.onReady?.();
      }
      return;
    }
    const handler = this.handlers[m.method] as (p: unknown) => Promise<unknown>;
    let reply: HostEnvelope<P>;
    try {
      reply = { kind: 'response', id: m.id, ok: true, result: await handler(m.params) };
    } catch (err) {
      reply = { kind: 'response', id: m.id, ok: false, error: err instanceof Error ? err.message : String(err) };
    }
    if (!this.isDisposed) this.post(reply);
  }

  private post(message: HostEnvelope<P>): void {
    this.hooks.onPost?.();
    void this.webview.postMessage(message);
  }
}
