// The agent's only way to its model: a gateway on loopback that forwards each of the agent's API
// requests to the base URL the destination rules allowed (its vendor's, or the one the user
// configured) and reads the usage out of each response as it streams back. One forwarded model
// request is one turn, for Claude Code and Codex alike, so both agents' limits are kept the same
// way: a request over the turn limit is refused without being sent, and the limit watch hears of
// every response's tokens the moment it ends (neither SDK reports usage per request itself; Codex
// only per whole task). The agent's key passes through in its own header; nothing is logged.
import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { AgentUsage } from './agentTypes';

export interface GatewayMeter {
  /** Whether another model request may be sent (false: refused, the agent is being stopped). */
  admit(): boolean;
  /** One model response ended, with the tokens it reported. */
  responded(usage: AgentUsage): void;
}

/** Requests that are model turns: Anthropic messages and OpenAI responses (not token counting, not model lists). */
const TURN_PATH = /\/(messages|responses|chat\/completions)(\?|$)/;
const DROP_HEADERS = new Set(['host', 'connection', 'accept-encoding', 'content-length', 'keep-alive']);
const MAX_JSON_BODY = 4 * 1024 * 1024;

export class MeteredGateway {
  private server: Server | undefined;

  private constructor(
    private readonly upstream: URL,
    private readonly meter: GatewayMeter,
  ) {}

  /** Starts a gateway to `upstream` (a base URL: its path is kept in front of each request's). */
  static async start(upstream: string, meter: GatewayMeter): Promise<{ gateway: MeteredGateway; url: string }> {
    const g = new MeteredGateway(new URL(upstream), meter);
    const server = createServer((req, res) => g.forward(req, res));
    g.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    return { gateway: g, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
  }

  async close(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((r) => s.close(() => r()));
  }

  private forward(req: IncomingMessage, res: ServerResponse): void {
    const turn = req.method === 'POST' && TURN_PATH.test(req.url ?? '');
    if (turn && !this.meter.admit()) {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ type: 'error', error: { type: 'invalid_request_error', message: STOPPED } }));
      req.resume();
      return;
    }
    const base = this.upstream.pathname.replace(/\/$/, '');
    const target = new URL(this.upstream.origin + base + (req.url ?? '/'));
    const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => !DROP_HEADERS.has(k)));
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    const up = send(target, { method: req.method, headers: { ...headers, host: target.host } }, (upRes) => {
      res.writeHead(upRes.statusCode ?? 502, upRes.headers);
      const tap = turn ? new UsageTap() : undefined;
      upRes.on('data', (d: Buffer) => {
        tap?.push(d);
        res.write(d);
      });
      upRes.on('end', () => {
        res.end();
        if (tap) this.meter.responded(tap.end());
      });
      upRes.on('error', () => res.destroy());
    });
    up.on('error', (e) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: `Switchyard's gateway could not reach the model: ${e.message}` } }));
    });
    req.pipe(up);
    res.on('close', () => up.destroy());
  }
}

const STOPPED = 'Switchyard stopped this agent: it reached one of its limits. Do not retry.';

/** Reads the usage a response reports, as an SSE stream (Anthropic, OpenAI) or one JSON body. */
class UsageTap {
  private text = '';
  private readonly seen: AgentUsage = { inputTokens: 0, outputTokens: 0 };
  private cached = 0;
  private sse = false;

  push(d: Buffer): void {
    this.text += d.toString('utf8');
    if (this.text.startsWith('event:') || this.text.startsWith('data:')) this.sse = true;
    if (!this.sse) {
      if (this.text.length > MAX_JSON_BODY) this.text = '';
      return;
    }
    const lines = this.text.split('\n');
    this.text = lines.pop() ?? '';
    for (const l of lines) if (l.startsWith('data:')) this.take(l.slice(5));
  }

  end(): AgentUsage {
    if (this.sse) {
      if (this.text.startsWith('data:')) this.take(this.text.slice(5));
    } else this.take(this.text);
    return { ...this.seen, ...(this.cached ? { cachedInputTokens: this.cached } : {}) };
  }

  private take(json: string): void {
    let v: unknown;
    try {
      v = JSON.parse(json);
    } catch {
      return;
    }
    const o = (v ?? {}) as Record<string, Record<string, unknown> | undefined>;
    for (const u of [o['usage'], o['message']?.['usage'], o['response']?.['usage']]) {
      if (u && typeof u === 'object') this.add(u as Record<string, unknown>);
    }
  }

  /** Anthropic counts cache reads and writes apart from input_tokens; OpenAI counts them in it. A stream repeats totals: keep the largest. */
  private add(u: Record<string, unknown>): void {
    const n = (k: string) => (typeof u[k] === 'number' ? (u[k] as number) : 0);
    const details = (u['input_tokens_details'] ?? {}) as Record<string, unknown>;
    const cachedOpenAi = typeof details['cached_tokens'] === 'number' ? details['cached_tokens'] : 0;
    const input =
      n('input_tokens') + n('prompt_tokens') + n('cache_creation_input_tokens') + n('cache_read_input_tokens');
    this.seen.inputTokens = Math.max(this.seen.inputTokens, input);
    this.seen.outputTokens = Math.max(this.seen.outputTokens, n('output_tokens') + n('completion_tokens'));
    this.cached = Math.max(this.cached, n('cache_read_input_tokens') + cachedOpenAi);
  }
}
