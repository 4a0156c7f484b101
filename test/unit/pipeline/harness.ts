// Shared set-up for the pipeline's end-to-end tests: a loopback model server answering each role
// from its own queue (recognised by the role's system prompt), a policy pointing real SDK providers
// at it, a temporary workspace, and recording gate/apply callbacks.
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  RoutingPolicySchema,
  type ModelSpec,
  type RoutingPolicy,
  type RoutingPolicyInput,
} from '../../../src/core/config/policySchema';
import { applyResolved } from '../../../src/core/edits/applyResolved';
import type { ResolvedPlan } from '../../../src/core/edits/editPlan';
import { createProvider } from '../../../src/core/providers/createProvider';
import type { PipelineEvent } from '../../../src/core/stage/events';
import { runTask } from '../../../src/core/pipeline/run';
import type { GateRequest, RunResult, RunTaskOptions } from '../../../src/core/pipeline/runTypes';
import { fsWorkspaceReader } from '../../../src/core/pipeline/workspaceReader';
import type { ModelAvailability } from '../../../src/core/routing/decide';
import {
  startLoopbackServer,
  type LoopbackServer,
  type RecordedRequest,
  type Reply,
} from '../../support/loopbackServer';

export type Role = 'classifier' | 'scout' | 'architect' | 'answer' | 'implementer' | 'critic' | 'finalOwner';

export function roleOf(req: RecordedRequest): Role | undefined {
  const s = req.system;
  if (s.startsWith('You classify a software task')) return 'classifier';
  if (s.startsWith('You are the scout')) return 'scout';
  if (s.startsWith('You are the architect')) return 'architect';
  if (s.startsWith('You answer a question')) return 'answer';
  if (s.startsWith('You are the implementer')) return 'implementer';
  if (s.startsWith('You are the critic')) return 'critic';
  if (s.startsWith('You are the final owner')) return 'finalOwner';
  return undefined;
}

/** The user-visible text of every message in a request, whichever wire format carried it. */
export function messagesText(req: RecordedRequest): string {
  type WireMessage = { content?: string | Array<{ text?: string }> };
  const msgs: WireMessage[] = (req.body as { messages?: WireMessage[] } | undefined)?.messages ?? [];
  return msgs
    .map((m) =>
      typeof m.content === 'string'
        ? m.content
        : Array.isArray(m.content)
          ? m.content.map((c) => c.text ?? '').join('')
          : '',
    )
    .join('\n');
}

/** One queue of replies per role, answered in order by the role's system prompt (a function reply is called with the request). */
export function answerByRole(server: LoopbackServer): Record<Role, Array<Reply | ((req: RecordedRequest) => Reply)>> {
  const queues: Record<Role, Array<Reply | ((req: RecordedRequest) => Reply)>> = {
    classifier: [],
    scout: [],
    architect: [],
    answer: [],
    implementer: [],
    critic: [],
    finalOwner: [],
  };
  server.setHandler((req) => {
    const role = roleOf(req);
    const next = role ? queues[role].shift() : undefined;
    if (!next) return undefined;
    return typeof next === 'function' ? next(req) : next;
  });
  return queues;
}

export const KEY = 'sk-test-0123456789abcdef';

export function testPolicy(server: LoopbackServer, overrides: Partial<RoutingPolicyInput> = {}): RoutingPolicy {
  const anth = (id: string, model: string, price: [number, number], tier: 'cheap' | 'standard' | 'strong') => ({
    id,
    provider: 'anthropic' as const,
    model,
    vendor: 'anthropic',
    baseUrl: server.anthropicBaseUrl,
    price: { inputPerMTok: price[0], outputPerMTok: price[1] },
    tier,
  });
  const oai = (id: string, model: string, price: [number, number], tier: 'cheap' | 'standard' | 'strong') => ({
    id,
    provider: 'openai' as const,
    model,
    vendor: 'openai',
    baseUrl: server.openaiBaseUrl,
    price: { inputPerMTok: price[0], outputPerMTok: price[1] },
    tier,
  });
  return RoutingPolicySchema.parse({
    models: [
      anth('sonnet', 'claude-sonnet-test', [3, 15], 'standard'),
      anth('haiku', 'claude-haiku-test', [1, 5], 'cheap'),
      oai('gpt', 'gpt-test', [1.25, 10], 'strong'),
    ],
    stages: {
      scout: ['haiku'],
      architect: ['gpt'],
      implementer: ['sonnet', 'gpt'],
      critic: ['gpt', 'sonnet'],
      finalOwner: ['gpt', 'sonnet'],
    },
    ...overrides,
    rules: {
      retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 50 },
      timeouts: { firstTokenSeconds: 10, idleSeconds: 10, totalSeconds: 60 },
      ...(overrides.rules ?? {}),
    },
  });
}

export interface Harness {
  server: LoopbackServer;
  root: string;
  queues: Record<Role, Array<Reply | ((req: RecordedRequest) => Reply)>>;
  events: PipelineEvent[];
  gates: GateRequest[];
  applied: ResolvedPlan[];
  /** The answer the gate gives (default true). */
  gateAnswer: boolean;
  requestsOf(role: Role): RecordedRequest[];
  read(rel: string): string;
  run(task: string, extra?: Partial<RunTaskOptions>): Promise<RunResult>;
  close(): Promise<void>;
}

export async function startHarness(files: Record<string, string>): Promise<Harness> {
  const server = await startLoopbackServer();
  const root = mkdtempSync(join(tmpdir(), 'switchyard-run-'));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
  const queues = answerByRole(server);
  const h: Harness = {
    server,
    root,
    queues,
    events: [],
    gates: [],
    applied: [],
    gateAnswer: true,
    requestsOf: (role) => server.requests.filter((r) => roleOf(r) === role),
    read: (rel) => readFileSync(join(root, rel), 'utf8'),
    async run(task, extra = {}) {
      const policy = extra.policy ?? testPolicy(server);
      const availability: ModelAvailability = extra.availability ?? (() => undefined);
      return runTask({
        task,
        policy,
        availability,
        providerFor: (spec: ModelSpec) => createProvider(spec, { apiKey: KEY, baseUrl: spec.baseUrl }),
        root,
        workspace: fsWorkspaceReader(root),
        gate: async (req) => {
          h.gates.push(req);
          return h.gateAnswer;
        },
        apply: async (resolved) => {
          h.applied.push(resolved);
          return applyResolved(resolved, root);
        },
        resilience: { sleep: async () => {}, random: () => 0 },
        ...extra,
        listeners: [(e) => h.events.push(e), ...(extra.listeners ?? [])],
      });
    },
    async close() {
      await server.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
  return h;
}

export const searchReplace = (path: string, from: string, to: string, note = ''): Reply => ({
  text: `${note}${note ? '\n\n' : ''}${path}\n<<<<<<< SEARCH\n${from}\n=======\n${to}\n>>>>>>> REPLACE\n`,
});

export const json = (value: unknown): Reply => ({ text: '```json\n' + JSON.stringify(value) + '\n```' });

export const approve = (summary = 'looks right'): Reply => json({ verdict: 'approve', summary, findings: [] });
