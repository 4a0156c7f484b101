// The load scenario, shared by the unit test (test/unit/load/concurrentRuns.test.ts) and the bench
// (bench/load.mjs): N routed tasks started at once in one workspace against one loopback model
// server, every role answered by real SDK streams (several chunks with a delay, so streams
// interleave). Each task carries a marker (TASK-07) and owns one file; the server answers a role by
// the marker it finds in that role's request, so a reply routed to the wrong run would show up as a
// foreign marker in some role's history. Reports cross-talk findings, outcomes, wall time and the
// event loop's delay (perf_hooks.monitorEventLoopDelay) while the runs were in flight.
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { RoutingPolicySchema, type ModelSpec, type RoutingPolicy } from '../../../src/core/config/policySchema';
import { applyResolved } from '../../../src/core/edits/applyResolved';
import { runTask } from '../../../src/core/pipeline/run';
import type { RunResult } from '../../../src/core/pipeline/runTypes';
import { fsWorkspaceReader } from '../../../src/core/pipeline/workspaceReader';
import { createProvider } from '../../../src/core/providers/createProvider';
import {
  startLoopbackServer,
  type LoopbackServer,
  type RecordedRequest,
  type Reply,
} from '../../support/loopbackServer';

const KEY = 'sk-load-test-0123456789abcdef';
const MARK = /TASK-\d{2}/g;

export const marker = (i: number) => `TASK-${String(i).padStart(2, '0')}`;
const fileOf = (i: number) => `src/mod${String(i).padStart(2, '0')}.ts`;

/** Tasks of three shapes so the runs take different stage paths at the same time. */
export function taskText(i: number): string {
  const m = marker(i);
  switch (i % 3) {
    case 0:
      return `Fix typo in ${fileOf(i)} (${m})`;
    case 1:
      return `What does ${fileOf(i)} export? (${m})`;
    default:
      return `Refactor ${fileOf(i)} into smaller functions and add input validation (${m})`;
  }
}

function systemRole(system: string): string {
  if (system.startsWith('You are the scout')) return 'scout';
  if (system.startsWith('You are the architect')) return 'architect';
  if (system.startsWith('You answer a question')) return 'answer';
  if (system.startsWith('You are the implementer')) return 'implementer';
  if (system.startsWith('You are the critic')) return 'critic';
  if (system.startsWith('You are the final owner')) return 'finalOwner';
  return 'unknown';
}

function chunks(text: string, n: number): string[] {
  const size = Math.max(1, Math.ceil(text.length / n));
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

/** Answers each role for the one task whose marker its request carries. */
function replyFor(req: RecordedRequest, chunkDelayMs: number): Reply {
  const found = [...new Set(req.rawBody.match(MARK) ?? [])];
  if (found.length !== 1) {
    return { fault: { kind: 'bad-request', message: `load scenario: request carries markers [${found.join(', ')}]` } };
  }
  const m = found[0]!;
  const i = Number(m.slice(5));
  const role = systemRole(req.system);
  const json = (v: unknown) => '```json\n' + JSON.stringify(v) + '\n```';
  let text: string;
  switch (role) {
    case 'scout':
      text = json({ relevantFiles: [{ path: fileOf(i), why: m }], facts: [`${m}: one function`] });
      break;
    case 'architect':
      text = json({ summary: `${m} plan`, steps: [`${m}: split`], filesToTouch: [fileOf(i)], risks: [] });
      break;
    case 'answer':
      text = `${m}: ${fileOf(i)} exports value${i}.`;
      break;
    case 'implementer':
      text = `${m}: editing.\n\n${fileOf(i)}\n<<<<<<< SEARCH\nexport const value${i} = ${i};\n=======\nexport const value${i} = ${i} + 1; // ${m}\n>>>>>>> REPLACE\n`;
      break;
    case 'critic':
    case 'finalOwner':
      text = json({ verdict: 'approve', summary: `${m} looks right`, findings: [] });
      break;
    default:
      return {
        fault: { kind: 'bad-request', message: `load scenario: unknown role for "${req.system.slice(0, 40)}"` },
      };
  }
  return { text: chunks(text, 8), chunkDelayMs };
}

function policyFor(server: LoopbackServer, maxAttempts = 1): RoutingPolicy {
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
    },
    rules: {
      retry: { maxAttempts, baseDelayMs: 1, maxDelayMs: 10 },
      timeouts: { firstTokenSeconds: 30, idleSeconds: 30, totalSeconds: 120 },
      budgets: { perTaskUsd: 100 },
    },
  });
}

export interface LoadOutcome {
  n: number;
  results: RunResult[];
  /** One line per role call whose history mentions another task's marker or misses its own. */
  crossTalk: string[];
  /** Files that do not hold exactly what their own task wrote. */
  wrongFiles: string[];
  wallMs: number;
  maxDelayMs: number;
  p99DelayMs: number;
  meanDelayMs: number;
  requests: number;
  /**
   * The longest gap between 1 ms timer ticks, and the CPU this process used during it. A long gap
   * with little CPU is the machine not scheduling us (a loaded CI box), not our code blocking.
   */
  worstTickWallMs: number;
  worstTickCpuMs: number;
  /** The most CPU this process used within any single gap between ticks: our own longest block, at most. */
  maxGapCpuMs: number;
}

/** Samples the loop with a 1 ms timer, keeping the worst gap and the process CPU spent in it. */
function tickSampler(): { stop(): { wallMs: number; cpuMs: number; maxGapCpuMs: number } } {
  let worst = { wallMs: 0, cpuMs: 0 };
  let maxGapCpuMs = 0;
  let lastT = performance.now();
  let lastCpu = process.cpuUsage();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const tick = () => {
    const t = performance.now();
    const cpu = process.cpuUsage();
    const gap = t - lastT;
    const used = (cpu.user - lastCpu.user + cpu.system - lastCpu.system) / 1000;
    if (gap > worst.wallMs) worst = { wallMs: gap, cpuMs: used };
    if (used > maxGapCpuMs) maxGapCpuMs = used;
    lastT = t;
    lastCpu = cpu;
    timer = setTimeout(tick, 1);
  };
  timer = setTimeout(tick, 1);
  return {
    stop() {
      clearTimeout(timer);
      return { ...worst, maxGapCpuMs };
    },
  };
}

export async function runConcurrentTasks(
  opts: {
    n?: number;
    chunkDelayMs?: number;
    /** One after another instead: the bench's baseline. */ sequential?: boolean;
    /**
     * Every third task's implementer first gets a 500 or a stream cut right after its headers (retried by the
     * retry layer, so retries interleave with the other runs' streams).
     */
    faults?: boolean;
  } = {},
): Promise<LoadOutcome> {
  const n = opts.n ?? 20;
  const chunkDelayMs = opts.chunkDelayMs ?? 3;
  const server = await startLoopbackServer();
  const root = mkdtempSync(join(tmpdir(), 'switchyard-load-'));
  try {
    mkdirSync(join(root, 'src'));
    for (let i = 1; i <= n; i++) writeFileSync(join(root, fileOf(i)), `export const value${i} = ${i};\n`);
    server.setHandler((req) => replyFor(req, chunkDelayMs));
    const policy = policyFor(server, opts.faults ? 3 : 1);
    const start = (i: number) =>
      runTask({
        task: taskText(i),
        runId: `load-${marker(i)}`,
        policy,
        availability: () => undefined,
        providerFor: (spec: ModelSpec) => createProvider(spec, { apiKey: KEY, baseUrl: spec.baseUrl }),
        root,
        workspace: fsWorkspaceReader(root),
        gate: async () => true,
        apply: (resolved) => applyResolved(resolved, root),
      });

    const warm = async (shape: number) => {
      const i = 90 + shape; // 90, 91, 92: one of each shape (i % 3), each with its own file
      writeFileSync(join(root, fileOf(i)), `export const value${i} = ${i};\n`);
      await start(i);
    };
    // Warm-up outside the measurement: the first runs load the SDKs and compile each stage path's
    // code once (a one-time cost, not load): one run of each task shape, on files of their own.
    for (const w of [0, 1, 2]) await warm(w);
    server.reset();
    const faulted = new Set<string>();
    server.setHandler((req) => {
      const reply = replyFor(req, chunkDelayMs);
      const m = (req.rawBody.match(MARK) ?? [])[0];
      if (!opts.faults || !m || faulted.has(m) || Number(m.slice(5)) % 3 !== 0) return reply;
      if (!req.system.startsWith('You are the implementer')) return reply;
      faulted.add(m);
      return Number(m.slice(5)) % 2 === 0
        ? { fault: { kind: 'server-error', status: 500 } }
        : { ...reply, fault: { kind: 'cut', afterChunks: 0 } };
    });

    const h = monitorEventLoopDelay({ resolution: 5 });
    const ticks = tickSampler();
    h.enable();
    const t0 = performance.now();
    let results: RunResult[];
    if (opts.sequential) {
      results = [];
      for (let k = 0; k < n; k++) results.push(await start(k + 1));
    } else {
      results = await Promise.all(Array.from({ length: n }, (_, k) => start(k + 1)));
    }
    const wallMs = performance.now() - t0;
    h.disable();
    const worstTick = ticks.stop();

    const crossTalk: string[] = [];
    results.forEach((r, k) => {
      const own = marker(k + 1);
      for (const e of r.boundary.all()) {
        const text = [e.system, ...e.messages.map((m) => m.content)].join('\n');
        const seen = new Set(text.match(MARK) ?? []);
        const foreign = [...seen].filter((x) => x !== own);
        if (foreign.length || !seen.has(own)) {
          crossTalk.push(`${own} ${e.stage} round ${e.round}: saw [${[...seen].join(', ')}]`);
        }
      }
      if (r.runId !== `load-${own}`) crossTalk.push(`${own}: result carries run id ${r.runId}`);
    });
    const wrongFiles: string[] = [];
    for (let i = 1; i <= n; i++) {
      const text = readFileSync(join(root, fileOf(i)), 'utf8');
      const r = results[i - 1]!;
      const expected =
        r.outcome === 'applied'
          ? `export const value${i} = ${i} + 1; // ${marker(i)}\n`
          : `export const value${i} = ${i};\n`;
      if (text !== expected) wrongFiles.push(`${fileOf(i)} (${r.outcome}): ${JSON.stringify(text)}`);
    }
    return {
      n,
      results,
      crossTalk,
      wrongFiles,
      wallMs,
      maxDelayMs: h.max / 1e6,
      p99DelayMs: h.percentile(99) / 1e6,
      meanDelayMs: h.mean / 1e6,
      requests: server.requests.length,
      worstTickWallMs: worstTick.wallMs,
      worstTickCpuMs: worstTick.cpuMs,
      maxGapCpuMs: worstTick.maxGapCpuMs,
    };
  } finally {
    await server.close();
    rmSync(root, { recursive: true, force: true });
  }
}
