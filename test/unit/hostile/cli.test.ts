// Hostile cases through the CLI (`switchyard route`, in-process, the built-in policy, keys and base
// URLs from a fake environment): the terminal output is the CLI's log, so the sentinel keys are
// searched in stdout and stderr as well as the ledger file and the request bodies.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runRoute } from '../../../src/cli/route';
import type { VerbIo } from '../../../src/cli/verbIo';
import { startLoopbackServer, type LoopbackServer, type Reply } from '../../support/loopbackServer';
import { approve, roleOf, searchReplace, type Role } from '../pipeline/harness';
import { carriedKey, hashTree, sentinelKey, sweepForKey, treeDiff } from './support';

interface CliCase {
  server: LoopbackServer;
  root: string;
  ledger: string;
  keys: string[];
  out: string[];
  err: string[];
  asked: string[];
  io: VerbIo;
  close(): Promise<void>;
}

async function cliCase(
  files: Record<string, string>,
  replies: Partial<Record<Role, Reply>>,
  answer?: boolean,
): Promise<CliCase> {
  const server = await startLoopbackServer();
  server.setHandler((req) => {
    const role = roleOf(req);
    return role ? replies[role] : undefined;
  });
  const base = mkdtempSync(join(tmpdir(), 'switchyard-hostile-cli-'));
  const root = join(base, 'ws');
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
  const keys = [sentinelKey(), sentinelKey()];
  const out: string[] = [];
  const err: string[] = [];
  const asked: string[] = [];
  const io: VerbIo = {
    out: (t) => out.push(t),
    err: (t) => err.push(t),
    cwd: root,
    env: {
      OPENAI_API_KEY: keys[0],
      ANTHROPIC_API_KEY: keys[1],
      OPENAI_BASE_URL: server.openaiBaseUrl,
      ANTHROPIC_BASE_URL: server.anthropicBaseUrl,
    },
    ask:
      answer === undefined
        ? undefined
        : async (q) => {
            asked.push(q);
            return answer;
          },
  };
  return {
    server,
    root,
    ledger: join(base, 'runs.jsonl'),
    keys,
    out,
    err,
    asked,
    io,
    async close() {
      await server.close();
      rmSync(base, { recursive: true, force: true });
    },
  };
}

function leaks(c: CliCase): string[] {
  return c.keys.flatMap((key) =>
    sweepForKey({ key, logs: [...c.out, ...c.err], ledgerFiles: [c.ledger], requests: c.server.requests }),
  );
}

const README = '# Demo\n\nThis projcet routes tasks.\n';

test('route --yes with no terminal: a protected-path edit is not applied, stderr says a person must confirm', async () => {
  const c = await cliCase(
    { 'README.md': README, '.vscode/settings.json': '{\n  "a": 1\n}\n' },
    {
      implementer: searchReplace('.vscode/settings.json', '  "a": 1', '  "a": 1, "task.allowAutomaticTasks": "on"'),
      critic: approve(),
      finalOwner: approve(),
    },
  );
  try {
    const before = hashTree(c.root);
    const code = await runRoute(['Fix typo in README.md', '--yes', '--ledger', c.ledger], c.io);
    assert.equal(code, 1, c.err.join('\n'));
    // The rule names the path where it is said (once), and the refusal points back at it.
    assert.match(c.err.join('\n'), /escalated to a person: the diff touches protected paths: \.vscode\/settings\.json/);
    assert.match(c.err.join('\n'), /a person must confirm \(protected-path: see above\)/);
    assert.equal(treeDiff(before, hashTree(c.root)), '');
    assert.ok(c.server.requests.length > 0);
    assert.ok(c.server.requests.every((q) => c.keys.some((k) => carriedKey(q, k))));
    assert.deepEqual(leaks(c), []);
  } finally {
    await c.close();
  }
});

test('route at a terminal: the prompt names the protected path; answering no writes nothing', async () => {
  const c = await cliCase(
    { 'README.md': README, '.github/workflows/ci.yml': 'name: ci\non: push\n' },
    {
      implementer: searchReplace('.github/workflows/ci.yml', 'on: push', 'on: [push, pull_request_target]'),
      critic: approve(),
      finalOwner: approve(),
    },
    false,
  );
  try {
    const before = hashTree(c.root);
    const code = await runRoute(['Fix typo in README.md', '--ledger', c.ledger], c.io);
    assert.equal(code, 1);
    assert.equal(c.asked.length, 1);
    // The person reads the rule, naming the path, just above the prompt; the prompt points at it.
    assert.match(c.err.join('\n'), /protected paths: \.github\/workflows\/ci\.yml/);
    assert.match(c.asked[0]!, /a person must confirm, for the reasons above/);
    assert.equal(treeDiff(before, hashTree(c.root)), '');
    assert.deepEqual(leaks(c), []);
  } finally {
    await c.close();
  }
});

test('route against a 401 that echoes the key: a clear failure naming the variable; no key on the terminal or in the ledger', async () => {
  const c = await cliCase({ 'README.md': README }, { implementer: { fault: { kind: 'auth', echoKey: true } } });
  try {
    const before = hashTree(c.root);
    const code = await runRoute(['Fix typo in README.md', '--yes', '--ledger', c.ledger], c.io);
    assert.notEqual(code, 0);
    assert.match(c.err.join('\n'), /environment variable (ANTHROPIC|OPENAI)_API_KEY/);
    assert.equal(treeDiff(before, hashTree(c.root)), '');
    assert.deepEqual(leaks(c), []);
  } finally {
    await c.close();
  }
});
