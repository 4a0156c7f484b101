// `switchyard bench` in-process: the routing review's table and JSON against the loopback model
// server, --apply, marking runs from a ledger, listing, removing, stats with filters, and the exit
// code of every refusal.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBench } from '../../../src/cli/bench';
import { runCli, VERBS } from '../../../src/cli/main';
import type { VerbIo } from '../../../src/cli/verbIo';
import { startLoopbackServer } from '../../support/loopbackServer';
import { FIXTURE } from './scorecardFixture';
import { benchHandler, benchPolicyInput, benchSet, KEY, makeWorkspace, treeHash, VERIFY } from './support';

interface Captured extends VerbIo {
  stdout: string[];
  stderr: string[];
  asked: string[];
}

function io(cwd: string, home: string, env: Record<string, string> = {}): Captured {
  const c: Captured = {
    stdout: [],
    stderr: [],
    asked: [],
    out: (t) => c.stdout.push(t),
    err: (t) => c.stderr.push(t),
    env: {
      HOME: home,
      XDG_CONFIG_HOME: join(home, 'config'),
      PATH: process.env['PATH'],
      SWITCHYARD_BENCH_KEY: KEY,
      ...env,
    },
    cwd,
    ask: async (q) => {
      c.asked.push(q);
      return true;
    },
  };
  return c;
}

async function setup(opts: { verify?: boolean; items?: boolean } = {}) {
  const server = await startLoopbackServer();
  const root = makeWorkspace();
  const home = mkdtempSync(join(tmpdir(), 'switchyard-bench-home-'));
  mkdirSync(join(root, '.switchyard'));
  writeFileSync(
    join(root, '.switchyard/routing.json'),
    JSON.stringify(benchPolicyInput(server, opts.verify ? VERIFY : undefined, 'SWITCHYARD_BENCH_KEY'), null, 2) + '\n',
  );
  if (opts.items !== false)
    writeFileSync(join(root, '.switchyard/benchmarks.json'), JSON.stringify(benchSet(), null, 2));
  return {
    server,
    root,
    home,
    async close() {
      await server.close();
      rmSync(root, { recursive: true, force: true });
      rmSync(home, { recursive: true, force: true });
    },
  };
}

const lineWith = (text: string, start: string) => text.split('\n').find((l) => l.startsWith(start)) ?? '';

test('bench --stage implementer --model newbie: the side-by-side table, per item, the suggestion; the workspace untouched', async () => {
  const s = await setup({ verify: true });
  try {
    s.server.setHandler(benchHandler());
    const before = treeHash(s.root);
    const c = io(s.root, s.home);
    const code = await runBench(['--stage', 'implementer', '--model', 'newbie'], c);
    const out = c.stdout.join('\n');
    assert.equal(code, 0, c.stderr.join('\n'));
    assert.equal(treeHash(s.root), before);
    assert.equal(c.asked.length, 1, 'the verify command is approved once, then remembered');
    assert.match(c.asked[0]!, /if grep -rq BUG src/);
    assert.match(lineWith(out, 'approval rate'), /100% \(3\/3\)\s+67% \(2\/3\)$/);
    assert.match(lineWith(out, 'verification pass rate'), /100% \(3\/3\)\s+67% \(2\/3\)$/);
    assert.match(lineWith(out, 'findings critical/major/minor/info'), /0\/0\/0\/0\s+0\/1\/0\/0$/);
    assert.match(lineWith(out, 'tokens in→out'), /9000→900\s+9000→900$/);
    assert.match(lineWith(out, 'cost  '), /\$0\.0285\s+\$0\.0132$/);
    assert.match(lineWith(out, 'cost per trusted change'), /\$0\.0095\s+\$0\.0044$/);
    assert.match(lineWith(out, 'trusted changes'), /3\s+2$/);
    assert.match(lineWith(out, 'item-3'), /today\s+applied\/approve\s+rejected\/request-changes ✗verify$/);
    assert.match(
      out,
      /Suggestion: keep the current routing for implementer\.\n  - Approval rate drops: 67% vs 100% now\./,
    );
    assert.equal(c.stderr.filter((l) => l.startsWith('▶')).length, 6);
  } finally {
    await s.close();
  }
});

test('bench --json and --apply: a recommended change is written into routing.json in place', async () => {
  const s = await setup();
  try {
    s.server.setHandler(benchHandler({ candidateWrongOnRange: false }));
    const c = io(s.root, s.home);
    assert.equal(
      await runBench(['--stage', 'implementer', '--model', 'newbie', '--json', '--apply'], c),
      0,
      c.stderr.join('\n'),
    );
    const report = JSON.parse(c.stdout.join('\n'));
    assert.equal(report.suggestion.recommend, true);
    assert.equal(report.current.approvalRate, 1);
    assert.equal(report.candidateSide.trustedChanges, 3);
    assert.equal(report.appliedTo, join(s.root, '.switchyard/routing.json'));
    const written = readFileSync(join(s.root, '.switchyard/routing.json'), 'utf8');
    assert.match(written, /"implementer": \["newbie", "sonnet"\]/);
    assert.equal(JSON.parse(written).stages.critic[0], 'gpt', 'the rest of the file is untouched');
  } finally {
    await s.close();
  }
});

test('refusals: usage, unknown model, empty or broken set — each with its exit code and a next step', async () => {
  const s = await setup({ items: false });
  try {
    const run = async (...args: string[]) => {
      const c = io(s.root, s.home);
      return { code: await runBench(args, c), err: c.stderr.join('\n') };
    };
    let r = await run('--stage', 'implementer');
    assert.equal(r.code, 2);
    assert.match(r.err, /give the stage and the candidate model/);
    r = await run('--stage', 'coder', '--model', 'newbie');
    assert.equal(r.code, 2);
    assert.match(r.err, /"coder" is not a stage; use one of scout, architect, implementer, critic, finalOwner/);
    r = await run('--stage', 'implementer', '--model', 'newbie');
    assert.equal(r.code, 5);
    assert.match(r.err, /benchmark set .* is empty\. Mark representative runs first: switchyard bench add RUN_ID/);
    writeFileSync(join(s.root, '.switchyard/benchmarks.json'), JSON.stringify(benchSet()));
    r = await run('--stage', 'implementer', '--model', 'gpt-9');
    assert.equal(r.code, 3);
    assert.match(
      r.err,
      /"gpt-9" is not in the routing policy \(known: .*sonnet, gpt, newbie\)\. Add it under "models"/,
    );
    writeFileSync(join(s.root, '.switchyard/benchmarks.json'), '{"version": 2, "items": []}');
    r = await run('list');
    assert.equal(r.code, 4);
    assert.match(r.err, /does not fit its schema at version/);
    r = await run('frobnicate');
    assert.equal(r.code, 2);
    assert.equal(s.server.requests.length, 0, 'no refusal reached a model');
  } finally {
    await s.close();
  }
});

test('bench add / list / remove from a ledger, and bench stats with filters', async () => {
  const s = await setup({ items: false });
  try {
    const ledger = join(s.home, 'runs.jsonl');
    writeFileSync(ledger, FIXTURE.map((r) => JSON.stringify(r)).join('\n') + '\n');
    let c = io(s.root, s.home);
    assert.equal(
      await runBench(['add', 'R1', '--ledger', ledger, '--note', 'typical docs fix'], c),
      0,
      c.stderr.join('\n'),
    );
    assert.match(c.stdout[0]!, /Marked run R1 .*with its accepted diff/);
    c = io(s.root, s.home);
    assert.equal(await runBench(['add', 'R2', '--ledger', ledger], c), 0);
    assert.match(c.stdout[0]!, /no accepted diff/);
    c = io(s.root, s.home);
    assert.equal(await runBench(['add', 'R9', '--ledger', ledger], c), 2);
    assert.match(c.stderr[0]!, /no run "R9" in the ledger .* \(4 run\(s\) there\)/);
    c = io(s.root, s.home);
    assert.equal(await runBench(['list'], c), 0);
    assert.match(c.stdout[0]!, /^R1\s+docs\s+\d{4}-\d\d-\d\d\s+1\s+diff\s+task R1$/m);
    assert.match(c.stdout[0]!, /^R2\s+bugfix\s+.*—\s+task R2$/m);
    c = io(s.root, s.home);
    assert.equal(await runBench(['remove', 'R2'], c), 0);
    const set = JSON.parse(readFileSync(join(s.root, '.switchyard/benchmarks.json'), 'utf8'));
    assert.deepEqual(
      set.items.map((i: { id: string }) => i.id),
      ['R1'],
    );
    assert.equal(set.items[0].note, 'typical docs fix');
    c = io(s.root, s.home);
    assert.equal(await runBench(['remove', 'R2'], c), 2);

    // Stats: the same figures as the view (see scorecardView.test.ts for the arithmetic).
    c = io(s.root, s.home);
    assert.equal(await runBench(['stats', '--ledger', ledger, '--kind', 'bugfix', '--json'], c), 0);
    const v = JSON.parse(c.stdout.join('\n'));
    assert.equal(v.overall.runs, 2);
    assert.ok(Math.abs(v.overall.costUsd - 0.031) < 1e-12);
    c = io(s.root, s.home);
    assert.equal(await runBench(['stats', '--ledger', ledger], c), 0);
    const text = c.stdout.join('\n');
    assert.match(text, /^sonnet\s+implementer\s+4\s+75%\s+2\.0s\s+6000→1100\s+\$0\.0380\s+3\s+\$0\.0165$/m);
    assert.match(text, /^implementer\s+4\s+0\s+1\s+1$/m);
    assert.match(
      text,
      /4 run\(s\), 3 applied, 3 trusted change\(s\), total \$0\.0655, cost per trusted change \$0\.0165/,
    );
    c = io(s.root, s.home);
    assert.equal(await runBench(['stats', '--ledger', ledger, '--range', 'week'], c), 2);
    assert.match(c.stderr[0]!, /--range/);
  } finally {
    await s.close();
  }
});

test('the verb is one row of the CLI table', async () => {
  assert.ok(VERBS['bench']);
  const printed: string[] = [];
  const code = await runCli(['--help'], VERBS, { out: (t) => printed.push(t), err: (t) => printed.push(t) });
  assert.equal(code, 0);
  assert.match(printed.join(''), /bench\s+benchmark set and routing review/);
});
