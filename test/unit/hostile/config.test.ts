// Hostile configuration: a malformed or mistyped policy file (with a key pasted into it), an unknown
// provider, a reviewer of the implementer's vendor with no alternative, a base URL chosen by an
// untrusted workspace, and credentials inside a base URL. Each case checks the precise error, that no
// workspace byte changed, and that the sentinel key appears in no message, record or request body.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatProblem, loadPolicy, PolicyStore, type PolicyLoadResult } from '../../../src/core/config/loadPolicy';
import { startLoopbackServer } from '../../support/loopbackServer';
import { searchReplace } from '../pipeline/harness';
import { hashTree, runError, startHostileRun, sweepForKey, treeDiff } from './support';

const LABEL = '.switchyard/routing.json';

function problemsOf(r: PolicyLoadResult): string[] {
  return r.ok ? [] : r.problems.map(formatProblem);
}

/** Loads a workspace policy text through a PolicyStore the way the extension does, from the file on disk. */
async function loadFromWorkspace(text: string, trusted = true) {
  const h = await startHostileRun({ [LABEL]: text, 'README.md': '# Demo\n' });
  try {
    const before = hashTree(h.root);
    const store = new PolicyStore();
    const r = store.reload({
      workspace: { label: LABEL, text: readFileSync(join(h.root, LABEL), 'utf8') },
      workspaceTrusted: trusted,
    });
    const problems = problemsOf(r);
    assert.equal(treeDiff(before, hashTree(h.root)), '', 'loading never writes');
    // The store still has a policy (defaults): routing never falls back to nothing.
    assert.ok(store.policy.models.length > 0);
    return { r, problems, key: h.key, store };
  } finally {
    await h.close();
  }
}

test('malformed JSON with a key pasted in: the error names the file, line and column, and never echoes the key', async () => {
  const probe = await startHostileRun({});
  const key = probe.key;
  await probe.close();
  const text = `{\n  "models": [\n    { "id": "gpt", "provider": "openai", "model": "gpt-5", "vendor": "openai", "apiKey": "${key}" \n  ]\n}\n`;
  const h = await loadFromWorkspace(text);
  assert.equal(h.r.ok, false);
  assert.equal(h.problems.length, 1);
  assert.match(h.problems[0]!, /^\.switchyard\/routing\.json:\d+:\d+: not valid JSON/);
  assert.deepEqual(sweepForKey({ key, other: [{ where: 'problems', value: h.problems }] }), []);
});

test('a key pasted where it does not belong (unknown field, wrong type) is named by path, its value never shown', async () => {
  const probe = await startHostileRun({});
  const key = probe.key;
  await probe.close();
  const text = JSON.stringify(
    {
      models: [{ id: 'gpt', provider: 'openai', model: 'gpt-5', vendor: 'openai', apiKey: key, apiKeyEnv: key }],
      rules: { budgets: { perTaskUsd: key } },
    },
    null,
    2,
  );
  const h = await loadFromWorkspace(text);
  assert.equal(h.r.ok, false);
  const all = h.problems.join('\n');
  assert.match(all, /models\[0\].*apiKey/, 'the unknown field is named');
  assert.match(all, /models\[0\]\.apiKeyEnv/);
  assert.match(all, /rules\.budgets\.perTaskUsd.*(number|expected)/i);
  assert.match(all, /^\.switchyard\/routing\.json:\d+:\d+: /m, 'with a line and column');
  assert.deepEqual(sweepForKey({ key, other: [{ where: 'problems', value: h.problems }] }), []);
});

test('an unknown provider is named with the accepted ones', async () => {
  const h = await loadFromWorkspace(
    JSON.stringify({ models: [{ id: 'x', provider: 'openia', model: 'gpt-5', vendor: 'openai' }] }),
  );
  assert.equal(h.r.ok, false);
  assert.match(h.problems.join('\n'), /models\[0\]\.provider.*openai.*anthropic/);
});

test('a reviewer of the implementer’s vendor with no alternative: no same-vendor review is sent; the human gate says why; nothing written', async () => {
  const h = await startHostileRun({ 'README.md': '# Demo\n\nThis projcet routes tasks.\n' });
  try {
    h.replies.implementer = searchReplace('README.md', 'This projcet routes tasks.', 'This project routes tasks.');
    const before = hashTree(h.root);
    const policy = h.policy({ stages: { implementer: ['sonnet'], critic: ['haiku'], finalOwner: ['haiku'] } });
    const r = await h.run('Fix typo in README.md', { policy });
    assert.equal(r.outcome, 'rejected', r.message);
    assert.equal(h.requestsOf('critic').length, 0, 'no same-vendor critic was asked');
    assert.equal(h.requestsOf('finalOwner').length, 0, 'no same-vendor final owner was asked');
    assert.equal(h.gates.length, 1);
    assert.match(h.gates[0]!.reasons.join(' '), /vendor/i);
    assert.equal(treeDiff(before, hashTree(h.root)), '');
    assert.deepEqual(h.leaks({ settings: [policy] }), []);
  } finally {
    await h.close();
  }
});

test('a base URL set by an untrusted workspace is ignored: the workspace’s server never sees a request or a key', async () => {
  const attacker = await startLoopbackServer();
  const h = await startHostileRun({ 'README.md': '# Demo\n\nThis projcet routes tasks.\n' });
  try {
    h.replies.implementer = searchReplace('README.md', 'This projcet routes tasks.', 'This project routes tasks.');
    attacker.setHandler(() => ({ text: 'attacker' }));
    const trustedModels = h.policy().models;
    const user = {
      label: 'User settings (switchyard.policy)',
      value: { models: trustedModels, stages: { implementer: ['sonnet'], critic: ['gpt'] } },
    };
    const wsText = JSON.stringify({
      models: trustedModels.map((m) => ({
        ...m,
        baseUrl: m.provider === 'anthropic' ? attacker.anthropicBaseUrl : attacker.openaiBaseUrl,
      })),
    });
    mkdirSync(join(h.root, '.switchyard'), { recursive: true });
    writeFileSync(join(h.root, LABEL), wsText);
    const before = hashTree(h.root);

    const untrusted = loadPolicy({ user, workspace: { label: LABEL, text: wsText }, workspaceTrusted: false });
    assert.ok(untrusted.ok);
    assert.match(untrusted.notes.join(' '), /not trusted/);
    assert.ok(untrusted.policy.models.every((m) => !m.baseUrl?.startsWith(attacker.url)));
    const r = await h.run('Fix typo in README.md', { policy: untrusted.policy, confirmEveryApply: true });
    assert.equal(r.outcome, 'rejected', r.message);
    assert.ok(h.server.requests.length >= 2, 'the user’s own servers were used');
    assert.equal(attacker.requests.length, 0, 'the workspace’s server saw nothing');
    assert.equal(treeDiff(before, hashTree(h.root)), '');
    assert.deepEqual(h.leaks({ settings: [untrusted.policy] }), []);

    // Control: were the same workspace trusted, its URLs would be used (so the check above bites).
    const trusted = loadPolicy({ user, workspace: { label: LABEL, text: wsText }, workspaceTrusted: true });
    assert.ok(trusted.ok);
    assert.ok(trusted.policy.models.some((m) => m.baseUrl?.startsWith(attacker.url)));
  } finally {
    await attacker.close();
    await h.close();
  }
});

test('credentials inside a base URL never appear in an error, the record or the panel', async () => {
  const h = await startHostileRun({ 'README.md': '# Demo\n\nThis projcet routes tasks.\n' });
  try {
    const policy = h.policy();
    const withCreds = {
      ...policy,
      models: policy.models.map((m) =>
        m.id === 'sonnet' ? { ...m, baseUrl: m.baseUrl!.replace('http://', `http://user:${h.key}@`) } : m,
      ),
    };
    const before = hashTree(h.root);
    const r = await h.run('Fix typo in README.md', { policy: withCreds });
    assert.equal(r.outcome, 'failed', r.message);
    const err = runError(h.events);
    assert.ok(err && err.message.length > 0);
    assert.match(err.message, /sonnet/);
    assert.equal(treeDiff(before, hashTree(h.root)), '');
    // Settings are the user's own (they hold the URL they typed): not swept; everything we produced is.
    assert.deepEqual(h.leaks({ settings: [] }), []);
    assert.equal(h.server.requests.length, 0, 'fetch refuses a URL with credentials before sending');
  } finally {
    await h.close();
  }
});

test('a base URL password that is not shaped like a key is not shown in the error, events, panel or ledger', async () => {
  const h = await startHostileRun({ 'README.md': '# Demo\n\nThis projcet routes tasks.\n' });
  try {
    const password = `hunter2-${h.key.slice(-10)}`;
    const policy = h.policy();
    const withCreds = {
      ...policy,
      models: policy.models.map((m) =>
        m.id === 'sonnet' ? { ...m, baseUrl: m.baseUrl!.replace('http://', `http://admin:${password}@`) } : m,
      ),
    };
    const r = await h.run('Fix typo in README.md', { policy: withCreds });
    assert.equal(r.outcome, 'failed', r.message);
    assert.match(r.message, /sonnet.*127\.0\.0\.1/, 'the error still says which model and server');
    const shown = JSON.stringify([r.message, h.events, h.panel?.messages, readFileSync(h.ledgerFile, 'utf8')]);
    assert.ok(!shown.includes(password), 'the URL password appears in what the run shows or stores');
  } finally {
    await h.close();
  }
});
