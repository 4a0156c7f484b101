// The GitHub Actions template (docs/ci/switchyard-routing-review.yml) does what it says: its review
// step's own command line, run by bash as Actions would (same working directory, same environment
// names, $GITHUB_STEP_SUMMARY a file), replays the benchmark set against the loopback model server
// and leaves the per-role recommendation in the job summary and the JSON report, with the exit
// code the template documents. Only the built CLI is stood in for (a shim running the sources).
// Also: a CI job without the models' keys fails loudly (exit 3) instead of posting empty figures.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { RoleReviewReport } from '../../../src/core/bench/roleReview';
import { runBench } from '../../../src/cli/bench';
import { routingReviewMarkdown } from '../../../src/cli/benchMarkdown';
import { startLoopbackServer } from '../../support/loopbackServer';
import { roleOf } from '../pipeline/harness';
import { benchHandler, benchPolicyInput, benchSet, FILES, KEY, treeHash, VERIFY } from './support';

const REPO = resolve(__dirname, '../../..');
const TEMPLATE = readFileSync(join(REPO, 'docs/ci/switchyard-routing-review.yml'), 'utf8');

/** One step of the template: its working directory, its env and its `run: |` script, read from the YAML text. */
function step(name: string): { workingDirectory?: string; env: Record<string, string>; run: string } {
  const lines = TEMPLATE.split('\n');
  const start = lines.findIndex((l) => l.trim() === `- name: ${name}`);
  assert.ok(start >= 0, `the template has a step "${name}"`);
  const indent = lines[start]!.indexOf('-') + 2;
  const body: string[] = [];
  for (const l of lines.slice(start + 1)) {
    if (l.trim() && l.search(/\S/) < indent) break;
    body.push(l);
  }
  const value = (key: string) =>
    body
      .find((l) => l.trim().startsWith(`${key}:`))
      ?.split(`${key}:`)[1]
      ?.trim();
  const env: Record<string, string> = {};
  const envAt = body.findIndex((l) => l.trim() === 'env:');
  for (const l of body.slice(envAt + 1)) {
    const m = /^\s+([A-Z_]+): (.*)$/.exec(l);
    if (!m || l.search(/\S/) <= indent) break;
    env[m[1]!] = m[2]!;
  }
  const runAt = body.findIndex((l) => l.trim() === 'run: |');
  const script = body
    .slice(runAt + 1)
    .filter((l) => l.trim())
    .map((l) => l.trim())
    .join('\n');
  return { workingDirectory: value('working-directory'), env, run: script };
}

/** A repository with the bench workspace's files, its routing policy and benchmark set. */
function makeRepo(repo: string, policy: object): void {
  for (const [rel, text] of Object.entries(FILES)) {
    mkdirSync(join(repo, rel, '..'), { recursive: true });
    writeFileSync(join(repo, rel), text);
  }
  mkdirSync(join(repo, '.switchyard'));
  writeFileSync(join(repo, '.switchyard/routing.json'), JSON.stringify(policy));
  writeFileSync(join(repo, '.switchyard/benchmarks.json'), JSON.stringify(benchSet()));
}

function bash(script: string, cwd: string, env: Record<string, string>): Promise<{ code: number; stderr: string }> {
  return new Promise((res) => {
    // Actions runs `run:` scripts with: bash --noprofile --norc -eo pipefail {0}
    const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script], { cwd, env });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('close', (code) => res({ code: code ?? -1, stderr }));
  });
}

test('the CI template: its review step replays the set per role, writes the job summary and the JSON, and exits as documented', async () => {
  assert.match(TEMPLATE, /^on:\n {2}workflow_dispatch:/m);
  assert.match(TEMPLATE, /CANDIDATE: \$\{\{ inputs\.model \}\}/);
  assert.match(TEMPLATE, /STAGES: \$\{\{ inputs\.stages \}\}/);
  const review = step('Replay the benchmark set with the candidate');
  assert.match(review.run, /bench --stage "\$STAGES" --model "\$CANDIDATE" --check/);

  const server = await startLoopbackServer();
  const parent = mkdtempSync(join(tmpdir(), 'switchyard-ci-'));
  try {
    server.setHandler(benchHandler());
    // The job's layout: the repository and the built CLI side by side.
    const repo = join(parent, 'repo');
    makeRepo(repo, benchPolicyInput(server, VERIFY, 'SWITCHYARD_BENCH_KEY'));
    mkdirSync(join(parent, 'switchyard-cli/dist'), { recursive: true });
    writeFileSync(
      join(parent, 'switchyard-cli/dist/cli.js'),
      `require(${JSON.stringify(require.resolve('tsx/cjs/api'))}).register();\n` +
        `require(${JSON.stringify(join(REPO, 'src/cli/main.ts'))}).runCli(process.argv.slice(2)).then((c) => { process.exitCode = c; });\n`,
    );
    const before = treeHash(repo);
    const summary = join(parent, 'summary.md');
    const env = {
      PATH: process.env['PATH']!,
      HOME: parent,
      XDG_CONFIG_HOME: join(parent, 'config'),
      SWITCHYARD_BENCH_KEY: KEY,
      GITHUB_STEP_SUMMARY: summary,
      CANDIDATE: 'newbie',
      STAGES: 'implementer,critic',
      ...review.env,
    };
    assert.equal(review.workingDirectory, 'repo');
    const r = await bash(review.run, join(parent, review.workingDirectory!), env);
    assert.equal(r.code, 0, `recommended for one role → 0\n${r.stderr}`);
    assert.match(r.stderr, /--allow-verify: running the policy's verify command on each replay: if grep -rq BUG src/);

    const report = JSON.parse(readFileSync(join(parent, 'routing-review.json'), 'utf8')) as RoleReviewReport;
    assert.equal(report.candidate, 'newbie');
    assert.deepEqual(
      report.roles.map((x) => `${x.stage}:${x.suggestion.recommend}`),
      ['implementer:false', 'critic:true'],
    );
    // The current routing ran once for both roles: 3 items × (current + newbie as implementer + newbie as critic).
    assert.equal(server.requests.filter((q) => roleOf(q) === 'implementer').length, 9);
    assert.equal(report.roles[0]!.current.verified, 3, 'the verify command ran on every replay');

    const md = readFileSync(summary, 'utf8');
    assert.match(md, /^## Switchyard routing review: `newbie`$/m);
    assert.match(md, /^\| implementer \| ❌ keep `sonnet` first \| 100% → 67% \| 100% → 67% \| 0 → 1 \|/m);
    assert.match(md, /^\| critic \| ✅ put `newbie` first \| 100% \|/m);
    assert.match(md, /Put `newbie` first: `\["gpt"\]` → `\["newbie","gpt"\]`/);
    assert.equal(treeHash(repo), before, 'the repository is untouched (no --apply)');

    // One role, not recommended: --check makes the job red; the summary gets the new report appended.
    const one = await bash(review.run, join(parent, 'repo'), { ...env, STAGES: 'implementer' });
    assert.equal(one.code, 1, one.stderr);
    assert.equal(readFileSync(summary, 'utf8').match(/^## Switchyard routing review/gm)?.length, 2);

    // Task texts come from a repository file: the summary escapes them.
    const hostile = '<img src=x onerror=alert(1)> [click](https://evil.example) | `rm -rf`';
    const tampered = routingReviewMarkdown({
      ...report,
      roles: report.roles.map((x) => ({ ...x, items: x.items.map((i) => ({ ...i, task: hostile })) })),
    });
    assert.doesNotMatch(tampered, /<img|\]\(https:/);
    assert.match(
      tampered,
      /&lt;img src=x onerror=alert\\\(1\\\)&gt; \\\[click\\\]\\\(https:\/\/evil\.example\\\) \\\| \\`rm -rf\\`/,
    );
  } finally {
    await server.close();
    rmSync(parent, { recursive: true, force: true });
  }
});

test('bench without the keys the models need exits 3 and says so; --markdown prints the summary on stdout', async () => {
  const server = await startLoopbackServer();
  const repo = mkdtempSync(join(tmpdir(), 'switchyard-ci-nokey-'));
  try {
    server.setHandler(benchHandler());
    makeRepo(repo, benchPolicyInput(server, undefined, 'SWITCHYARD_BENCH_KEY'));
    const out: string[] = [];
    const err: string[] = [];
    const io = { out: (t: string) => out.push(t), err: (t: string) => err.push(t), env: { HOME: repo }, cwd: repo };
    const code = await runBench(['--stage', 'critic', '--model', 'newbie', '--markdown', '--check'], io);
    assert.equal(code, 3, err.join('\n'));
    assert.match(
      err.join('\n'),
      /every replay with the current routing failed, so there is nothing to compare \(first: .*SWITCHYARD_BENCH_KEY/,
    );
    assert.match(out.join('\n'), /^\| critic \| ❌ keep `gpt` first \|/m);
    assert.equal(server.requests.length, 0, 'nothing was sent without keys');
  } finally {
    await server.close();
    rmSync(repo, { recursive: true, force: true });
  }
});
