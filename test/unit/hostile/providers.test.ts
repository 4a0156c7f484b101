// Provider faults, end to end through the pipeline: each stage has one model (no fallback), so the
// fault is what the run reports. Real SDKs talk to the loopback server; every case checks the error
// kind and wording (model named, what to do next), that the workspace is byte-identical, and that the
// sentinel key — which a hostile 401 even echoes back — appears nowhere but the auth header.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Reply } from '../../support/loopbackServer';
import type { Role } from '../pipeline/harness';
import { searchReplace } from '../pipeline/harness';
import { carriedKey, hashTree, runError, startHostileRun, treeDiff, type HostileRun } from './support';

const README = '# Demo\n\nThis projcet routes tasks.\n';
const FIX = searchReplace('README.md', 'This projcet routes tasks.', 'This project routes tasks.');

interface FaultCase {
  role: Role;
  reply: Reply;
  kind: string | RegExp;
  says: RegExp;
  rules?: Record<string, unknown>;
  /** How many requests the faulty role should have received (retries included). */
  attempts?: number;
  maxMs?: number;
}

async function faultCase(c: FaultCase): Promise<{ h: HostileRun; slept: number[]; ms: number }> {
  const h = await startHostileRun({ 'README.md': README });
  const slept: number[] = [];
  try {
    h.replies.implementer = FIX;
    h.replies[c.role] = c.reply;
    const before = hashTree(h.root);
    const t0 = Date.now();
    const r = await h.run('Fix typo in README.md', {
      policy: h.policy({ rules: c.rules }),
      resilience: {
        sleep: async (ms) => {
          slept.push(ms);
        },
        random: () => 0,
      },
    });
    const ms = Date.now() - t0;
    assert.equal(r.outcome, 'failed', r.message);
    const err = runError(h.events);
    assert.ok(err, 'the run reports an error');
    if (process.env.HOSTILE_DEBUG) console.error(`[hostile] ${err.kind}: ${err.message}`);
    if (typeof c.kind === 'string') assert.equal(err.kind, c.kind, err.message);
    else assert.match(err.kind, c.kind);
    assert.match(err.message, c.says);
    const modelId = c.role === 'implementer' ? 'sonnet' : 'gpt';
    assert.match(err.message, new RegExp(`\\b${modelId}\\b`), 'the message names the model');
    if (c.attempts !== undefined) assert.equal(h.requestsOf(c.role).length, c.attempts, 'requests to the faulty role');
    if (c.maxMs !== undefined) assert.ok(ms < c.maxMs, `took ${ms} ms (limit ${c.maxMs})`);
    assert.equal(treeDiff(before, hashTree(h.root)), '', 'workspace bytes unchanged');
    assert.equal(h.applied.length, 0);
    assert.ok(
      h.server.requests.every((q) => carriedKey(q, h.key)),
      'the sentinel key was sent (in the auth header)',
    );
    assert.deepEqual(h.leaks(), []);
    return { h, slept, ms };
  } finally {
    await h.close();
  }
}

test('401 (the server even echoes the key back): auth error, no retry, says to set the key; key nowhere', async () => {
  await faultCase({
    role: 'implementer',
    reply: { fault: { kind: 'auth', echoKey: true } },
    kind: 'auth',
    says: /401|key/i,
    attempts: 1,
  });
});

test('429 with retry-after within the limit is waited out (the server’s figure), then the run fails once attempts run out', async () => {
  const { slept } = await faultCase({
    role: 'critic',
    reply: { fault: { kind: 'rate-limit', retryAfterMs: 40 } },
    kind: 'rate-limit',
    says: /429|rate/i,
    attempts: 2,
  });
  assert.ok(slept.includes(40), `waited ${slept.join(',')} ms, expected the server's 40 ms`);
});

test('429 with a retry-after longer than the policy allows is not waited out', async () => {
  const { slept } = await faultCase({
    role: 'implementer',
    reply: { fault: { kind: 'rate-limit', retryAfterSeconds: 3600 } },
    kind: 'rate-limit',
    says: /429|rate|retry/i,
    attempts: 1,
  });
  assert.ok(
    slept.every((ms) => ms <= 50),
    `never slept past maxDelayMs: ${slept.join(',')}`,
  );
});

test('429 spend cap: not retried, says it is a billing limit', async () => {
  await faultCase({
    role: 'critic',
    reply: { fault: { kind: 'spend-cap' } },
    kind: 'spend-cap',
    says: /quota|billing|spend|credit/i,
    attempts: 1,
  });
});

test('500: retried up to the policy’s attempts, then a server error naming the status', async () => {
  await faultCase({
    role: 'implementer',
    reply: { fault: { kind: 'server-error', status: 500 } },
    kind: 'server',
    says: /500/,
    attempts: 2,
  });
});

test('529 overloaded: retried, then reported as overloaded', async () => {
  await faultCase({
    role: 'implementer',
    reply: { fault: { kind: 'overloaded' } },
    kind: 'overloaded',
    says: /529|overloaded/i,
    attempts: 2,
  });
});

test('a connection reset mid-stream: the partial reply is not used as an answer', async () => {
  await faultCase({
    role: 'implementer',
    reply: { ...FIX, fault: { kind: 'cut', afterChunks: 2 } },
    kind: /network|stream/,
    says: /.+/,
  });
});

test('an SSE error event after a 200: reported as a stream error, nothing applied', async () => {
  await faultCase({
    role: 'critic',
    reply: { text: '{"verdict": "appr', fault: { kind: 'stream-error', afterChunks: 1, message: 'internal hiccup' } },
    kind: /stream-error|server|overloaded/,
    says: /.+/,
  });
});

test('a server that never answers: our first-token timeout fires (not the SDK’s 10 minutes)', async () => {
  await faultCase({
    role: 'implementer',
    reply: { fault: { kind: 'hang' } },
    rules: { timeouts: { firstTokenSeconds: 0.3, idleSeconds: 0.3, totalSeconds: 5 } },
    kind: 'timeout',
    says: /timeout|timed out|no (reply|answer|first)/i,
    maxMs: 5000,
  });
});

test('a server that sends headers and then nothing: the timeout fires just the same', async () => {
  await faultCase({
    role: 'critic',
    reply: { fault: { kind: 'hang-after-headers' } },
    rules: { timeouts: { firstTokenSeconds: 0.3, idleSeconds: 0.3, totalSeconds: 5 } },
    kind: 'timeout',
    says: /timeout|timed out|no (reply|answer|first)/i,
    maxMs: 5000,
  });
});

test('malformed structured output from the critic: sent back once, then invalid-output; nothing applied', async () => {
  await faultCase({
    role: 'critic',
    reply: { text: 'Looks fine to me! {verdict: approve,,' },
    kind: 'invalid-output',
    says: /JSON|review|valid/i,
    attempts: 2,
  });
});

test('a critic reply in the wrong schema: sent back once, then invalid-output naming the problem', async () => {
  await faultCase({
    role: 'critic',
    reply: { text: '```json\n{"verdict":"ship-it","comments":"lgtm"}\n```' },
    kind: 'invalid-output',
    says: /verdict|schema|expected/i,
    attempts: 2,
  });
});

test('a huge reply (a server ignoring max_tokens) is cut off at a bound, not accumulated whole', async () => {
  const h = await startHostileRun({ 'README.md': README });
  try {
    // ~24 MB of text when the implementer asked for at most a few thousand tokens.
    const chunk = 'All work and no play makes a dull model. '.repeat(2000);
    h.replies.implementer = { text: Array.from({ length: 300 }, () => chunk) };
    const before = hashTree(h.root);
    const r = await h.run('Fix typo in README.md');
    assert.equal(r.outcome, 'failed');
    const err = runError(h.events);
    assert.match(err?.message ?? '', /sonnet.*longer than the [\d,]+-character limit.*max_tokens/);
    assert.equal(h.requestsOf('implementer').length, 1, 'not retried: part of it had streamed');
    const deltaChars = h.events.reduce((n, e) => n + (e.type === 'stage-delta' ? e.text.length : 0), 0);
    assert.ok(deltaChars < 2_000_000, `streamed ${deltaChars} characters before stopping`);
    assert.equal(treeDiff(before, hashTree(h.root)), '');
    assert.deepEqual(h.leaks(), []);
  } finally {
    await h.close();
  }
});

test('a huge reply stays bounded where the panel keeps it (the run model holds only a capped tail)', async () => {
  const h = await startHostileRun({ 'README.md': README });
  try {
    const chunk = 'x'.repeat(64 * 1024);
    // Long, then the valid edit: the run succeeds, but the panel's copy is capped.
    h.replies.implementer = { text: [...Array.from({ length: 40 }, () => chunk), '\n\n' + (FIX.text as string)] };
    h.gateAnswer = true;
    const before = hashTree(h.root);
    const r = await h.run('Fix typo in README.md');
    const kept = h.panel!.model.outputs.get('implementer') ?? '';
    assert.ok(kept.length <= 200_000, `panel keeps ${kept.length} chars`);
    const snapshot = h.panel!.messages.at(-1)!;
    assert.ok(snapshot.length < 400_000, `late-panel snapshot is ${snapshot.length} bytes`);
    assert.deepEqual(h.leaks(), []);
    // Whatever the outcome, only README.md may have changed.
    const changed = treeDiff(before, hashTree(h.root));
    assert.ok(changed === '' || changed === 'changed README.md', `${r.outcome}: ${changed}`);
  } finally {
    await h.close();
  }
});

test('a connection reset before any response: retried, then a network error naming the model', async () => {
  await faultCase({
    role: 'implementer',
    reply: { fault: { kind: 'reset' } },
    kind: 'network',
    says: /reach|connection|network|socket/i,
    attempts: 2,
  });
});

test('403 forbidden: an auth error, not retried', async () => {
  await faultCase({
    role: 'critic',
    reply: { fault: { kind: 'auth', status: 403, echoKey: true } },
    kind: 'auth',
    says: /403|key|permission|forbidden/i,
    attempts: 1,
  });
});
