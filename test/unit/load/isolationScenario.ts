// Input tokens per task: isolated role sessions (what Switchyard does) against one shared thread
// running the same scripted task. Shared by the unit test (isolation.test.ts) and bench/isolation.mjs.
//
// The isolated side is a real runTask over real SDK streams to the loopback server: scout →
// architect → implementer → critic (request-changes) → implementer → critic (approve) → final
// owner, gate approved. The shared side replays the same calls, in the same order, to the same models
// with the same replies, but as one conversation: each call appends what that role was newly given
// (its instructions the first time it speaks, then its new messages) to a single thread that carries
// every earlier turn, as a single-agent tool would. Input tokens are counted the same way on both
// sides, from what went over the wire: the loopback server's count (request body bytes / 4), which is
// also what the run record reports as tokens in for the isolated side.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { RoutingPolicySchema, type ModelSpec, type Stage } from '../../../src/core/config/policySchema';
import { applyResolved } from '../../../src/core/edits/applyResolved';
import { runTask } from '../../../src/core/pipeline/run';
import { fsWorkspaceReader } from '../../../src/core/pipeline/workspaceReader';
import { createProvider } from '../../../src/core/providers/createProvider';
import type { ChatMessage } from '../../../src/core/providers/types';
import { startLoopbackServer, type RecordedRequest } from '../../support/loopbackServer';

const KEY = 'sk-isolation-bench-0123456789abcdef';

const LOGIN = [
  "import { db } from '../db';",
  "import { createSession } from './session';",
  '',
  '/** Checks a user name and password and opens a session. */',
  'export async function login(user: string, password: string) {',
  '  if (!user || !password) throw new Error("missing credentials");',
  '  const row = await db.users.findOne({ name: user });',
  '  if (!row) return { ok: false, reason: "unknown user" };',
  '  if (row.password !== password) return { ok: false, reason: "wrong password" };',
  '  const session = await createSession(row.id);',
  '  return { ok: true, session };',
  '}',
  '',
].join('\n');
const SESSION = Array.from(
  { length: 40 },
  (_, i) => `export const SESSION_SETTING_${i} = ${i}; // tuning knob ${i} for session lifetime and renewal`,
).join('\n');
const DB = Array.from(
  { length: 30 },
  (_, i) => `export const table${i} = { name: 'table${i}', columns: ['id', 'a${i}', 'b${i}'] };`,
).join('\n');

const FILES: Record<string, string> = {
  'src/auth/login.ts': LOGIN,
  'src/auth/session.ts': SESSION + '\nexport async function createSession(id: string) { return { id }; }\n',
  'src/db.ts': DB + '\nexport const db: any = {};\n',
  'README.md': '# Accounts service\n\nLogin, sessions and the user table.\n',
};

const TASK = 'Hash passwords in the login flow in src/auth/login.ts and compare them with a constant-time check';

const json = (v: unknown) => '```json\n' + JSON.stringify(v) + '\n```';
const sr = (path: string, from: string, to: string) =>
  `${path}\n<<<<<<< SEARCH\n${from}\n=======\n${to}\n>>>>>>> REPLACE\n`;

function scriptedReplies(): Record<string, string[]> {
  return {
    scout: [
      json({
        relevantFiles: [
          { path: 'src/auth/login.ts', why: 'compares plain passwords' },
          { path: 'src/auth/session.ts', why: 'session creation after login' },
          { path: 'src/db.ts', why: 'user table' },
        ],
        facts: ['passwords are compared in plain text', 'no hashing library is imported yet'],
      }),
    ],
    architect: [
      json({
        summary: 'hash and compare in constant time',
        steps: ['import a hash helper', 'compare hashes with timingSafeEqual'],
        filesToTouch: ['src/auth/login.ts'],
        risks: ['existing users need a migration'],
      }),
    ],
    implementer: [
      'Hashing the password before comparing.\n\n' +
        sr(
          'src/auth/login.ts',
          '  if (row.password !== password) return { ok: false, reason: "wrong password" };',
          '  if (row.passwordHash !== hash(password)) return { ok: false, reason: "wrong password" };',
        ),
      'Using a constant-time comparison as asked.\n\n' +
        sr(
          'src/auth/login.ts',
          '  if (row.password !== password) return { ok: false, reason: "wrong password" };',
          '  if (!timingSafeEqual(Buffer.from(row.passwordHash), Buffer.from(hash(password)))) return { ok: false, reason: "wrong password" };',
        ),
    ],
    critic: [
      json({
        verdict: 'request-changes',
        summary: 'the comparison is not constant-time',
        findings: [
          {
            file: 'src/auth/login.ts',
            startLine: 9,
            endLine: 9,
            severity: 'major',
            message: '!== on hashes leaks timing; use crypto.timingSafeEqual',
          },
        ],
      }),
      json({ verdict: 'approve', summary: 'constant-time comparison in place', findings: [] }),
    ],
    finalOwner: [json({ verdict: 'approve', summary: 'fine after a human look', findings: [] })],
  };
}

function roleOfSystem(system: string): string | undefined {
  const roles: Array<[string, string]> = [
    ['You are the scout', 'scout'],
    ['You are the architect', 'architect'],
    ['You are the implementer', 'implementer'],
    ['You are the critic', 'critic'],
    ['You are the final owner', 'finalOwner'],
  ];
  return roles.find(([p]) => system.startsWith(p))?.[1];
}

/** Input tokens as the loopback server counts them (and reports them back as usage). */
const wireTokens = (reqs: RecordedRequest[]) =>
  reqs.reduce((n, r) => n + Math.max(1, Math.ceil(r.rawBody.length / 4)), 0);

export interface IsolationOutcome {
  calls: number;
  isolatedInputTokens: number;
  sharedInputTokens: number;
  /** isolated / shared: below 1 means isolation sends less. */
  ratio: number;
  /** What the run record says (the product's own count) for the isolated side. */
  recordedInputTokens: number;
  outcome: string;
  stages: string[];
}

export async function measureIsolation(): Promise<IsolationOutcome> {
  const server = await startLoopbackServer();
  const root = mkdtempSync(join(tmpdir(), 'switchyard-isolation-'));
  try {
    for (const [rel, text] of Object.entries(FILES)) {
      mkdirSync(dirname(join(root, rel)), { recursive: true });
      writeFileSync(join(root, rel), text);
    }
    const m = (id: string, provider: 'anthropic' | 'openai', model: string, tier: 'cheap' | 'standard' | 'strong') => ({
      id,
      provider,
      model,
      vendor: provider,
      baseUrl: provider === 'anthropic' ? server.anthropicBaseUrl : server.openaiBaseUrl,
      price: { inputPerMTok: 1, outputPerMTok: 5 },
      tier,
    });
    const policy = RoutingPolicySchema.parse({
      models: [
        m('sonnet', 'anthropic', 'claude-sonnet-test', 'standard'),
        m('haiku', 'anthropic', 'claude-haiku-test', 'cheap'),
        m('gpt', 'openai', 'gpt-test', 'strong'),
      ],
      stages: { scout: ['haiku'], architect: ['gpt'], implementer: ['sonnet'], critic: ['gpt'], finalOwner: ['gpt'] },
      rules: { retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 10 }, budgets: { perTaskUsd: 100 } },
    });
    const providerFor = (spec: ModelSpec) => createProvider(spec, { apiKey: KEY, baseUrl: spec.baseUrl });

    // Isolated: the real pipeline.
    const queues = scriptedReplies();
    const repliesInOrder: string[] = [];
    server.setHandler((req) => {
      const role = roleOfSystem(req.system);
      const text = role ? queues[role]?.shift() : undefined;
      if (text === undefined) return undefined;
      repliesInOrder.push(text);
      return { text };
    });
    const r = await runTask({
      task: TASK,
      policy,
      availability: () => undefined,
      providerFor,
      root,
      workspace: fsWorkspaceReader(root),
      gate: async () => true,
      apply: (resolved) => applyResolved(resolved, root),
    });
    const entries = r.boundary.all();
    if (entries.length !== repliesInOrder.length) {
      throw new Error(`isolation scenario: ${entries.length} calls recorded but ${repliesInOrder.length} replies sent`);
    }
    const isolatedInputTokens = wireTokens(server.requests);

    // Shared: the same calls as one conversation.
    server.reset();
    let k = 0;
    server.setHandler(() => ({ text: repliesInOrder[k++] ?? '' }));
    const thread: ChatMessage[] = [];
    const sentBefore = new Map<Stage, number>();
    const SYSTEM =
      'You are a coding agent. You play several roles in turn (scout, architect, implementer, critic, final owner); each role’s instructions appear in the conversation when it first speaks.';
    for (const [i, e] of entries.entries()) {
      const first = !sentBefore.has(e.stage);
      const fresh = e.messages.slice(sentBefore.get(e.stage) ?? 0).filter((msg) => msg.role === 'user');
      sentBefore.set(e.stage, e.messages.length + 1); // + the reply it got
      const content = [first ? `Instructions for the ${e.stage}:\n${e.system}` : '', ...fresh.map((msg) => msg.content)]
        .filter(Boolean)
        .join('\n\n');
      thread.push({ role: 'user', content });
      const spec = policy.models.find((x) => x.id === e.modelId)!;
      const provider = await providerFor(spec);
      for await (const ev of provider.stream({ system: SYSTEM, messages: thread.map((x) => ({ ...x })) })) void ev;
      thread.push({ role: 'assistant', content: repliesInOrder[i]! });
    }
    const sharedInputTokens = wireTokens(server.requests);
    return {
      calls: entries.length,
      isolatedInputTokens,
      sharedInputTokens,
      ratio: isolatedInputTokens / sharedInputTokens,
      recordedInputTokens: r.record.totals.tokensIn,
      outcome: r.outcome,
      stages: entries.map((e) => `${e.stage}#${e.round}`),
    };
  } finally {
    await server.close();
    rmSync(root, { recursive: true, force: true });
  }
}
