// A loopback OTLP/HTTP collector for the tests: accepts POST /v1/traces and /v1/metrics in protobuf
// or JSON, decodes what arrived (otlpDecode.ts) and keeps the raw bytes too, so a test can assert
// both the spans and metrics a run produced and that a string (a prompt, a key) is nowhere in what
// was sent. It can also play a broken collector: answer with an error status, or accept requests
// and never answer. Nothing here is product code.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import {
  decodeMetricsJson,
  decodeMetricsProtobuf,
  decodeTracesJson,
  decodeTracesProtobuf,
  type OtlpPoint,
  type OtlpSpan,
} from './otlpDecode';

export interface ReceivedRequest {
  path: string;
  contentType: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

export type ReceiverMode = 'ok' | 'hang' | { status: number };

export interface OtlpReceiver {
  /** Base endpoint, as OTEL_EXPORTER_OTLP_ENDPOINT takes it: http://127.0.0.1:PORT */
  url: string;
  requests: ReceivedRequest[];
  spans: OtlpSpan[];
  /** Every metric point received, export after export (cumulative sums repeat in each). */
  points: OtlpPoint[];
  /** The points of the last metrics export: the latest value of every series. */
  lastMetrics(): OtlpPoint[];
  setMode(mode: ReceiverMode): void;
  /** Whether these exact bytes (UTF-8) appear in anything received: "this text was never sent" checks. */
  received(text: string): boolean;
  /** Resolves once `cond` holds, polling; rejects after `ms` naming `what`. */
  waitFor(cond: () => boolean, what: string, ms?: number): Promise<void>;
  reset(): void;
  close(): Promise<void>;
}

export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const requests: ReceivedRequest[] = [];
  const spans: OtlpSpan[] = [];
  const points: OtlpPoint[] = [];
  let lastMetrics: OtlpPoint[] = [];
  const sockets = new Set<Socket>();
  let mode: ReceiverMode = 'ok';

  const handle = (req: IncomingMessage, res: ServerResponse, body: Buffer) => {
    const path = req.url ?? '';
    const contentType = String(req.headers['content-type'] ?? '');
    requests.push({ path, contentType, headers: req.headers, body });
    if (mode === 'hang') return; // never answered; the socket stays open until close()
    if (typeof mode === 'object') {
      res.writeHead(mode.status, { 'content-type': 'application/json' }).end('{"error":"loopback collector says no"}');
      return;
    }
    const json = contentType.includes('json');
    try {
      if (path === '/v1/traces') spans.push(...(json ? decodeTracesJson(body) : decodeTracesProtobuf(body)));
      else if (path === '/v1/metrics') {
        lastMetrics = json ? decodeMetricsJson(body) : decodeMetricsProtobuf(body);
        points.push(...lastMetrics);
      } else return void res.writeHead(404).end();
    } catch (err) {
      return void res.writeHead(400).end(String(err));
    }
    // An empty Export*ServiceResponse is a valid reply in both encodings.
    res.writeHead(200, { 'content-type': json ? 'application/json' : 'application/x-protobuf' }).end(json ? '{}' : '');
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handle(req, res, Buffer.concat(chunks)));
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    spans,
    points,
    lastMetrics: () => lastMetrics,
    setMode: (m) => {
      mode = m;
    },
    received: (text) => requests.some((r) => r.body.includes(Buffer.from(text, 'utf8'))),
    async waitFor(cond, what, ms = 10_000) {
      const until = Date.now() + ms;
      while (!cond()) {
        if (Date.now() > until) throw new Error(`OTLP receiver: timed out after ${ms} ms waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    reset() {
      requests.length = 0;
      spans.length = 0;
      points.length = 0;
      lastMetrics = [];
      mode = 'ok';
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
