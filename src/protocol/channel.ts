// The wire every Switchyard webview speaks (the routing panel, the Scorecard view, the routing
// review): one envelope, and per view one message map declared with `defineProtocol`. Both ends
// validate every message against the map and drop anything undeclared or malformed, so neither side
// can be driven by a message shape the other did not declare.
// Shape: host → webview notifications; webview → host notifications (`ready` in every map) and
// requests that the host answers with a response carrying the same id.
// Namespace import: `import { z }` defeats tree-shaking and pulls all of zod (~450 KB) into the webview bundles.
import * as z from 'zod';

type NotificationMap = Record<string, z.ZodType>;
type RequestMap = Record<string, readonly [z.ZodType, z.ZodType]>;

/** One view's messages: what the host tells it, what it tells the host, what it asks the host. */
export interface ProtocolMaps {
  host: NotificationMap;
  webview: NotificationMap & { ready: z.ZodType };
  requests: RequestMap;
}

export type HostName<P extends ProtocolMaps> = Extract<keyof P['host'], string>;
export type HostParams<P extends ProtocolMaps, K extends HostName<P>> = z.infer<P['host'][K]>;
export type NotifyName<P extends ProtocolMaps> = Extract<keyof P['webview'], string>;
export type RequestName<P extends ProtocolMaps> = Extract<keyof P['requests'], string>;
export type ParamsOf<P extends ProtocolMaps, K extends RequestName<P>> = z.infer<P['requests'][K][0]>;
export type ResultOf<P extends ProtocolMaps, K extends RequestName<P>> = z.infer<P['requests'][K][1]>;

/** Envelopes on the wire. */
export type HostEnvelope<P extends ProtocolMaps = ProtocolMaps> =
  | { kind: 'notify'; method: HostName<P>; params: unknown }
  | { kind: 'response'; id: number; ok: true; result: unknown }
  | { kind: 'response'; id: number; ok: false; error: string };
export type WebviewEnvelope<P extends ProtocolMaps = ProtocolMaps> =
  | { kind: 'notify'; method: NotifyName<P>; params: unknown }
  | { kind: 'request'; id: number; method: RequestName<P>; params: unknown };

/** A message the host accepted from the webview, with params already validated. */
export type ParsedWebview<P extends ProtocolMaps> =
  | { [K in NotifyName<P>]: { kind: 'notify'; method: K; params: z.infer<P['webview'][K]> } }[NotifyName<P>]
  | { [K in RequestName<P>]: { kind: 'request'; id: number; method: K; params: ParamsOf<P, K> } }[RequestName<P>];

/** A message the webview accepted from the host (responses are checked by `validateResult`). */
export type ParsedHost<P extends ProtocolMaps> =
  | { [K in HostName<P>]: { kind: 'notify'; method: K; params: HostParams<P, K> } }[HostName<P>]
  | { kind: 'response'; id: number; ok: true; result: unknown }
  | { kind: 'response'; id: number; ok: false; error: string };

const id = z.number().int().nonnegative();
const EnvelopeSchema = z.union([
  z.object({ kind: z.literal('notify'), method: z.string().max(100), params: z.unknown() }),
  z.object({ kind: z.literal('request'), id, method: z.string().max(100), params: z.unknown() }),
  z.object({ kind: z.literal('response'), id, ok: z.literal(true), result: z.unknown() }),
  z.object({ kind: z.literal('response'), id, ok: z.literal(false), error: z.string().max(20_000) }),
]);

function has<T extends object>(map: T, key: string): key is Extract<keyof T, string> {
  return Object.prototype.hasOwnProperty.call(map, key);
}

export interface Protocol<P extends ProtocolMaps> {
  readonly maps: P;
  /** Host side: undefined for anything the map does not declare or whose params do not validate. */
  parseWebviewMessage(raw: unknown): ParsedWebview<P> | undefined;
  /** Webview side: notifications are validated here, responses by `validateResult`. */
  parseHostMessage(raw: unknown): ParsedHost<P> | undefined;
  validateResult<K extends RequestName<P>>(method: K, result: unknown): ResultOf<P, K> | undefined;
  /** Builders, so senders cannot put a method and params together that the map does not pair. */
  hostNotify<K extends HostName<P>>(method: K, params: z.input<P['host'][K]>): HostEnvelope<P>;
  webviewRequest<K extends RequestName<P>>(id: number, method: K, params: ParamsOf<P, K>): WebviewEnvelope<P>;
  webviewNotify<K extends NotifyName<P>>(method: K, params: z.input<P['webview'][K]>): WebviewEnvelope<P>;
  /** The handshake every app sends once its listeners are in place. */
  readyMessage(): WebviewEnvelope<P>;
}

export function defineProtocol<P extends ProtocolMaps>(maps: P): Protocol<P> {
  const parseWebviewMessage = (raw: unknown): ParsedWebview<P> | undefined => {
    const env = EnvelopeSchema.safeParse(raw);
    if (!env.success) return undefined;
    const m = env.data;
    if (m.kind === 'notify' && has(maps.webview, m.method)) {
      const p = maps.webview[m.method]!.safeParse(m.params ?? {});
      return p.success ? ({ kind: 'notify', method: m.method, params: p.data } as ParsedWebview<P>) : undefined;
    }
    if (m.kind === 'request' && has(maps.requests, m.method)) {
      const p = maps.requests[m.method]![0].safeParse(m.params ?? {});
      return p.success
        ? ({ kind: 'request', id: m.id, method: m.method, params: p.data } as ParsedWebview<P>)
        : undefined;
    }
    return undefined;
  };
  const parseHostMessage = (raw: unknown): ParsedHost<P> | undefined => {
    const env = EnvelopeSchema.safeParse(raw);
    if (!env.success) return undefined;
    const m = env.data;
    if (m.kind === 'notify' && has(maps.host, m.method)) {
      const p = maps.host[m.method]!.safeParse(m.params);
      return p.success ? ({ kind: 'notify', method: m.method, params: p.data } as ParsedHost<P>) : undefined;
    }
    if (m.kind === 'response') return m;
    return undefined;
  };
  return {
    maps,
    parseWebviewMessage,
    parseHostMessage,
    validateResult: <K extends RequestName<P>>(method: K, result: unknown) => {
      const p = maps.requests[method]![1].safeParse(result);
      return p.success ? (p.data as ResultOf<P, K>) : undefined;
    },
    hostNotify: (method, params) => ({ kind: 'notify', method, params }),
    webviewRequest: (id, method, params) => ({ kind: 'request', id, method, params }),
    webviewNotify: (method, params) => ({ kind: 'notify', method, params }),
    readyMessage: () => ({ kind: 'notify', method: 'ready' as NotifyName<P>, params: {} }),
  };
}

/** The handshake every view's app sends once its listeners are in place. */
export const ReadySchema = z.object({});
