// The webview's end of a view's protocol (src/protocol/channel.ts), the same for every view: posts
// `ready` first, sends requests with ids and resolves them from the host's responses (checked
// against the request they answer), and hands validated notifications to one handler per method.
// Anything the protocol does not declare is dropped here, before the app sees it.
import type {
  HostName,
  HostParams,
  ParamsOf,
  Protocol,
  ProtocolMaps,
  RequestName,
  ResultOf,
  WebviewEnvelope,
} from '../src/protocol/channel';

interface VsCodeApi {
  postMessage(message: WebviewEnvelope): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

export type Handlers<P extends ProtocolMaps> = { [K in HostName<P>]?: (params: HostParams<P, K>) => void };

export class HostChannel<P extends ProtocolMaps> {
  private readonly api = acquireVsCodeApi();
  private nextId = 1;
  private readonly pending = new Map<
    number,
    { method: RequestName<P>; resolve: (r: unknown) => void; reject: (e: Error) => void }
  >();

  constructor(
    private readonly protocol: Protocol<P>,
    private readonly handlers: Handlers<P>,
  ) {
    window.addEventListener('message', (event: MessageEvent) => this.receive(event.data));
  }

  ready(): void {
    this.api.postMessage(this.protocol.readyMessage());
  }

  request<K extends RequestName<P>>(method: K, params: ParamsOf<P, K>): Promise<ResultOf<P, K>> {
    const id = this.nextId++;
    return new Promise<ResultOf<P, K>>((resolve, reject) => {
      this.pending.set(id, { method, resolve: resolve as (r: unknown) => void, reject });
      this.api.postMessage(this.protocol.webviewRequest(id, method, params));
    });
  }

  private receive(raw: unknown): void {
    const m = this.protocol.parseHostMessage(raw);
    if (!m) return;
    if (m.kind === 'response') {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (!m.ok) return p.reject(new Error(m.error));
      const result = this.protocol.validateResult(p.method, m.result);
      if (result === undefined) p.reject(new Error(`The extension sent an unexpected reply to ${p.method}.`));
      else p.resolve(result);
      return;
    }
    const handler = this.handlers[m.method] as ((params: unknown) => void) | undefined;
    handler?.(m.params);
  }
}
