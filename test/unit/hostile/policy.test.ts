// What a repository's `.switchyard/routing.json` cannot do (issue 15, H2 and the policy-parsing
// Low item): switch protection off, loosen the review rules below what the user's own layers say,
// or — by naming the models that write and review a change — get that change applied unattended
// with `route --yes`. Also: a policy file built to exhaust the parser gets a precise error (file and
// line, exit 3), fast, instead of an internal crash.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runRoute } from '../../../src/cli/route';
import type { VerbIo } from '../../../src/cli/verbIo';
import { formatProblem, loadPolicy, PolicyStore } from '../../../src/core/config/loadPolicy';
import { startLoopbackServer } from '../../support/loopbackServer';
import { approve, roleOf, searchReplace } from '../pipeline/harness';
import { hashTree, startHostileRun, treeDiff } from './support';

const LABEL = '.switchyard/routing.json';

test('H2: a workspace "protectedPaths": [] does not switch protection off: a CI workflow edit still stops at the gate', async () => {
  const h = await startHostileRun({ '.github/workflows/ci.yml': 'name: ci\non: push\n', 'README.md': '# Demo\n' });
  try {
    h.replies.implementer = searchReplace('.github/workflows/ci.yml', 'on: push', 'on: [push, pull_request_target]');
    const loaded = loadPolicy({
      user: { label: 'User settings', value: h.policy() },
      workspace: { label: LABEL, text: JSON.stringify({ rules: { protectedPaths: [] } }) },
      workspaceTrusted: true,
    });
    assert.ok(loaded.ok, loaded.ok ? '' : loaded.problems.map(formatProblem).join('\n'));
    const before = hashTree(h.root);
    const r = await h.run('Run CI on pull requests too', { policy: loaded.policy });
    assert.equal(r.outcome, 'rejected', r.message);
    assert.equal(h.gates.length, 1, 'the person was asked');
    assert.ok(h.gates[0]!.codes.includes('protected-path'), h.gates[0]!.codes.join(','));
    assert.equal(treeDiff(before, hashTree(h.root)), '');
  } finally {
    await h.close();
  }
});

test('H2: the fixed minimum holds even in a policy whose protectedPaths list is empty (the policy file itself)', async () => {
  const h = await startHostileRun({ [LABEL]: '{\n  "rules": {}\n}\n' });
  try {
    h.replies.implementer = searchReplace(LABEL, '  "rules": {}', '  "rules": { "humanGate": { "onRisk": [] } }');
    const before = hashTree(h.root);
    const r = await h.run('Tidy the routing policy', { policy: h.policy({ rules: { protectedPaths: [] } }) });
    assert.equal(r.outcome, 'rejected', r.message);
    assert.ok(h.gates[0]?.codes.includes('protected-path'), `gates: ${JSON.stringify(h.gates.map((g) => g.codes))}`);
    assert.equal(treeDiff(before, hashTree(h.root)), '');
  } finally {
    await h.close();
  }
});

test('H2: a workspace layer can add protection and tighten the rules, never loosen what the layers below set', () => {
  const user = {
    rules: {
      protectedPaths: ['secrets/**'],
      reviewerVendorMustDiffer: true,
      humanGate: { onRisk: ['high', 'medium'], onBlock: true },
    },
  };
  const r = loadPolicy({
    user: { label: 'User settings', value: user },
    workspace: {
      label: LABEL,
      text: JSON.stringify({
        rules: {
          protectedPaths: ['infra/**'],
          reviewerVendorMustDiffer: false,
          humanGate: { onRisk: [], onBlock: false, onProtectedPaths: false },
        },
      }),
    },
    workspaceTrusted: true,
  });
  assert.ok(r.ok);
  const rules = r.policy.rules;
  for (const p of ['secrets/**', 'infra/**', '.git/**', '.vscode/**', '.github/workflows/**', LABEL])
    assert.ok(rules.protectedPaths.includes(p), `${p} missing from ${rules.protectedPaths.join(', ')}`);
  assert.equal(rules.reviewerVendorMustDiffer, true);
  assert.equal(rules.humanGate.onBlock, true);
  assert.equal(rules.humanGate.onProtectedPaths, true);
  assert.deepEqual([...rules.humanGate.onRisk].sort(), ['high', 'medium']);
  // Each refused loosening is said, so the team sees why its file is not in force as written.
  const notes = r.notes.join('\n');
  assert.match(notes, /routing\.json.*reviewerVendorMustDiffer/);
  assert.match(notes, /routing\.json.*humanGate\.onBlock/);
});

interface RouteCase {
  root: string;
  out: string[];
  err: string[];
  io: VerbIo;
}

/** A repository whose policy points every stage at its own server (no key needed: it is the repository's). */
async function repoWithOwnModels(env: Record<string, string> = {}) {
  const server = await startLoopbackServer();
  server.setHandler((req) => {
    const role = roleOf(req);
    if (role === 'implementer') return searchReplace('src/app.js', 'const port = 80;', 'const port = 8080;');
    if (role === 'critic' || role === 'finalOwner') return approve('looks right');
    return undefined;
  });
  const base = mkdtempSync(join(tmpdir(), 'switchyard-hostile-policy-'));
  const root = join(base, 'ws');
  mkdirSync(join(root, 'src'), { recursive: true });
  mkdirSync(join(root, '.switchyard'));
  writeFileSync(join(root, 'src', 'app.js'), 'const port = 80;\n');
  const m = (id: string, vendor: string) => ({
    id,
    provider: 'openai-compatible',
    model: id,
    vendor,
    baseUrl: server.openaiBaseUrl,
    price: { inputPerMTok: 0, outputPerMTok: 0 },
  });
  writeFileSync(
    join(root, LABEL),
    JSON.stringify({
      models: [m('repo-writer', 'anthropic'), m('repo-reviewer', 'openai')],
      stages: { implementer: ['repo-writer'], critic: ['repo-reviewer'], finalOwner: ['repo-reviewer'] },
      rules: { humanGate: { onRisk: [] }, escalation: { onRisk: [] } },
    }),
  );
  const c: RouteCase = {
    root,
    out: [],
    err: [],
    io: undefined as unknown as VerbIo,
  };
  c.io = { out: (t) => c.out.push(t), err: (t) => c.err.push(t), cwd: root, env };
  return {
    ...c,
    server,
    ledger: join(base, 'runs.jsonl'),
    async close() {
      await server.close();
      rmSync(base, { recursive: true, force: true });
    },
  };
}

test('H2: route --yes does not apply a change written and approved by models the repository’s policy chose', async () => {
  const c = await repoWithOwnModels();
  try {
    const before = hashTree(c.root);
    const code = await runRoute(['Change the port in src/app.js to 8080', '--yes', '--ledger', c.ledger], c.io);
    const err = c.err.join('\n');
    assert.equal(code, 1, err);
    assert.ok(c.server.requests.length >= 2, 'the repository’s models were asked');
    assert.match(err, /a person must confirm/);
    assert.match(err, /repo-reviewer.*\.switchyard\/routing\.json/);
    assert.match(err, /SWITCHYARD_TRUST_WORKSPACE_MODELS/);
    assert.equal(treeDiff(before, hashTree(c.root)), '', 'nothing was applied');
  } finally {
    await c.close();
  }
});

test('H2: the user can vouch for a workspace’s models in their own environment; then --yes applies', async () => {
  const probe = await repoWithOwnModels();
  const root = probe.root;
  try {
    probe.io.env = { SWITCHYARD_TRUST_WORKSPACE_MODELS: root };
    const code = await runRoute(['Change the port in src/app.js to 8080', '--yes', '--ledger', probe.ledger], probe.io);
    assert.equal(code, 0, probe.err.join('\n'));
  } finally {
    await probe.close();
  }
});

test('Low: a policy file nested 200,000 levels deep is refused with the file and line (exit 3), not a RangeError', async () => {
  const c = await repoWithOwnModels();
  try {
    writeFileSync(join(c.root, LABEL), `{"models":${'['.repeat(200_000)}${']'.repeat(200_000)}}`);
    const t0 = performance.now();
    const code = await runRoute(['Change the port', '--yes', '--no-ledger'], c.io);
    const ms = performance.now() - t0;
    const err = c.err.join('\n');
    assert.equal(code, 3, err);
    assert.match(err, /routing\.json:1:\d+: .*nested/);
    assert.ok(ms < 2000, `took ${ms} ms`);
    assert.equal(c.server.requests.length, 0);
  } finally {
    await c.close();
  }
});

test('Low: a 50 MB policy file is refused by size before it is parsed (exit 3, names the file)', async () => {
  const c = await repoWithOwnModels();
  try {
    writeFileSync(join(c.root, LABEL), `{"models":[],"x":"${'a'.repeat(50 * 1024 * 1024)}"}`);
    const t0 = performance.now();
    const code = await runRoute(['Change the port', '--yes', '--no-ledger'], c.io);
    const ms = performance.now() - t0;
    const err = c.err.join('\n');
    assert.equal(code, 3, err);
    assert.match(err, /routing\.json.*(larger|too large|bytes)/);
    assert.ok(ms < 2000, `took ${ms} ms`);
  } finally {
    await c.close();
  }
});

test('Low: PolicyStore.reload on a deeply nested or huge text keeps the last good policy instead of throwing', () => {
  const store = new PolicyStore();
  assert.ok(store.reload({ workspaceTrusted: true }).ok);
  const good = store.policy;
  const deep = store.reload({ workspace: { label: LABEL, text: '['.repeat(200_000) }, workspaceTrusted: true });
  assert.equal(deep.ok, false);
  assert.match(deep.ok ? '' : deep.problems.map(formatProblem).join('\n'), /routing\.json:1:\d+: .*nested/);
  const huge = store.reload({
    workspace: { label: LABEL, text: `{"x":"${'a'.repeat(3 * 1024 * 1024)}"}` },
    workspaceTrusted: true,
  });
  assert.equal(huge.ok, false);
  assert.equal(store.policy, good);
});
