// A scripted model server on 127.0.0.1 that speaks the wire formats the real SDKs expect:
// OpenAI Chat Completions (streaming SSE and JSON), OpenAI Responses (text and function calls), and
// Anthropic Messages (streaming SSE and JSON). Tests script each reply (a queue, or a function of
// the request so a multi-role pipeline can answer each role), inject faults (429s with
// retry-after, spend caps, 5xx, 529, 401, cut streams, SSE errors after a 200, hangs, slow
// tokens) and read back every request that arrived. Nothing here is product code.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { responsesWire } from './responsesWire';

export type WireApi = 'openai-chat' | 'openai-responses' | 'anthropic-messages' | 'other';

export interface RecordedRequest {
  method: string;
  /** Path including any query string, e.g. "/v1/chat/completions". */
  path: string;
  api: WireApi;
  /** Lower-cased header names, as node:http gives them. */
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON body (undefined when the body was not JSON). Loosely typed on purpose: tests read arbitrary wire JSON. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
  rawBody: string;
  /** Date.now() when the request finished arriving. */
  time: number;
  /** The `model` field of the body, for convenience. */
  model?: string;
  /** System prompt text, whichever wire format carried it. */
  system: string;
  stream: boolean;
  /** True once the connection ended before the reply was complete (client abort or timeout, a cut, close()). */
  clientClosedEarly: boolean;
}

export interface ScriptedToolCall {
  id?: string;
  name: string;
  /** An object is JSON-encoded; a string is sent as-is (use it to send malformed JSON). */
  arguments: unknown;
}

export type Fault =
  /** 429 with a realistic rate-limit body; `retryAfterSeconds`/`retryAfterMs`/`retryAfterDate` set the headers. */
  | { kind: 'rate-limit'; retryAfterSeconds?: number; retryAfterMs?: number; retryAfterDate?: Date }
  /** Quota/billing exhaustion with each vendor's real wording. Default status: 429 (OpenAI), 400 (Anthropic). */
  | { kind: 'spend-cap'; status?: number }
  | { kind: 'server-error'; status?: number }
  /** 529 overloaded (Anthropic's code); pass status 503 for the OpenAI-style variant. */
  | { kind: 'overloaded'; status?: number }
  | { kind: 'auth'; status?: 401 | 403; echoKey?: boolean }
  | { kind: 'bad-request'; status?: number; message?: string }
  /** Destroy the socket after this many SSE chunks (0 = right after the headers). */
  | { kind: 'cut'; afterChunks: number }
  /** Send an SSE error event after this many chunks of a 200 stream. */
  | { kind: 'stream-error'; afterChunks: number; errorType?: string; message?: string }
  /** Drop the connection without any response (a connection reset before the headers). */
  | { kind: 'reset' }
  /** Accept the request and never answer (the socket stays open until close()). */
  | { kind: 'hang' }
  /** Send the 200 headers and then nothing at all. */
  | { kind: 'hang-after-headers' }
  /** Any status and body you like; a string body is sent as-is (e.g. a hand-made SSE stream). */
  | { kind: 'http'; status: number; body: unknown; headers?: Record<string, string> };

export interface Reply {
  /** Reply text; a string is split into a few chunks, an array is sent chunk by chunk. */
  text?: string | string[];
  /** Reasoning sent before the text, chunk by chunk: Anthropic thinking deltas, OpenAI-compatible reasoning_content. */
  thinking?: string[];
  toolCalls?: ScriptedToolCall[];
  /** Token counts to report; defaults are derived from the request and reply sizes. */
  usage?: { inputTokens: number; outputTokens: number };
  /** Wire-level stop reason; defaults to stop/end_turn or tool_calls/tool_use. */
  stopReason?: string;
  fault?: Fault;
  /** Delay before each SSE chunk after the first one, in ms; a function gets the chunk's index (0 = headers' first chunk). */
  chunkDelayMs?: number | ((index: number) => number);
  /** Delay before the response headers, in ms. */
  firstByteDelayMs?: number;
  /** Omit the usage chunk (OpenAI) even when the request asked for it. */
  omitUsage?: boolean;
  /** The model the reply says answered (a dated snapshot, as real APIs send); defaults to the requested one. */
  responseModel?: string;
}

export type ReplyFn = (req: RecordedRequest) => Reply | undefined;

export interface LoopbackServer {
  /** http://127.0.0.1:PORT */
  url: string;
  /** Base URL for the openai SDK (`${url}/v1`). */
  openaiBaseUrl: string;
  /** Base URL for @anthropic-ai/sdk (the SDK appends /v1/messages). */
  anthropicBaseUrl: string;
  /** Queue replies, answered in order, one per model request. */
  script(...replies: Array<Reply | ReplyFn>): void;
  /** Answer with this function whenever the queue is empty. Return undefined for "no reply scripted". */
  setHandler(fn: ReplyFn | undefined): void;
  /** Every model request received so far, oldest first. */
  readonly requests: RecordedRequest[];
  /** Replies still queued. */
  pending(): number;
  /** Forget queued replies, the handler and the recorded requests (between tests). */
  reset(): void;
  close(): Promise<void>;
}

export async function startLoopbackServer(): Promise<LoopbackServer> {
  const queue: Array<Reply | ReplyFn> = [];
  let handler: ReplyFn | undefined;
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  let closing = false;
  // Every scripted delay ends when the server closes, so no timer outlives a test file.
  const timers = new Set<{ t: ReturnType<typeof setTimeout>; done: () => void }>();
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      if (closing) return resolve();
      const entry = { t: setTimeout(() => entry.done(), ms), done: () => {} };
      entry.done = () => {
        clearTimeout(entry.t);
        timers.delete(entry);
        resolve();
      };
      timers.add(entry);
    });

  const server = createServer((req, res) => {
    void handle(req, res).catch((err) => {
      // A 400, not a 500: a broken script is a test bug, and the retry layer must not hide it behind retries.
      if (!res.headersSent && !res.destroyed) {
        res.writeHead(400, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            error: {
              message: `loopback server: the scripted reply threw: ${String(err)}`,
              type: 'invalid_request_error',
            },
          }),
        );
      }
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const rawBody = await readBody(req);
    const path = req.url ?? '/';
    const api = apiOf(req.method ?? 'GET', path);
    if (api === 'other') {
      if (req.method === 'GET' && /\/models\/?$/.test(path)) {
        sendJson(res, 200, { object: 'list', data: [] });
        return;
      }
      sendJson(res, 404, {
        error: { message: `loopback server: no route for ${req.method} ${path}`, type: 'invalid_request_error' },
      });
      return;
    }
    let body: RecordedRequest['body'];
    try {
      body = rawBody ? JSON.parse(rawBody) : undefined;
    } catch {
      body = undefined;
    }
    const rec: RecordedRequest = {
      method: req.method ?? 'GET',
      path,
      api,
      headers: { ...req.headers },
      body,
      rawBody,
      time: Date.now(),
      model: typeof body?.model === 'string' ? body.model : undefined,
      system: systemOf(api, body),
      stream: body?.stream === true,
      clientClosedEarly: false,
    };
    requests.push(rec);
    res.on('close', () => {
      if (!res.writableFinished) rec.clientClosedEarly = true;
    });

    // Like the real APIs: a tool call must be answered by its result in the very next turn.
    const toolProblem = toolTurnProblem(api, body);
    if (toolProblem) {
      sendError(res, api, 400, 'invalid_request_error', `loopback server: ${toolProblem}`);
      return;
    }
    const next = queue.shift();
    const reply = typeof next === 'function' ? next(rec) : (next ?? handler?.(rec));
    if (!reply) {
      // 400 so a retry layer does not loop on a test that forgot to script a reply.
      sendError(
        res,
        api,
        400,
        'invalid_request_error',
        `loopback server: no reply scripted for ${rec.method} ${path} (model ${rec.model ?? '?'})`,
      );
      return;
    }
    if (reply.firstByteDelayMs) await sleep(reply.firstByteDelayMs);
    if (reply.fault && (await sendFault(res, rec, reply.fault))) return;

    if (api === 'anthropic-messages') await sendAnthropic(res, rec, reply);
    else if (api === 'openai-responses') await sendResponses(res, rec, reply);
    else await sendChat(res, rec, reply);
  }

  /** Returns true when the fault fully answered the request; stream faults return false and act later. */
  async function sendFault(res: ServerResponse, rec: RecordedRequest, fault: Fault): Promise<boolean> {
    const anthropic = rec.api === 'anthropic-messages';
    switch (fault.kind) {
      case 'rate-limit': {
        const headers: Record<string, string> = {};
        if (fault.retryAfterSeconds !== undefined) headers['retry-after'] = String(fault.retryAfterSeconds);
        if (fault.retryAfterMs !== undefined) headers['retry-after-ms'] = String(fault.retryAfterMs);
        if (fault.retryAfterDate) headers['retry-after'] = fault.retryAfterDate.toUTCString();
        if (anthropic) {
          sendError(
            res,
            rec.api,
            429,
            'rate_limit_error',
            'This request would exceed the rate limit for your organization of 50 requests per minute. For details, refer to: https://docs.claude.com/en/api/rate-limits.',
            headers,
          );
        } else {
          sendJson(
            res,
            429,
            {
              error: {
                message: `Rate limit reached for ${rec.model ?? 'model'} in organization org-loopback on tokens per min (TPM): Limit 30000, Used 29950, Requested 812. Please try again in 1.524s.`,
                type: 'tokens',
                param: null,
                code: 'rate_limit_exceeded',
              },
            },
            headers,
          );
        }
        return true;
      }
      case 'spend-cap':
        if (anthropic) {
          sendError(
            res,
            rec.api,
            fault.status ?? 400,
            'invalid_request_error',
            'Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits.',
          );
        } else {
          sendJson(res, fault.status ?? 429, {
            error: {
              message:
                'You exceeded your current quota, please check your plan and billing details. For more information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.',
              type: 'insufficient_quota',
              param: null,
              code: 'insufficient_quota',
            },
          });
        }
        return true;
      case 'server-error':
        sendError(
          res,
          rec.api,
          fault.status ?? 500,
          anthropic ? 'api_error' : 'server_error',
          anthropic
            ? 'Internal server error'
            : 'The server had an error while processing your request. Sorry about that!',
        );
        return true;
      case 'overloaded':
        sendError(
          res,
          rec.api,
          fault.status ?? 529,
          'overloaded_error',
          anthropic ? 'Overloaded' : 'The engine is currently overloaded, please try again later',
        );
        return true;
      case 'auth': {
        const key = keyOf(rec);
        const shown = fault.echoKey ? key : key.length > 8 ? `${key.slice(0, 3)}****${key.slice(-4)}` : '****';
        if (anthropic)
          sendError(
            res,
            rec.api,
            fault.status ?? 401,
            'authentication_error',
            fault.echoKey ? `invalid x-api-key: ${shown}` : 'invalid x-api-key',
          );
        else
          sendJson(res, fault.status ?? 401, {
            error: {
              message: `Incorrect API key provided: ${shown}. You can find your API key at https://platform.openai.com/account/api-keys.`,
              type: 'invalid_request_error',
              param: null,
              code: 'invalid_api_key',
            },
          });
        return true;
      }
      case 'bad-request':
        sendError(
          res,
          rec.api,
          fault.status ?? 400,
          'invalid_request_error',
          fault.message ?? 'Invalid value for parameter: this request is malformed.',
        );
        return true;
      case 'reset':
        res.socket?.destroy();
        return true;
      case 'hang':
        // Never answer; close() destroys the socket.
        await new Promise<void>(() => {});
        return true;
      case 'hang-after-headers':
        res.writeHead(200, sseHeaders());
        res.flushHeaders();
        await new Promise<void>(() => {});
        return true;
      case 'http':
        if (typeof fault.body === 'string') {
          res.writeHead(fault.status, { 'content-type': 'text/plain', ...fault.headers });
          res.end(fault.body);
        } else {
          sendJson(res, fault.status, fault.body, fault.headers);
        }
        return true;
      case 'cut':
      case 'stream-error':
        return false;
    }
  }

  /** Writes SSE chunks, honouring per-chunk delays and the cut / stream-error faults. */
  async function writeStream(res: ServerResponse, rec: RecordedRequest, reply: Reply, chunks: string[]): Promise<void> {
    res.writeHead(200, sseHeaders());
    res.flushHeaders();
    const fault = reply.fault;
    for (let i = 0; i < chunks.length; i++) {
      if (fault?.kind === 'cut' && i === fault.afterChunks) {
        await cutAfterFlush(res);
        return;
      }
      if (fault?.kind === 'stream-error' && i === fault.afterChunks) {
        res.write(streamErrorChunk(rec.api, fault));
        res.end();
        return;
      }
      const delay =
        typeof reply.chunkDelayMs === 'function' ? reply.chunkDelayMs(i) : i > 0 ? (reply.chunkDelayMs ?? 0) : 0;
      if (delay > 0) await sleep(delay);
      if (res.destroyed || closing) return;
      res.write(chunks[i]);
    }
    if (fault?.kind === 'cut') {
      await cutAfterFlush(res);
      return;
    }
    if (fault?.kind === 'stream-error') {
      res.write(streamErrorChunk(rec.api, fault));
    }
    res.end();
  }

  async function sendChat(res: ServerResponse, rec: RecordedRequest, reply: Reply): Promise<void> {
    const id = `chatcmpl-loopback${requests.length}`;
    const created = Math.floor(Date.now() / 1000);
    const model = reply.responseModel ?? rec.model ?? 'loopback-model';
    const text = textChunks(reply.text);
    const calls = (reply.toolCalls ?? []).map((c, i) => ({
      id: c.id ?? `call_loopback_${i}`,
      name: c.name,
      args: argsText(c.arguments),
    }));
    const usage = reply.usage ?? defaultUsage(rec, text.join('') + calls.map((c) => c.args).join(''));
    const finish = reply.stopReason ?? (calls.length ? 'tool_calls' : 'stop');
    const wireUsage = {
      prompt_tokens: usage.inputTokens,
      completion_tokens: usage.outputTokens,
      total_tokens: usage.inputTokens + usage.outputTokens,
    };

    if (!rec.stream) {
      if (reply.fault?.kind === 'cut') {
        res.socket?.destroy();
        return;
      }
      sendJson(res, 200, {
        id,
        object: 'chat.completion',
        created,
        model,
        choices: [
          {
            index: 0,
            message: {
              role: 'assistant',
              content: text.length ? text.join('') : null,
              refusal: null,
              ...(calls.length
                ? {
                    tool_calls: calls.map((c) => ({
                      id: c.id,
                      type: 'function',
                      function: { name: c.name, arguments: c.args },
                    })),
                  }
                : {}),
            },
            logprobs: null,
            finish_reason: finish,
          },
        ],
        usage: wireUsage,
      });
      return;
    }

    const chunk = (delta: object, finishReason: string | null = null) =>
      sse(undefined, {
        id,
        object: 'chat.completion.chunk',
        created,
        model,
        choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
      });
    const chunks: string[] = [chunk({ role: 'assistant', content: '', refusal: null })];
    for (const t of reply.thinking ?? []) chunks.push(chunk({ reasoning_content: t }));
    for (const t of text) chunks.push(chunk({ content: t }));
    calls.forEach((c, index) => {
      chunks.push(
        chunk({ tool_calls: [{ index, id: c.id, type: 'function', function: { name: c.name, arguments: '' } }] }),
      );
      for (const part of splitInto(c.args, 3))
        chunks.push(chunk({ tool_calls: [{ index, function: { arguments: part } }] }));
    });
    chunks.push(chunk({}, finish));
    if (rec.body?.stream_options?.include_usage && !reply.omitUsage) {
      chunks.push(
        sse(undefined, { id, object: 'chat.completion.chunk', created, model, choices: [], usage: wireUsage }),
      );
    }
    chunks.push('data: [DONE]\n\n');
    await writeStream(res, rec, reply, chunks);
  }

  async function sendResponses(res: ServerResponse, rec: RecordedRequest, reply: Reply): Promise<void> {
    // The Responses API: text as a message item, tool calls as function_call items (responsesWire.ts).
    const text = textChunks(reply.text);
    const calls = (reply.toolCalls ?? []).map((c, i) => ({
      id: c.id ?? `call_loopback${requests.length}_${i}`,
      name: c.name,
      args: argsText(c.arguments),
    }));
    const { done, chunks } = responsesWire(
      {
        id: `resp_loopback${requests.length}`,
        model: reply.responseModel ?? rec.model ?? 'loopback-model',
        text,
        calls,
        usage: reply.usage ?? defaultUsage(rec, text.join('') + calls.map((c) => c.args).join('')),
      },
      sse,
    );
    if (!rec.stream) sendJson(res, 200, done);
    else await writeStream(res, rec, reply, chunks);
  }

  async function sendAnthropic(res: ServerResponse, rec: RecordedRequest, reply: Reply): Promise<void> {
    const id = `msg_loopback${requests.length}`;
    const model = reply.responseModel ?? rec.model ?? 'loopback-model';
    const text = textChunks(reply.text);
    const calls = (reply.toolCalls ?? []).map((c, i) => ({
      id: c.id ?? `toolu_loopback_${i}`,
      name: c.name,
      args: argsText(c.arguments),
    }));
    const usage = reply.usage ?? defaultUsage(rec, text.join('') + calls.map((c) => c.args).join(''));
    const stop = reply.stopReason ?? (calls.length ? 'tool_use' : 'end_turn');

    if (!rec.stream) {
      if (reply.fault?.kind === 'cut') {
        res.socket?.destroy();
        return;
      }
      const content: object[] = [];
      if (text.length) content.push({ type: 'text', text: text.join('') });
      for (const c of calls) content.push({ type: 'tool_use', id: c.id, name: c.name, input: safeParse(c.args) });
      sendJson(res, 200, {
        id,
        type: 'message',
        role: 'assistant',
        model,
        content,
        stop_reason: stop,
        stop_sequence: null,
        usage: { input_tokens: usage.inputTokens, output_tokens: usage.outputTokens },
      });
      return;
    }

    const chunks: string[] = [
      sse('message_start', {
        type: 'message_start',
        message: {
          id,
          type: 'message',
          role: 'assistant',
          model,
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: { input_tokens: usage.inputTokens, output_tokens: 1 },
        },
      }),
    ];
    let index = 0;
    if (reply.thinking?.length) {
      chunks.push(
        sse('content_block_start', {
          type: 'content_block_start',
          index,
          content_block: { type: 'thinking', thinking: '', signature: '' },
        }),
      );
      for (const t of reply.thinking)
        chunks.push(
          sse('content_block_delta', {
            type: 'content_block_delta',
            index,
            delta: { type: 'thinking_delta', thinking: t },
          }),
        );
      chunks.push(
        sse('content_block_delta', {
          type: 'content_block_delta',
          index,
          delta: { type: 'signature_delta', signature: 'loopback-signature' },
        }),
      );
      chunks.push(sse('content_block_stop', { type: 'content_block_stop', index }));
      index++;
    }
    if (text.length) {
      chunks.push(
        sse('content_block_start', { type: 'content_block_start', index, content_block: { type: 'text', text: '' } }),
      );
      chunks.push(sse('ping', { type: 'ping' }));
      for (const t of text)
        chunks.push(
          sse('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'text_delta', text: t } }),
        );
      chunks.push(sse('content_block_stop', { type: 'content_block_stop', index }));
      index++;
    }
    for (const c of calls) {
      chunks.push(
        sse('content_block_start', {
          type: 'content_block_start',
          index,
          content_block: { type: 'tool_use', id: c.id, name: c.name, input: {} },
        }),
      );
      for (const part of splitInto(c.args, 3)) {
        chunks.push(
          sse('content_block_delta', {
            type: 'content_block_delta',
            index,
            delta: { type: 'input_json_delta', partial_json: part },
          }),
        );
      }
      chunks.push(sse('content_block_stop', { type: 'content_block_stop', index }));
      index++;
    }
    chunks.push(
      sse('message_delta', {
        type: 'message_delta',
        delta: { stop_reason: stop, stop_sequence: null },
        usage: { output_tokens: usage.outputTokens },
      }),
    );
    chunks.push(sse('message_stop', { type: 'message_stop' }));
    await writeStream(res, rec, reply, chunks);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;

  return {
    url,
    openaiBaseUrl: `${url}/v1`,
    anthropicBaseUrl: url,
    script: (...replies) => void queue.push(...replies),
    setHandler: (fn) => void (handler = fn),
    requests,
    pending: () => queue.length,
    reset: () => {
      queue.length = 0;
      handler = undefined;
      requests.length = 0;
    },
    close: async () => {
      closing = true;
      for (const t of [...timers]) t.done();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Hanging requests and keep-alive connections would hold close() open forever.
      for (const s of sockets) s.destroy();
      server.closeAllConnections?.();
      await closed;
    },
  };
}

/** Lets the client read what was already written, then drops the connection without finishing the body. */
async function cutAfterFlush(res: ServerResponse): Promise<void> {
  await new Promise<void>((resolve) => res.write('', () => resolve()));
  // A reset socket can discard data the client has not read yet; give it a moment first.
  await new Promise<void>((r) => setTimeout(r, 25));
  res.socket?.destroy();
}

function apiOf(method: string, path: string): WireApi {
  if (method !== 'POST') return 'other';
  const p = path.split('?')[0] ?? '';
  if (p.endsWith('/chat/completions')) return 'openai-chat';
  if (p.endsWith('/responses')) return 'openai-responses';
  if (p.endsWith('/messages')) return 'anthropic-messages';
  return 'other';
}

type Loose = Record<string, unknown> | undefined;

function systemOf(api: WireApi, body: Loose): string {
  if (!body) return '';
  const textOf = (c: unknown): string =>
    typeof c === 'string'
      ? c
      : Array.isArray(c)
        ? c.map((b) => String((b as Loose)?.['text'] ?? '')).join('\n')
        : JSON.stringify(c ?? '');
  if (api === 'anthropic-messages') return body['system'] === undefined ? '' : textOf(body['system']);
  if (api === 'openai-responses') return typeof body['instructions'] === 'string' ? body['instructions'] : '';
  const messages = Array.isArray(body['messages']) ? (body['messages'] as Loose[]) : [];
  return messages
    .filter((m) => m?.['role'] === 'system' || m?.['role'] === 'developer')
    .map((m) => textOf(m?.['content']))
    .join('\n');
}

function keyOf(rec: RecordedRequest): string {
  const auth = rec.headers['authorization'];
  if (typeof auth === 'string' && auth.startsWith('Bearer ')) return auth.slice(7);
  const x = rec.headers['x-api-key'];
  return typeof x === 'string' ? x : '';
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (d: Buffer) => parts.push(d));
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    req.on('error', reject);
  });
}

function sseHeaders(): Record<string, string> {
  return { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive' };
}

function sse(event: string | undefined, data: unknown): string {
  return `${event ? `event: ${event}\n` : ''}data: ${JSON.stringify(data)}\n\n`;
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

function sendError(
  res: ServerResponse,
  api: WireApi,
  status: number,
  type: string,
  message: string,
  headers: Record<string, string> = {},
): void {
  if (api === 'anthropic-messages') sendJson(res, status, { type: 'error', error: { type, message } }, headers);
  else sendJson(res, status, { error: { message, type, param: null, code: null } }, headers);
}

function streamErrorChunk(api: WireApi, fault: { errorType?: string; message?: string }): string {
  if (api === 'anthropic-messages') {
    return sse('error', {
      type: 'error',
      error: { type: fault.errorType ?? 'overloaded_error', message: fault.message ?? 'Overloaded' },
    });
  }
  if (api === 'openai-responses') {
    return sse('error', {
      type: 'error',
      code: fault.errorType ?? 'server_error',
      message: fault.message ?? 'The server had an error while streaming.',
      param: null,
    });
  }
  return sse(undefined, {
    error: {
      message: fault.message ?? 'The server had an error while processing your request. Sorry about that!',
      type: fault.errorType ?? 'server_error',
      param: null,
      code: null,
    },
  });
}

function textChunks(text: string | string[] | undefined): string[] {
  if (text === undefined) return [];
  if (Array.isArray(text)) return text;
  if (text === '') return [];
  // Split after spaces into at most ~4 pieces so tests see several deltas.
  const words = text.split(/(?<= )/);
  const per = Math.max(1, Math.ceil(words.length / 4));
  const out: string[] = [];
  for (let i = 0; i < words.length; i += per) out.push(words.slice(i, i + per).join(''));
  return out;
}

function splitInto(s: string, n: number): string[] {
  if (s.length === 0) return [];
  const size = Math.max(1, Math.ceil(s.length / n));
  const out: string[] = [];
  for (let i = 0; i < s.length; i += size) out.push(s.slice(i, i + size));
  return out;
}

function argsText(args: unknown): string {
  return typeof args === 'string' ? args : JSON.stringify(args ?? {});
}

function safeParse(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return {};
  }
}

/** Deterministic token counts (about four characters a token) so cost assertions have something real to check. */
function defaultUsage(rec: RecordedRequest, output: string): { inputTokens: number; outputTokens: number } {
  return {
    inputTokens: Math.max(1, Math.ceil(rec.rawBody.length / 4)),
    outputTokens: Math.max(1, Math.ceil(output.length / 4)),
  };
}

type WireMessage = { role?: string; content?: unknown; tool_calls?: Array<{ id?: string }>; tool_call_id?: string };

/**
 * What the real APIs reject about tool turns, or undefined: OpenAI wants every assistant tool call
 * answered by a `tool` message with its id before the next assistant or user message; Anthropic
 * wants every `tool_use` answered by a `tool_result` block in the next (user) message, results first.
 */
export function toolTurnProblem(api: string, body: RecordedRequest['body']): string | undefined {
  const messages = (body as { messages?: WireMessage[] } | undefined)?.messages;
  if (!Array.isArray(messages)) return undefined;
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i]!;
    if (api === 'openai-chat' && m.role === 'assistant' && m.tool_calls?.length) {
      const answered = new Set<string>();
      for (let j = i + 1; j < messages.length && messages[j]!.role === 'tool'; j++)
        answered.add(messages[j]!.tool_call_id ?? '');
      const missing = m.tool_calls.map((c) => c.id ?? '').filter((id) => !answered.has(id));
      if (missing.length)
        return `assistant tool_calls must be followed by tool messages responding to each tool_call_id (missing: ${missing.join(', ')})`;
    }
    if (api === 'openai-chat' && m.role === 'tool' && !['assistant', 'tool'].includes(messages[i - 1]?.role ?? '')) {
      return "messages with role 'tool' must be a response to a preceding message with 'tool_calls'";
    }
    if (api === 'anthropic-messages' && m.role === 'assistant' && Array.isArray(m.content)) {
      const uses = (m.content as Array<{ type?: string; id?: string }>)
        .filter((b) => b.type === 'tool_use')
        .map((b) => b.id);
      if (!uses.length) continue;
      const next = messages[i + 1];
      const blocks = Array.isArray(next?.content)
        ? (next!.content as Array<{ type?: string; tool_use_id?: string }>)
        : [];
      const leading: string[] = [];
      for (const b of blocks) {
        if (b.type !== 'tool_result') break;
        leading.push(b.tool_use_id ?? '');
      }
      const missing = uses.filter((id) => !leading.includes(id ?? ''));
      if (next?.role !== 'user' || missing.length) {
        return `tool_use ids were found without tool_result blocks immediately after: ${missing.join(', ')}. Each tool_use block must have a corresponding tool_result block in the next message.`;
      }
    }
  }
  return undefined;
}
