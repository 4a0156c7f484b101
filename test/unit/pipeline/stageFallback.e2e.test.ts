// When a stage's model chain falls back, through a whole run (real SDKs against the loopback server):
// after retries, at once on auth and spend-cap, on a bad request only when it is about that model,
// after a partial reply (dropped), and never on cancellation. These are the rules of providers/fallbackRule.ts's
// shouldFallBack as the stage runner applies them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { until } from '../../support/providerFixtures';
import { approve, searchReplace, startHarness, testPolicy } from './harness';

const README = '# Demo\n\nThis projcet routes tasks.\n';
const FIXED = '# Demo\n\nThis project routes tasks.\n';
const fix = () => searchReplace('README.md', 'This projcet routes tasks.', 'This project routes tasks.');

test('auth and spend-cap fall back at once, without a retry on the same model', async () => {
  for (const fault of [{ kind: 'auth' as const }, { kind: 'spend-cap' as const }]) {
    const h = await startHarness({ 'README.md': README });
    try {
      h.queues.implementer.push({ fault }, fix());
      h.queues.critic.push(approve());
      const r = await h.run('Fix typo in README.md');
      assert.equal(r.outcome, 'applied', r.message);
      assert.deepEqual(
        h.requestsOf('implementer').map((q) => q.api),
        ['anthropic-messages', 'openai-chat'],
      );
      assert.deepEqual(
        r.record.fallbacks.map((f) => `${f.stage}:${f.from}->${f.to}:${f.errorKind}`),
        [`implementer:sonnet->gpt:${fault.kind}`],
      );
      assert.equal(h.read('README.md'), FIXED);
    } finally {
      await h.close();
    }
  }
});

test('a plain bad request does not fall back (it would fail on every model): the run fails', async () => {
  const h = await startHarness({ 'README.md': README });
  try {
    h.queues.implementer.push(
      { fault: { kind: 'bad-request', message: 'Unrecognized request argument supplied: foo' } },
      fix(),
    );
    const r = await h.run('Fix typo in README.md');
    assert.equal(r.outcome, 'failed');
    assert.equal(r.record.error?.kind, 'bad-request');
    assert.equal(h.requestsOf('implementer').length, 1);
    assert.deepEqual(r.record.fallbacks, []);
    assert.equal(h.read('README.md'), README);
  } finally {
    await h.close();
  }
});

test('a 404 unknown model and a too-long prompt do fall back (they are about that model)', async () => {
  const h = await startHarness({ 'README.md': README });
  try {
    h.queues.implementer.push(
      {
        fault: {
          kind: 'bad-request',
          status: 404,
          message: 'The model `claude-sonnet-test` does not exist or you do not have access to it.',
        },
      },
      {
        fault: {
          kind: 'bad-request',
          message:
            "This model's maximum context length is 8192 tokens. However, your messages resulted in 9000 tokens.",
        },
      },
      fix(),
    );
    h.queues.critic.push(approve());
    const base = testPolicy(h.server);
    const policy = { ...base, stages: { ...base.stages, implementer: ['sonnet', 'haiku', 'gpt'] } };
    const r = await h.run('Fix typo in README.md', { policy });
    assert.equal(r.outcome, 'applied', r.message);
    assert.deepEqual(
      r.record.fallbacks.map((f) => `${f.from}->${f.to}:${f.errorKind}`),
      ['sonnet->haiku:bad-request', 'haiku->gpt:bad-request'],
    );
    assert.equal(h.read('README.md'), FIXED);
  } finally {
    await h.close();
  }
});

test('a reply cut off part-way falls back with discardPartial; only the next model’s change is applied', async () => {
  const h = await startHarness({ 'README.md': README });
  try {
    // The OpenAI wire streams text from the first chunk, so the cut comes after output was yielded.
    h.queues.implementer.push({ text: ['half ', 'a ', 'reply'], fault: { kind: 'cut', afterChunks: 2 } }, fix());
    h.queues.critic.push(approve());
    const base = testPolicy(h.server);
    const policy = { ...base, stages: { ...base.stages, implementer: ['gpt', 'sonnet'] } };
    const r = await h.run('Fix typo in README.md', { policy });
    assert.equal(r.outcome, 'applied', r.message);
    const fb = h.events.find((e) => e.type === 'fallback-taken');
    assert.ok(fb && fb.type === 'fallback-taken');
    assert.equal(fb.fromModelId, 'gpt');
    assert.equal(fb.toModelId, 'sonnet');
    assert.equal(fb.discardPartial, true);
    assert.deepEqual(
      h.requestsOf('implementer').map((q) => q.api),
      ['openai-chat', 'anthropic-messages'],
    );
    assert.equal(h.read('README.md'), FIXED);
  } finally {
    await h.close();
  }
});

test('cancellation never falls back', async () => {
  const h = await startHarness({ 'README.md': README });
  try {
    h.queues.implementer.push({ fault: { kind: 'hang' } }, fix());
    const ac = new AbortController();
    const running = h.run('Fix typo in README.md', { signal: ac.signal });
    // Abort only once the request is at the server, so nothing arrives late.
    await until(() => h.requestsOf('implementer').length === 1, 'the implementer request to reach the server', 10_000);
    ac.abort();
    const r = await running;
    assert.equal(r.outcome, 'cancelled');
    assert.equal(h.requestsOf('implementer').length, 1);
    assert.deepEqual(r.record.fallbacks, []);
    assert.equal(h.read('README.md'), README);
  } finally {
    await h.close();
  }
});
