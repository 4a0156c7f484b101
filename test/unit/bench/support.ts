// Shared set-up for the bench tests: a small workspace, a benchmark set of three tasks, a policy
// whose models all point at one loopback server, and a server handler that answers each role by
// its system prompt and each implementer by model id (so the candidate can answer differently).
import { createHash } from 'node:crypto';
import { mkdtempSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { RoutingPolicySchema, type RoutingPolicy } from '../../../src/core/config/policySchema';
import type { BenchmarkSet } from '../../../src/core/bench/benchmarkSchema';
import type { LoopbackServer, RecordedRequest, Reply } from '../../support/loopbackServer';
import { roleOf, messagesText } from '../pipeline/harness';

export const FILES: Record<string, string> = {
  'README.md': '# Demo\n\nThis projcet routes tasks.\n',
  'src/limits.ts': 'export const LIMIT = 10;\n',
  'src/range.ts':
    'export function range(n: number) {\n  const out = [];\n  for (let i = 0; i < n - 1; i++) out.push(i);\n  return out;\n}\n',
};

export const TASKS = [
  'Fix typo in README.md',
  'Rename the constant LIMIT to MAX_ITEMS in src/limits.ts',
  'Fix the off-by-one in src/range.ts so the last item is included',
];

export function makeWorkspace(files: Record<string, string> = FILES): string {
  const root = mkdtempSync(join(tmpdir(), 'switchyard-bench-'));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
  return root;
}

/** sha256 over every path and its bytes under root: equal hashes mean a byte-identical tree. */
export function treeHash(root: string): string {
  const h = createHash('sha256');
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const abs = join(dir, name);
      const st = statSync(abs);
      h.update(relative(root, abs) + (st.isDirectory() ? '/' : '') + '\0');
      if (st.isDirectory()) walk(abs);
      else h.update(readFileSync(abs));
    }
  };
  walk(root);
  return h.digest('hex');
}

export function benchSet(): BenchmarkSet {
  return {
    version: 1,
    items: TASKS.map((task, i) => ({
      id: `item-${i + 1}`,
      task,
      addedAt: '2026-11-01T10:00:00.000Z',
      contextFiles: [],
    })),
  };
}

export const KEY = 'sk-test-bench-0123456789';

/** sonnet (anthropic) implements, gpt (openai) reviews; "newbie" (vendor mistral, cheap) is the candidate. */
export function benchPolicyInput(server: LoopbackServer, verifyCommand?: string, keyEnv?: string) {
  const price = (i: number, o: number) => ({ inputPerMTok: i, outputPerMTok: o });
  const k = keyEnv ? { apiKeyEnv: keyEnv } : {};
  return {
    models: [
      {
        id: 'sonnet',
        provider: 'anthropic',
        model: 'claude-sonnet-test',
        vendor: 'anthropic',
        baseUrl: server.anthropicBaseUrl,
        price: price(3, 15),
        ...k,
      },
      {
        id: 'gpt',
        provider: 'openai',
        model: 'gpt-test',
        vendor: 'openai',
        baseUrl: server.openaiBaseUrl,
        price: price(1.25, 10),
        ...k,
      },
      {
        id: 'newbie',
        provider: 'openai',
        model: 'newbie-test',
        vendor: 'mistral',
        baseUrl: server.openaiBaseUrl,
        price: price(0.5, 2),
        ...k,
      },
    ],
    stages: { scout: [], architect: [], implementer: ['sonnet'], critic: ['gpt'], finalOwner: [] },
    rules: {
      // One review, no second round and no final owner: each replay is exactly implementer + critic.
      maxReviewRounds: 0,
      escalation: { onDisagreement: false, onRisk: [] },
      humanGate: { onRisk: [] },
      retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 5 },
      timeouts: { firstTokenSeconds: 10, idleSeconds: 10, totalSeconds: 60 },
    },
    ...(verifyCommand ? { verify: { command: verifyCommand, timeoutSeconds: 30 } } : {}),
  };
}

export function benchPolicy(server: LoopbackServer, verifyCommand?: string): RoutingPolicy {
  return RoutingPolicySchema.parse(benchPolicyInput(server, verifyCommand));
}

// A real command in the scratch copy: fails when the change left a "BUG" marker in the sources.
export const VERIFY = 'if grep -rq BUG src; then echo "found a BUG marker"; exit 1; fi';

const sr = (path: string, from: string, to: string): string =>
  `${path}\n<<<<<<< SEARCH\n${from}\n=======\n${to}\n>>>>>>> REPLACE\n`;

/** The right edit for each task, and a wrong one (the candidate's mistake on the third task). */
const RIGHT: Record<string, string> = {
  README: sr('README.md', 'This projcet routes tasks.', 'This project routes tasks.'),
  LIMIT: sr('src/limits.ts', 'export const LIMIT = 10;', 'export const MAX_ITEMS = 10;'),
  'off-by-one': sr(
    'src/range.ts',
    '  for (let i = 0; i < n - 1; i++) out.push(i);',
    '  for (let i = 0; i < n; i++) out.push(i);',
  ),
};
const WRONG_RANGE = sr(
  'src/range.ts',
  '  for (let i = 0; i < n - 1; i++) out.push(i);',
  '  for (let i = 0; i <= n; i++) out.push(i); // BUG',
);

export const USAGE = {
  implementer: { inputTokens: 1000, outputTokens: 200 },
  critic: { inputTokens: 2000, outputTokens: 100 },
};

export interface HandlerOptions {
  /** The candidate gets the third task wrong (default true). */
  candidateWrongOnRange?: boolean;
}

export function benchHandler(opts: HandlerOptions = {}) {
  const wrong = opts.candidateWrongOnRange ?? true;
  return (req: RecordedRequest): Reply | undefined => {
    const role = roleOf(req);
    const text = messagesText(req);
    if (role === 'implementer') {
      const key = Object.keys(RIGHT).find((k) => text.includes(k === 'README' ? 'README.md' : k));
      if (!key) return { text: 'no idea', usage: USAGE.implementer };
      const reply = req.model === 'newbie-test' && wrong && key === 'off-by-one' ? WRONG_RANGE : RIGHT[key]!;
      return { text: reply, usage: USAGE.implementer };
    }
    if (role === 'critic') {
      const bad = text.includes('// BUG');
      const review = bad
        ? {
            verdict: 'request-changes',
            summary: 'loop runs past the end',
            findings: [
              {
                file: 'src/range.ts',
                startLine: 3,
                endLine: 3,
                severity: 'major',
                message: 'i <= n includes n itself',
              },
            ],
          }
        : { verdict: 'approve', summary: 'looks right', findings: [] };
      return { text: '```json\n' + JSON.stringify(review) + '\n```', usage: USAGE.critic };
    }
    return undefined;
  };
}
