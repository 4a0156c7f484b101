// Shared helpers for the hostile-input and fault suite: a sentinel API key handed to every
// provider, tree hashes taken before and after each case (so "nothing changed" is a byte-level
// claim, symlinks included), and one sweep that looks for the sentinel everywhere it must never
// appear — captured console output, the run record and the ledger file, the panel's protocol
// messages (built with the extension's own pure builders: RunModel + DeltaBatcher + hostNotify),
// the settings/policy in force, error messages, and every request the loopback server received
// (where the key may appear only in the auth header).
import { createHash, randomBytes } from 'node:crypto';
import {
  lstatSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  rmSync,
  mkdirSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { RoutingPolicySchema, type ModelSpec, type RoutingPolicy } from '../../../src/core/config/policySchema';
import { applyResolved } from '../../../src/core/edits/applyResolved';
import type { ApplyOutcome, ResolvedPlan } from '../../../src/core/edits/editPlan';
import { appendRecord } from '../../../src/core/ledger/ledgerFile';
import type { PipelineEvent } from '../../../src/core/stage/events';
import { runTask } from '../../../src/core/pipeline/run';
import type { GateRequest, RunResult, RunTaskOptions } from '../../../src/core/pipeline/runTypes';
import { fsWorkspaceReader } from '../../../src/core/pipeline/workspaceReader';
import { createProvider } from '../../../src/core/providers/createProvider';
import { hostNotify, type OutputDelta, type PanelStage } from '../../../src/protocol/panelProtocol';
import { DeltaBatcher } from '../../../src/vscode/panel/deltaBatcher';
import { RunModel } from '../../../src/vscode/runs/runModel';
import {
  startLoopbackServer,
  type LoopbackServer,
  type RecordedRequest,
  type Reply,
} from '../../support/loopbackServer';
import { approve, json, roleOf, type Role } from '../pipeline/harness';

/** A key nobody else uses, so any occurrence of it (or of its random part) is ours leaking. */
export function sentinelKey(): string {
  return `sk-sentinel-${randomBytes(16).toString('hex')}`;
}

/** The random part of a sentinel key: also catches a key cut short ("sk-sentinel-3fa9…"). */
export function sentinelCore(key: string): string {
  return key.replace(/^sk-sentinel-/, '').slice(0, 12);
}

export type TreeHashes = Map<string, string>;

/** sha256 of every file under root (dot folders included), symlinks by their target, folders by name. */
export function hashTree(root: string): TreeHashes {
  const out: TreeHashes = new Map();
  const walk = (dir: string, rel: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const abs = join(dir, e.name);
      const r = rel ? `${rel}/${e.name}` : e.name;
      const st = lstatSync(abs);
      if (st.isSymbolicLink()) out.set(r, `link:${readlinkSync(abs)}`);
      else if (st.isDirectory()) {
        out.set(r + '/', 'dir');
        walk(abs, r);
      } else out.set(r, createHash('sha256').update(readFileSync(abs)).digest('hex') + `:${st.mode.toString(8)}`);
    }
  };
  walk(root, '');
  return out;
}

/** Human-readable differences between two tree hashes ("" when identical). */
export function treeDiff(before: TreeHashes, after: TreeHashes): string {
  const lines: string[] = [];
  for (const [k, v] of before) {
    if (!after.has(k)) lines.push(`removed ${k}`);
    else if (after.get(k) !== v) lines.push(`changed ${k}`);
  }
  for (const k of after.keys()) if (!before.has(k)) lines.push(`added ${k}`);
  return lines.join('\n');
}

export function writeTree(root: string, files: Record<string, string | Buffer>): void {
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), content);
  }
}

/** Captures console output while a case runs (and still prints it, so a failure stays readable). */
export function captureConsole(): { lines: string[]; restore(): void } {
  const lines: string[] = [];
  const methods = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const;
  const saved = methods.map((m) => console[m]);
  for (const m of methods) {
    const orig = console[m];
    console[m] = (...args: unknown[]) => {
      lines.push(args.map((a) => (typeof a === 'string' ? a : safeJson(a))).join(' '));
      orig.apply(console, args);
    };
  }
  return {
    lines,
    restore() {
      methods.forEach((m, i) => (console[m] = saved[i]!));
    },
  };
}

function safeJson(v: unknown): string {
  if (v instanceof Error) return `${v.name}: ${v.message}\n${v.stack ?? ''}`;
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

/** Headers allowed to carry the key: the two auth headers the SDKs send. */
const AUTH_HEADERS = new Set(['authorization', 'x-api-key']);

export interface SweepInput {
  key: string;
  logs?: string[];
  /** Run records as objects (before the ledger's scrubber) and ledger files on disk. */
  records?: unknown[];
  ledgerFiles?: string[];
  webviewMessages?: string[];
  settings?: unknown[];
  /** Error messages, events, anything else shown or stored. */
  other?: Array<{ where: string; value: unknown }>;
  requests?: RecordedRequest[];
}

/** Every place the key (or its random part) was found, as "where: context"; empty when clean. */
export function sweepForKey(input: SweepInput): string[] {
  const needles = [input.key, sentinelCore(input.key)];
  const leaks: string[] = [];
  const check = (where: string, text: string) => {
    for (const n of needles) {
      const i = text.indexOf(n);
      if (i >= 0) {
        leaks.push(`${where}: …${text.slice(Math.max(0, i - 40), i + n.length + 20)}…`);
        return;
      }
    }
  };
  (input.logs ?? []).forEach((l, i) => check(`log line ${i}`, l));
  (input.records ?? []).forEach((r, i) => check(`run record ${i}`, safeJson(r)));
  for (const f of input.ledgerFiles ?? []) {
    let text = '';
    try {
      text = readFileSync(f, 'utf8');
    } catch {
      continue;
    }
    check(`ledger ${f}`, text);
  }
  (input.webviewMessages ?? []).forEach((m, i) => check(`webview message ${i}`, m));
  (input.settings ?? []).forEach((s, i) => check(`settings ${i}`, safeJson(s)));
  for (const o of input.other ?? []) check(o.where, typeof o.value === 'string' ? o.value : safeJson(o.value));
  (input.requests ?? []).forEach((r, i) => {
    check(`request ${i} body`, r.rawBody);
    check(`request ${i} path`, r.path);
    for (const [name, value] of Object.entries(r.headers)) {
      if (AUTH_HEADERS.has(name)) continue;
      check(`request ${i} header ${name}`, String(value));
    }
  });
  return leaks;
}

/** True when the request carried the key in its auth header: proves the sentinel was in play. */
export function carriedKey(req: RecordedRequest, key: string): boolean {
  return [req.headers['authorization'], req.headers['x-api-key']].some((h) => String(h ?? '').includes(key));
}

/**
 * The panel's traffic for a run, built the way the extension builds it: each event folded into a
 * RunModel (the state the panel shows), every change posted as run/state, deltas batched per frame
 * into stage/output, then a late-opening panel's run/snapshot. Serialised as postMessage would.
 */
export class PanelTraffic {
  readonly messages: string[] = [];
  readonly model: RunModel;
  private readonly batcher: DeltaBatcher;

  constructor(runId: string, task: string) {
    this.model = new RunModel(runId, task);
    this.batcher = new DeltaBatcher((deltas: OutputDelta[]) =>
      this.post(hostNotify('stage/output', { runId, deltas })),
    );
  }

  private post(msg: unknown): void {
    this.messages.push(JSON.stringify(msg));
  }

  onEvent(e: PipelineEvent): void {
    if (e.type === 'stage-delta') {
      if (e.stage) this.batcher.push(e.stage as PanelStage, e.text);
    }
    if (this.model.apply(e)) {
      this.batcher.flush();
      this.post(hostNotify('run/state', { run: this.model.view }));
    }
  }

  finish(): void {
    this.batcher.flush();
    this.batcher.dispose();
    this.post(hostNotify('run/snapshot', { run: this.model.view, outputs: Object.fromEntries(this.model.outputs) }));
  }
}

export type RoleReplies = Partial<Record<Role, Reply | ((req: RecordedRequest) => Reply)>>;

export interface HostileRun {
  server: LoopbackServer;
  root: string;
  /** A sibling folder outside the workspace (targets of escaping links); hashed too. */
  outside: string;
  key: string;
  ledgerFile: string;
  /** Sticky answers: each role gets the same reply every time it is asked (so retries repeat the hostile input). */
  replies: RoleReplies;
  events: PipelineEvent[];
  gates: GateRequest[];
  gateAnswer: boolean | ((req: GateRequest) => boolean | Promise<boolean>);
  applied: ResolvedPlan[];
  logs: string[];
  panel?: PanelTraffic;
  requestsOf(role: Role): RecordedRequest[];
  policy(over?: Parameters<typeof hostilePolicy>[1]): RoutingPolicy;
  run(task: string, extra?: Partial<RunTaskOptions>): Promise<RunResult>;
  /** Everything the sweep should look at after run(), for the key. */
  leaks(extra?: Partial<SweepInput>): string[];
  close(): Promise<void>;
}

interface PolicyOver {
  stages?: Partial<Record<'scout' | 'architect' | 'implementer' | 'critic' | 'finalOwner', string[]>>;
  rules?: Record<string, unknown>;
}

/**
 * Three models on the loopback server (two anthropic, one openai); by default one model per stage so
 * a fault surfaces as the run's error instead of being absorbed by a fallback.
 */
export function hostilePolicy(server: LoopbackServer, over: PolicyOver = {}): RoutingPolicy {
  const m = (id: string, provider: 'anthropic' | 'openai', model: string, tier: 'cheap' | 'standard' | 'strong') => ({
    id,
    provider,
    model,
    vendor: provider,
    baseUrl: provider === 'anthropic' ? server.anthropicBaseUrl : server.openaiBaseUrl,
    price: { inputPerMTok: 1, outputPerMTok: 5 },
    tier,
  });
  return RoutingPolicySchema.parse({
    models: [
      m('sonnet', 'anthropic', 'claude-sonnet-test', 'standard'),
      m('haiku', 'anthropic', 'claude-haiku-test', 'cheap'),
      m('gpt', 'openai', 'gpt-test', 'strong'),
    ],
    stages: {
      scout: ['haiku'],
      architect: ['gpt'],
      implementer: ['sonnet'],
      critic: ['gpt'],
      finalOwner: ['gpt'],
      ...over.stages,
    },
    rules: {
      retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 50 },
      timeouts: { firstTokenSeconds: 10, idleSeconds: 10, totalSeconds: 60 },
      ...over.rules,
    },
  });
}

export async function startHostileRun(files: Record<string, string | Buffer>): Promise<HostileRun> {
  const server = await startLoopbackServer();
  const base = mkdtempSync(join(tmpdir(), 'switchyard-hostile-'));
  const root = join(base, 'ws');
  const outside = join(base, 'outside');
  mkdirSync(root);
  mkdirSync(outside);
  writeFileSync(join(outside, 'secret.txt'), 'outside the workspace\n');
  writeTree(root, files);
  const key = sentinelKey();
  const ledgerFile = join(base, 'ledger', 'runs.jsonl');
  const policies: RoutingPolicy[] = [];
  const h: HostileRun = {
    server,
    root,
    outside,
    key,
    ledgerFile,
    // Roles a case does not care about give a harmless, valid answer.
    replies: {
      scout: json({ relevantFiles: [], facts: ['nothing relevant beyond the task'] }),
      architect: json({ summary: 'make the change', steps: ['edit the file'], filesToTouch: [], risks: [] }),
      critic: approve(),
      finalOwner: approve('final owner agrees'),
    },
    events: [],
    gates: [],
    gateAnswer: false,
    applied: [],
    logs: [],
    requestsOf: (role) => server.requests.filter((r) => roleOf(r) === role),
    policy: (over) => hostilePolicy(server, over),
    async run(task, extra = {}) {
      const policy = extra.policy ?? hostilePolicy(server);
      policies.push(policy);
      const runId = extra.runId ?? `hostile-${randomBytes(3).toString('hex')}`;
      h.panel = new PanelTraffic(runId, task);
      const panel = h.panel;
      const cap = captureConsole();
      try {
        const r = await runTask({
          task,
          runId,
          policy,
          availability: () => undefined,
          providerFor: (spec: ModelSpec) => createProvider(spec, { apiKey: key, baseUrl: spec.baseUrl }),
          root,
          workspace: fsWorkspaceReader(root),
          gate: async (req) => {
            h.gates.push(req);
            return typeof h.gateAnswer === 'function' ? h.gateAnswer(req) : h.gateAnswer;
          },
          apply: async (resolved): Promise<ApplyOutcome> => {
            h.applied.push(resolved);
            return applyResolved(resolved, root);
          },
          resilience: { sleep: async () => {}, random: () => 0 },
          ...extra,
          listeners: [(e) => h.events.push(e), (e) => panel.onEvent(e), ...(extra.listeners ?? [])],
        });
        panel.finish();
        // The host appends every record, passing the keys it knows (as the extension and CLI do).
        await appendRecord(ledgerFile, r.record, key);
        return r;
      } finally {
        cap.restore();
        h.logs.push(...cap.lines);
      }
    },
    leaks(extra = {}) {
      return sweepForKey({
        key,
        logs: h.logs,
        records: h.events.filter((e) => e.type === 'run-finished'),
        ledgerFiles: [ledgerFile],
        webviewMessages: h.panel?.messages ?? [],
        // The policy in force is what the settings and the workspace file hold.
        settings: policies,
        other: [{ where: 'pipeline events', value: h.events }],
        requests: server.requests,
        ...extra,
      });
    },
    async close() {
      await server.close();
      rmSync(base, { recursive: true, force: true });
    },
  };
  server.setHandler((req) => {
    const role = roleOf(req);
    const r = role ? h.replies[role] : undefined;
    if (!r) return undefined;
    return typeof r === 'function' ? r(req) : r;
  });
  return h;
}

/** The run's error as one string (kind + message) for matching. */
export function runError(events: PipelineEvent[]): { kind: string; message: string } | undefined {
  const fin = events.find((e) => e.type === 'run-finished');
  return fin && fin.type === 'run-finished' ? fin.error : undefined;
}
