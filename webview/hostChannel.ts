// The webview's end of the panel protocol: posts `ready` first, sends requests with ids and
// resolves them from the host's responses, and hands validated notifications to one handler per
// method. Anything the protocol does not declare is dropped here, before the app sees it.
import {
  parseHostMessage,
  validateResult,
  webviewNotify,
  webviewRequest,
  type HostNotificationName,
  type HostNotificationParams,
  type RequestParams,
  type RequestResult,
  type WebviewRequestName,
  type WebviewToHost,
} from '../src/protocol/panelProtocol';

interface VsCodeApi {
  postMessage(message: WebviewToHost): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

type Handlers = { [K in HostNotificationName]?: (params: HostNotificationParams<K>) => void };

export class HostChannel {
  private readonly api = acquireVsCodeApi();
  private nextId = 1;
  private readonly pending = new Map<
    number,
    { method: WebviewRequestName; resolve: (r: unknown) => void; reject: (e: Error) => void }
  >();

  constructor(private readonly handlers: Handlers) {
    window.addEventListener('message', (event: MessageEvent) => this.receive(event.data));
  }

  ready(): void {
    this.api.postMessage(webviewNotify('ready', {}));
  }

  request<K extends WebviewRequestName>(method: K, params: RequestParams<K>): Promise<RequestResult<K>> {
    const id = this.nextId++;
    return new Promise<RequestResult<K>>((resolve, reject) => {
      this.pending.set(id, { method, resolve: resolve as (r: unknown) => void, reject });
      this.api.postMessage(webviewRequest(id, method, params));
    });
  }

  private receive(raw: unknown): void {
    const m = parseHostMessage(raw);
    if (!m) return;
    if (m.kind === 'response') {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (!m.ok) return p.reject(new Error(m.error));
      const result = validateResult(p.method, m.result);
      if (result === undefined) p.reject(new Error(`The extension sent an unexpected reply to ${p.method}.`));
      else p.resolve(result);
      return;
    }
    const handler = this.handlers[m.method] as ((params: unknown) => void) | undefined;
    handler?.(m.params);
  }
}
