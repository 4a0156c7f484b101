// One POST per export, over node:http(s), for the OTLP exporters. Ours rather than the SDK's: the
// SDK transport retries for up to its timeout (so a dead collector would keep a CLI alive for
// seconds) and keeps sockets alive between exports. Here a request that fails is dropped — the
// caller warns once — each request is bounded by the timeout, no socket outlives its request, and
// `abortAll` ends whatever is still in flight when the process wants to exit.
import * as http from 'node:http';
import * as https from 'node:https';
import type { ExportResponse, IExporterTransport } from '@opentelemetry/otlp-exporter-base';
import { OTLPExporterError } from '@opentelemetry/otlp-exporter-base';
import type { OtlpSignal } from './telemetryConfig';

/** Bytes of a collector's error body kept for the warning line. */
const ERROR_BODY_LIMIT = 300;
/** A collector's success reply is tiny; anything bigger is not read further. */
const RESPONSE_LIMIT = 64 * 1024;

export interface OtlpTransport extends IExporterTransport {
  /** Destroys every request still in flight (their exports fail, and are dropped). */
  abortAll(): void;
}

export function createOtlpTransport(signal: OtlpSignal): OtlpTransport {
  const url = new URL(signal.url);
  const client = url.protocol === 'https:' ? https : http;
  const contentType = signal.protocol === 'http/json' ? 'application/json' : 'application/x-protobuf';
  const inFlight = new Set<http.ClientRequest>();

  const send = (data: Uint8Array, timeoutMillis: number): Promise<ExportResponse> =>
    new Promise((resolve) => {
      let settled = false;
      const settle = (r: ExportResponse) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        inFlight.delete(req);
        resolve(r);
      };
      const req = client.request(
        url,
        {
          method: 'POST',
          // No keep-alive: an idle socket must not hold a finished CLI open.
          agent: false,
          headers: {
            ...signal.headers,
            'Content-Type': contentType,
            'Content-Length': data.byteLength,
            'User-Agent': 'switchyard-otlp',
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (c: Buffer) => {
            if (size < RESPONSE_LIMIT) chunks.push(c);
            size += c.length;
          });
          res.on('error', (err) => settle({ status: 'failure', error: err }));
          res.on('end', () => {
            const body = Buffer.concat(chunks);
            const status = res.statusCode ?? 0;
            if (status >= 200 && status < 300) return settle({ status: 'success', data: body });
            const text = body.toString('utf8', 0, Math.min(body.length, ERROR_BODY_LIMIT)).trim();
            settle({
              status: 'failure',
              error: new OTLPExporterError(`HTTP ${status}${text ? `: ${text}` : ''}`, status, text),
            });
          });
        },
      );
      inFlight.add(req);
      const timer = setTimeout(() => req.destroy(new Error(`no answer within ${timeoutMillis} ms`)), timeoutMillis);
      timer.unref();
      req.on('error', (err) => settle({ status: 'failure', error: err }));
      req.end(data);
    });

  return {
    send,
    shutdown: () => undefined,
    abortAll() {
      for (const req of inFlight) req.destroy(new Error('the process is exiting'));
      inFlight.clear();
    },
  };
}
