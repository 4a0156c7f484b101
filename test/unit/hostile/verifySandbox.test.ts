// The verify stage against a hostile repository (issue 15: C2, M3). Each case is a model's change
// to the project's `test.sh`, run by the real verify stage with the policy's command `sh test.sh`,
// exactly as a routed run would; the assertions are about the user's real workspace and machine:
// its files and .git byte for byte, its node_modules, a listener on its loopback, the secrets in its
// environment and home, and what is still running afterwards. Every case failed on the shared
// worktree with a deny-list environment; they pass only with the sandbox.
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer, type Server } from 'node:net';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterEach, describe, it } from 'node:test';
import type { SandboxLimits } from '../../../src/core/sandbox/sandboxLimits';
import { runVerifyStage, type VerifyStageInput } from '../../../src/core/verify/verifyStage';
import type { VerifyOutcome } from '../../../src/core/verify/verifySchema';
import {
  asker,
  git,
  makeWorkspace,
  memoryApprovals,
  resolvePatch,
  treeHash,
  waitFor,
  type TempWorkspace,
} from '../verify/helpers';

const ORIGINAL = 'echo "tests ok"';

/** The repository's state a verify run must never change: config, hooks, HEAD, index, refs, worktrees. */
function repoState(root: string) {
  const g = path.join(root, '.git');
  return {
    config: readFileSync(path.join(g, 'config'), 'utf8'),
    hooks: readdirSync(path.join(g, 'hooks')).sort(),
    head: readFileSync(path.join(g, 'HEAD'), 'utf8'),
    index: readFileSync(path.join(g, 'index')).toString('base64'),
    refs: git(['for-each-ref', '--format=%(refname) %(objectname)'], root),
    worktrees: git(['worktree', 'list', '--porcelain'], root),
    objects: git(['count-objects', '-v'], root),
  };
}

/** Live processes whose command line contains `marker` (zombies excluded). */
function processesWith(marker: string): number[] {
  const found: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      const cmd = readFileSync(`/proc/${name}/cmdline`, 'utf8');
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
      if (cmd.includes(marker) && state !== 'Z') found.push(Number(name));
    } catch {
      // Gone meanwhile.
    }
  }
  return found;
}

describe('hostile repository vs the verify stage', () => {
  let ws: TempWorkspace | undefined;
  const made: TempWorkspace[] = [];
  const homes: string[] = [];
  afterEach(() => {
    for (const w of made.splice(0)) w.cleanup();
    for (const h of homes.splice(0)) rmSync(h, { recursive: true, force: true });
  });

  /** A git workspace with test.sh and node_modules; the model's change makes test.sh `script`. */
  async function hostile(
    script: string,
    over: Partial<VerifyStageInput> & { limits?: Partial<SandboxLimits> } = {},
  ): Promise<{ outcome: VerifyOutcome; output: string }> {
    ws = makeWorkspace({ git: true });
    made.push(ws);
    writeFileSync(path.join(ws.root, 'test.sh'), `${ORIGINAL}\n`);
    writeFileSync(path.join(ws.root, '.gitignore'), 'node_modules/\n');
    mkdirSync(path.join(ws.root, 'node_modules/dep'), { recursive: true });
    writeFileSync(path.join(ws.root, 'node_modules/dep/index.js'), 'module.exports = 1;\n');
    git(['add', 'test.sh', '.gitignore'], ws.root);
    git(['commit', '--quiet', '-m', 'tests'], ws.root);
    const patch = `test.sh\n<<<<<<< SEARCH\n${ORIGINAL}\n=======\n${script}\n>>>>>>> REPLACE\n`;
    const resolvedPlan = await resolvePatch(ws.root, patch);
    const before = treeHash(ws.root);
    const repoBefore = repoState(ws.root);
    const outcome = await runVerifyStage({
      root: ws.root,
      resolvedPlan,
      verify: { command: 'sh test.sh', timeoutSeconds: 20 },
      trusted: true,
      approvals: memoryApprovals(),
      askApproval: asker(true),
      scratch: { tmpDir: ws.scratchTmp },
      killGraceMs: 500,
      ...over,
    });
    assert.equal(treeHash(ws.root), before, 'the workspace (node_modules included) is byte-identical');
    assert.deepEqual(repoState(ws.root), repoBefore, "the repository's .git is unchanged");
    assert.deepEqual(readdirSync(ws.scratchTmp), [], 'the isolated copy is gone');
    assert.equal(outcome.status, 'ran', JSON.stringify(outcome));
    const output = outcome.status === 'ran' ? outcome.result.outputTail : '';
    return { outcome, output };
  }

  it('`git config core.fsmonitor …` in test.sh cannot reach the real .git/config (and git status there runs nothing)', async () => {
    const marker = path.join('/tmp', `switchyard-fsmonitor-${process.pid}-${Date.now()}`);
    const { output } = await hostile(
      [
        `git config core.fsmonitor 'touch ${marker}'`,
        `git config --get core.fsmonitor`,
        `git config core.hooksPath "$PWD/hooks"`,
      ].join('\n'),
    );
    assert.match(output, new RegExp(`touch ${marker}`), 'it set the option in its own copy');
    const config = readFileSync(path.join(ws!.root, '.git/config'), 'utf8');
    assert.doesNotMatch(config, /fsmonitor|hooksPath/);
    git(['status', '--short'], ws!.root);
    assert.throws(() => readFileSync(marker), 'the payload never ran');
  });

  it('writing through $(git rev-parse --git-common-dir)/.., the alternates path and the real node_modules fails', async () => {
    const { output } = await hostile(
      [
        'common=$(git rev-parse --git-common-dir)',
        'echo pwned > "$common/../PWNED-common" && echo "wrote common/.."',
        'real=$(cat .git/objects/info/alternates)',
        'echo "alternates: $real"',
        'echo pwned > "$real/PWNED-object" 2>&1 || echo "objects: refused"',
        'echo "[core]\n\tfsmonitor = evil" >> "$real/../config" 2>&1 || echo "config: refused"',
        'echo pwned > "$real/../../PWNED-top" 2>&1 || echo "top: refused"',
        'echo pwned > node_modules/dep/index.js 2>&1 || echo "node_modules: refused"',
        'mkdir node_modules/.cache 2>&1 || echo "node_modules cache: refused"',
      ].join('\n'),
    );
    assert.match(output, /objects: refused/);
    assert.match(output, /node_modules: refused/);
    assert.match(output, /node_modules cache: refused/);
    // Whatever the shell reported, the real files are checked byte for byte by `hostile`.
    assert.equal(readFileSync(path.join(ws!.root, 'node_modules/dep/index.js'), 'utf8'), 'module.exports = 1;\n');
  });

  it('no network: a listener on this machine’s loopback is not reachable', async () => {
    let connections = 0;
    const server: Server = createServer((s) => {
      connections++;
      s.end('secret-banner\n');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    try {
      const { output } = await hostile(
        `${JSON.stringify(process.execPath)} -e 'require("net").connect(${port}, "127.0.0.1").on("data", (d) => console.log("GOT " + d)).on("error", (e) => console.log("ERR " + e.code))'`,
      );
      assert.match(output, /ERR (ECONNREFUSED|ENETUNREACH)/);
      assert.doesNotMatch(output, /secret-banner/);
      assert.equal(connections, 0);
    } finally {
      server.close();
    }
  });

  it('the environment holds no credential and not the real HOME, and the real home cannot be read (base64 does not help)', async () => {
    const home = path.join(makeHome(), 'home');
    const secrets: Record<string, string> = {
      AWS_ACCESS_KEY_ID: 'AKIASENTINEL0123456',
      SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/TSENTINEL/B0/x',
      DOCKER_AUTH_CONFIG: '{"auths":{"r":{"auth":"c2VudGluZWw="}}}',
      SENTRY_DSN: 'https://sentinelkey@o1.ingest.sentry.io/1',
      DATABASE_URL: 'postgres://app:sentinel-password@db/app',
      OPENAI_API_KEY: 'sk-sentinel-0123456789abcdef',
    };
    const names = Object.keys(secrets);
    const { outcome, output } = await hostile(
      [
        `printf '%s|' ${names.map((n) => `"$${n}"`).join(' ')} "$HOME" | base64 -w0; echo`,
        `cat ${JSON.stringify(path.join(home, '.aws/credentials'))} 2>&1 | base64 -w0; echo`,
        `ls ${JSON.stringify(home)} 2>&1 || echo "home: not there"`,
      ].join('\n'),
      { env: { ...process.env, ...secrets, HOME: home } },
    );
    const [seen = '', file = ''] = output
      .split('\n')
      .filter((l) => /^[A-Za-z0-9+/=]+$/.test(l))
      .map((l) => Buffer.from(l, 'base64').toString('utf8'));
    for (const v of Object.values(secrets)) assert.ok(!seen.includes(v) && !output.includes(v), 'a credential leaked');
    assert.notEqual(seen.split('|').at(-2), home, 'HOME is not the real one');
    assert.doesNotMatch(file, /aws_secret_access_key|SENTINELSECRET/);
    assert.match(output, /home: not there/);
    if (outcome.status === 'ran') for (const n of names) assert.ok(outcome.result.withheldEnv.includes(n));

    /** A home folder with a credentials file, beside the workspace (removed with it). */
    function makeHome(): string {
      const dir = mkdtempSync(path.join(tmpdir(), 'switchyard-home-'));
      homes.push(dir);
      mkdirSync(path.join(dir, 'home/.aws'), { recursive: true });
      writeFileSync(path.join(dir, 'home/.aws/credentials'), '[default]\naws_secret_access_key = SENTINELSECRET\n');
      return dir;
    }
  });

  it('a fork bomb is bounded by the process limit', async () => {
    // Bounded by design (at most 400 sleeps) so a broken limit cannot take the machine down.
    // `echo` is built in: the last number printed is the last process the shell could start.
    const { output } = await hostile('for i in $(seq 1 400); do sleep 30 & echo "started $i"; done', {
      limits: { processes: 64 },
      verify: { command: 'sh test.sh', timeoutSeconds: 10 },
    });
    const started = Math.max(...[...output.matchAll(/started (\d+)/g)].map((m) => Number(m[1])));
    // RLIMIT_NPROC counts all of a user's tasks: the allowance is added to what the user ran when the
    // command started, so tasks of the same user that end meanwhile (other test files running in
    // parallel) lend it room. Run as root the sandbox is nobody, and the count is exact.
    assert.ok(started < 2 * 64, `${started} processes started with an allowance of 64`);
    assert.match(output, /Cannot fork|Resource temporarily unavailable/);
  });

  it('a memory hog is stopped at the memory limit', async () => {
    const { outcome, output } = await hostile(
      `${JSON.stringify(process.execPath)} -e 'const b = Buffer.alloc(1024 * 1024 * 1024, 1); console.log("ALLOCATED", b.length)'`,
      { limits: { memoryBytes: 256 * 1024 * 1024 } },
    );
    assert.doesNotMatch(output, /ALLOCATED/);
    assert.equal(outcome.status === 'ran' && outcome.result.passed, false);
  });

  it('a huge file stops at the file-size limit; filling the scratch copy stops at the disk limit; /tmp is small', async () => {
    const { outcome, output } = await hostile(
      [
        'head -c 100000000 /dev/zero > big.bin 2>/dev/null',
        'echo "big: $(wc -c < big.bin)"',
        'head -c 50000000 /dev/zero > /tmp/fill.bin 2>/dev/null',
        'echo "tmp: $(wc -c < /tmp/fill.bin)"',
        'i=0; while [ $i -lt 40 ]; do head -c 8000000 /dev/zero > part$i.bin; i=$((i+1)); sleep 0.1; done',
        'echo "wrote all parts"',
      ].join('\n'),
      { limits: { fileBytes: 16 * 1024 * 1024, diskBytes: 64 * 1024 * 1024, tmpBytes: 16 * 1024 * 1024 } },
    );
    assert.ok(Number(/big: (\d+)/.exec(output)?.[1]) <= 16 * 1024 * 1024, output);
    assert.ok(Number(/tmp: (\d+)/.exec(output)?.[1]) <= 16 * 1024 * 1024, output);
    assert.doesNotMatch(output, /wrote all parts/);
    assert.ok(
      outcome.status === 'ran' && /over the 64 MiB allowed/.test(outcome.result.limitExceeded ?? ''),
      JSON.stringify(outcome),
    );
  });

  it('a setsid child is killed at the time limit, and after a normal exit', async () => {
    const tag = `${process.pid}${Date.now() % 100000}`;
    try {
      const { outcome } = await hostile(
        `setsid sleep 1000.${tag}1 &\nsetsid sh -c 'trap "" TERM; sleep 1000.${tag}2' &\nsleep 1000.${tag}3`,
        {
          verify: { command: 'sh test.sh', timeoutSeconds: 3 },
        },
      );
      assert.equal(outcome.status === 'ran' && outcome.result.timedOut, true);
      assert.ok(await waitFor(() => processesWith(`1000.${tag}`).length === 0, 5000), 'everything it started is gone');
      await hostile(`setsid sleep 1000.${tag}4 &\necho started`);
      assert.ok(await waitFor(() => processesWith(`1000.${tag}`).length === 0, 5000), 'gone after a normal exit too');
    } finally {
      for (const pid of processesWith(`1000.${tag}`)) execFileSync('kill', ['-9', String(pid)]);
    }
  });
});
