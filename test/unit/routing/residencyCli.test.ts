// Data residency through the CLI: `explain` shows the rules that shaped the decision and the models
// they kept out; `route` against the loopback server keeps the forbidden file's bytes away from the
// forbidden region's model, shows why on stderr, and records the rules in the ledger line; `review`
// passes over a reviewer the rules forbid for a file of the diff.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runExplain } from '../../../src/cli/explain';
import { runReview } from '../../../src/cli/review';
import { runRoute } from '../../../src/cli/route';
import type { LoopbackServer, Reply } from '../../support/loopbackServer';
import { io, modelServer, workspace } from './cliSupport';

const SECRET = 'GEO-SECRET-91c2';
const REGIONS = `// Region tabel for the EU data centres. ${SECRET}\nexport const REGIONS = ['eu-west'];\n`;

/** A workspace policy: the built-in models (vendors us) plus a cn model first in every chain, and a rule for src/geo/**. */
function policyFile(server?: LoopbackServer): string {
  return JSON.stringify({
    models: [
      {
        id: 'ds',
        provider: 'openai-compatible',
        model: 'deepseek-test',
        vendor: 'deepseek',
        baseUrl: server ? server.openaiBaseUrl : 'http://127.0.0.1:9/v1',
        region: 'cn',
      },
    ],
    vendors: { openai: { region: 'us' }, anthropic: { region: 'us' }, google: { region: 'us' } },
    stages: { implementer: ['ds', 'claude-sonnet'], critic: ['ds', 'gpt-5'] },
    rules: { residency: [{ paths: ['src/geo/**'], allowRegions: ['us', 'eu'] }] },
  });
}

test('explain: the rejection names the rule, and a section lists the rules that shaped the decision', async () => {
  const root = workspace({ 'src/geo/regions.ts': REGIONS, '.switchyard/routing.json': policyFile() });
  try {
    const t = io(root, {});
    assert.equal(await runExplain(['Fix the typo in src/geo/regions.ts', '--assume-keys'], t.io), 0);
    const text = t.out.join('\n');
    assert.match(text, /Implementer\s+claude-sonnet \(anthropic\)/);
    assert.match(
      text,
      /rejected ds \(deepseek\): residency — region cn not allowed for src\/geo\/\*\* \(rules\.residency\[0\] in .*routing\.json\)/,
    );
    assert.match(
      text,
      /Data residency[^\n]*\n\s+- rules\.residency\[0\] in .*routing\.json: src\/geo\/\*\*: regions us, eu only — applies to src\/geo\/regions\.ts; kept ds from the implementer, critic/,
    );

    const j = io(root, {});
    assert.equal(await runExplain(['Fix the typo in src/geo/regions.ts', '--assume-keys', '--json'], j.io), 0);
    const d = JSON.parse(j.out.join(''));
    assert.equal(d.residency[0].applies, true);
    assert.deepEqual(d.residency[0].files, ['src/geo/regions.ts']);

    // Work on other files: the rule does not apply, and the cn model keeps its place.
    const other = io(root, {});
    assert.equal(await runExplain(['Fix the typo in README.md', '--assume-keys'], other.io), 0);
    assert.match(other.out.join('\n'), /Implementer\s+ds \(deepseek\)/);
    assert.match(other.out.join('\n'), /does not apply to the files known so far/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('explain: a file the locator ranks for the task (not named) keeps the forbidden region from the stages that may read it', async () => {
  const root = workspace({
    'src/geo/regions.ts': REGIONS,
    'src/cart/total.ts':
      'export function cartTotal(items: number[]) {\n  return items.reduce((a, b) => a + b, 0);\n}\n',
    '.switchyard/routing.json': policyFile(),
  });
  try {
    const t = io(root, {});
    assert.equal(await runExplain(['Add an eu-central entry to the REGIONS list', '--assume-keys', '--json'], t.io), 0);
    const d = JSON.parse(t.out.join(''));
    assert.equal(d.files[0].path, 'src/geo/regions.ts');
    const impl = d.stages.find((s: { stage: string }) => s.stage === 'implementer');
    assert.equal(impl.modelId, 'claude-sonnet');
    const rej = impl.rejected.find((r: { modelId: string }) => r.modelId === 'ds');
    assert.match(
      rej.reason,
      /region cn not allowed for src\/geo\/\*\* .*; the locator ranks src\/geo\/regions\.ts for this task/,
    );
    assert.equal(d.residency[0].applies, true);

    // --no-locate: only named files count, and the cn model keeps its place.
    const n = io(root, {});
    assert.equal(
      await runExplain(['Add an eu-central entry to the REGIONS list', '--assume-keys', '--json', '--no-locate'], n.io),
      0,
    );
    assert.equal(
      JSON.parse(n.out.join('')).stages.find((s: { stage: string }) => s.stage === 'implementer').modelId,
      'ds',
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('route: the forbidden file never reaches the cn model; the reason is shown and recorded', async () => {
  const { server, queues, env } = await modelServer();
  const root = workspace({ 'src/geo/regions.ts': REGIONS, '.switchyard/routing.json': policyFile(server) });
  const ledger = join(root, '..', `ledger-residency-${Date.now()}.jsonl`);
  try {
    const fix: Reply = {
      text:
        'src/geo/regions.ts\n<<<<<<< SEARCH\n' +
        REGIONS.split('\n')[0] +
        '\n=======\n' +
        REGIONS.split('\n')[0]!.replace('tabel', 'table') +
        '\n>>>>>>> REPLACE\n',
    };
    queues.implementer.push(fix);
    queues.critic.push({ text: '```json\n{"verdict":"approve","summary":"typo fixed","findings":[]}\n```' });
    const t = io(root, env);
    const code = await runRoute(['Fix the typo in src/geo/regions.ts', '--yes', '--ledger', ledger], t.io);
    assert.equal(code, 0, t.err.join('\n'));
    assert.match(readFileSync(join(root, 'src/geo/regions.ts'), 'utf8'), /Region table/);
    // The bytes on the wire: the file went to the allowed models, never to the cn one.
    assert.equal(server.requests.filter((r) => r.model === 'deepseek-test').length, 0);
    assert.deepEqual(
      server.requests.filter((r) => r.rawBody.includes(SECRET)).map((r) => r.model),
      ['claude-sonnet-4-6', 'gpt-5'],
    );
    const stderr = t.err.join('\n');
    assert.match(stderr, /rejected ds \(deepseek\): residency — region cn not allowed for src\/geo\/\*\*/);
    const rec = JSON.parse(readFileSync(ledger, 'utf8').trim());
    assert.equal(rec.residency.rules[0].applied, true);
    assert.deepEqual(
      rec.residency.excluded.map((x: { stage: string; modelId: string }) => `${x.stage}:${x.modelId}`),
      ['implementer:ds', 'critic:ds'],
    );
  } finally {
    await server.close();
    rmSync(root, { recursive: true, force: true });
    rmSync(ledger, { force: true });
  }
});

test('review: a reviewer the rules forbid for a file of the diff is passed over, and stderr says why', async () => {
  const { server, queues, env } = await modelServer();
  const root = workspace({ 'src/geo/regions.ts': REGIONS, '.switchyard/routing.json': policyFile(server) });
  try {
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd: root });
    git('init', '-q');
    git('add', '.');
    git('commit', '-q', '-m', 'init');
    writeFileSync(join(root, 'src/geo/regions.ts'), REGIONS.replace('tabel', 'table'));
    queues.critic.push({ text: '```json\n{"verdict":"approve","summary":"fine","findings":[]}\n```' });
    const t = io(root, env);
    assert.equal(await runReview([], t.io), 0, t.err.join('\n'));
    assert.match(
      t.err.join('\n'),
      /– ds may not see this diff: region cn not allowed for src\/geo\/\*\* \(rules\.residency\[0\] in .*routing\.json\)/,
    );
    assert.deepEqual(
      server.requests.map((r) => r.model),
      ['gpt-5'],
    );
  } finally {
    await server.close();
    rmSync(root, { recursive: true, force: true });
  }
});
