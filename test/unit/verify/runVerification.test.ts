import { strict as assert } from 'node:assert';
import { readFileSync, existsSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { Isolation } from '../../../src/core/sandbox/launchPlan';
import { runVerification } from '../../../src/core/verify/runVerification';
import { VerifyResultSchema } from '../../../src/core/verify/verifySchema';
import { groupMembers, makeWorkspace, pgidOf, pidAlive, waitFor, type TempWorkspace } from './helpers';

const node = JSON.stringify(process.execPath);
// These cases test the unsandboxed mode (a process group in the copy, what a user who opted out
// gets); the sandboxed one has its own cases in test/unit/sandbox and test/unit/hostile/verify.
const UNSANDBOXED: Isolation = { kind: 'unsandboxed', why: 'the process-group mode under test' };

describe('runVerification', () => {
  let ws: TempWorkspace;
  beforeEach(() => {
    ws = makeWorkspace({ git: false });
  });
  afterEach(() => ws.cleanup());

  it('passes when the command exits 0 and keeps its output', async () => {
    const r = await runVerification({
      isolation: UNSANDBOXED,
      command: `${node} test/run.js`,
      cwd: ws.root,
      timeoutMs: 20_000,
    });
    VerifyResultSchema.parse(r);
    assert.equal(r.exitCode, 0);
    assert.equal(r.signal, null);
    assert.equal(r.passed, true);
    assert.equal(r.timedOut, false);
    assert.match(r.outputTail, /ok - add\(2, 3\) is 5/);
    assert.match(r.outputTail, /all checks passed$/);
    assert.ok(r.durationMs > 0 && r.durationMs < 20_000);
  });

  it('fails with the exit code and stderr when the command fails', async () => {
    const r = await runVerification({
      isolation: UNSANDBOXED,
      command: 'echo to-out; echo to-err >&2; exit 3',
      cwd: ws.root,
      timeoutMs: 10_000,
    });
    assert.equal(r.exitCode, 3);
    assert.equal(r.passed, false);
    assert.match(r.outputTail, /to-out\nto-err/);
  });

  it('kills the whole process group at the time limit, grandchild included', async () => {
    const pidFile = path.join(ws.outDir, 'pids.json');
    const r = await runVerification({
      isolation: UNSANDBOXED,
      command: `${node} tools/spawnGrandchild.js ${JSON.stringify(pidFile)}`,
      cwd: ws.root,
      // Generous: the child must have started and written its pids before the limit, even on a loaded machine.
      timeoutMs: 5000,
      killGraceMs: 500,
    });
    assert.equal(r.timedOut, true);
    assert.equal(r.passed, false);
    assert.equal(r.exitCode, null);
    assert.ok(r.signal, 'ended by a signal');
    assert.ok(r.durationMs >= 4900 && r.durationMs < 20_000, `duration ${r.durationMs}`);
    const pids = JSON.parse(readFileSync(pidFile, 'utf8')) as { child: number; grandchild: number };
    assert.ok(await waitFor(() => !pidAlive(pids.grandchild) && !pidAlive(pids.child), 10_000), 'group is gone');
    assert.match(r.outputTail, /grandchild started/);
  });

  it('escalates to SIGKILL when the group ignores SIGTERM', async () => {
    const pidFile = path.join(ws.outDir, 'pids.json');
    const started = Date.now();
    const r = await runVerification({
      isolation: UNSANDBOXED,
      command: `trap '' TERM; ${node} tools/spawnGrandchild.js ${JSON.stringify(pidFile)} --ignore-term`,
      cwd: ws.root,
      timeoutMs: 5000,
      killGraceMs: 700,
    });
    assert.equal(r.timedOut, true);
    assert.ok(Date.now() - started >= 5600, 'waited for the grace period before SIGKILL');
    const pids = JSON.parse(readFileSync(pidFile, 'utf8')) as { child: number; grandchild: number };
    assert.ok(await waitFor(() => !pidAlive(pids.grandchild) && !pidAlive(pids.child), 10_000), 'group is gone');
  });

  it('kills the group when the AbortSignal fires', async () => {
    const pidFile = path.join(ws.outDir, 'pids.json');
    const ac = new AbortController();
    const running = runVerification({
      isolation: UNSANDBOXED,
      command: `${node} tools/spawnGrandchild.js ${JSON.stringify(pidFile)}`,
      cwd: ws.root,
      timeoutMs: 60_000,
      signal: ac.signal,
      killGraceMs: 500,
    });
    assert.ok(await waitFor(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8').length > 0, 30_000));
    const pids = JSON.parse(readFileSync(pidFile, 'utf8')) as { child: number; grandchild: number };
    assert.equal(pidAlive(pids.grandchild), true);
    const pgid = pgidOf(pids.grandchild);
    assert.equal(pgidOf(pids.child), pgid, 'child and grandchild share the group');
    assert.notEqual(pgid, pgidOf(process.pid), 'the command runs in its own group, not ours');
    assert.ok(groupMembers(pgid).length >= 2);
    ac.abort();
    const r = await running;
    assert.equal(r.cancelled, true);
    assert.equal(r.timedOut, false);
    assert.equal(r.passed, false);
    assert.ok(await waitFor(() => !pidAlive(pids.grandchild), 10_000), 'grandchild is gone');
    assert.ok(await waitFor(() => groupMembers(pgid).length === 0, 10_000), 'the whole group is gone');
  });

  it('does not start at all when already aborted', async () => {
    const marker = path.join(ws.outDir, 'ran');
    const ac = new AbortController();
    ac.abort();
    const r = await runVerification({
      isolation: UNSANDBOXED,
      command: `touch ${JSON.stringify(marker)}`,
      cwd: ws.root,
      timeoutMs: 5000,
      signal: ac.signal,
    });
    assert.equal(r.cancelled, true);
    assert.equal(existsSync(marker), false);
  });

  it('leaves no background process behind after a normal exit', async () => {
    const pidFile = path.join(ws.outDir, 'pids.json');
    const r = await runVerification({
      isolation: UNSANDBOXED,
      // The shell waits until the background child has written its pids, then exits normally.
      command: `${node} tools/spawnGrandchild.js ${JSON.stringify(pidFile)} & while [ ! -s ${JSON.stringify(pidFile)} ]; do sleep 0.05; done; echo done`,
      cwd: ws.root,
      timeoutMs: 60_000,
    });
    assert.equal(r.exitCode, 0);
    assert.equal(r.passed, true);
    assert.equal(r.timedOut, false);
    const pids = JSON.parse(readFileSync(pidFile, 'utf8')) as { child: number; grandchild: number };
    assert.ok(await waitFor(() => !pidAlive(pids.grandchild) && !pidAlive(pids.child), 10_000));
  });

  it('does not wait forever for a process that escaped the group and holds the output open', async () => {
    const pidFile = path.join(ws.outDir, 'pids.json');
    let escaped: number | undefined;
    try {
      const started = Date.now();
      const r = await runVerification({
        isolation: UNSANDBOXED,
        command: `${node} tools/spawnGrandchild.js ${JSON.stringify(pidFile)} --escape`,
        cwd: ws.root,
        timeoutMs: 5000,
        killGraceMs: 300,
      });
      escaped = (JSON.parse(readFileSync(pidFile, 'utf8')) as { grandchild: number }).grandchild;
      assert.equal(r.timedOut, true);
      assert.ok(Date.now() - started < 12_000, `returned after ${Date.now() - started} ms`);
      assert.match(r.outputTail, /grandchild started/);
    } finally {
      if (escaped && pidAlive(escaped)) process.kill(escaped, 'SIGKILL');
    }
  });

  it('masks withheld values and key-shaped text in the output', async () => {
    const key = 'sk-proj-thisisatestkey0123456789';
    writeFileSync(path.join(ws.outDir, 'leak.txt'), `config says ${key}\nand hunter2secret\n`);
    const chunks: string[] = [];
    const r = await runVerification({
      isolation: UNSANDBOXED,
      command: `cat ${JSON.stringify(path.join(ws.outDir, 'leak.txt'))}`,
      cwd: ws.root,
      timeoutMs: 10_000,
      env: { PATH: process.env.PATH, OPENAI_API_KEY: key, DB_PASSWORD: 'hunter2secret' },
      onOutput: (t) => chunks.push(t),
    });
    assert.equal(r.exitCode, 0);
    assert.doesNotMatch(r.outputTail + chunks.join(''), /thisisatestkey|hunter2secret/);
    assert.match(r.outputTail, /config says \[redacted key\]/);
  });

  it('withholds secrets from the environment and passes harmless variables', async () => {
    const r = await runVerification({
      isolation: UNSANDBOXED,
      command: `${node} tools/printEnv.js`,
      cwd: ws.root,
      timeoutMs: 10_000,
      env: {
        PATH: process.env.PATH,
        OPENAI_API_KEY: 'sk-test-openai-0123456789abcdef',
        ANTHROPIC_API_KEY: 'sk-ant-test-0123456789',
        MY_PROVIDER_KEY_ENV: 'plain-looking-value',
        GITHUB_TOKEN: 'ghp_x',
        SNEAKY: 'sk-abcdefghijklmnopqrstuvwxyz012345',
        SWITCHYARD_HARMLESS: 'visible',
      },
      secretEnvNames: ['MY_PROVIDER_KEY_ENV'],
      // The environment is an allow-list now (issue 15, M3): a harmless variable passes when named.
      passEnv: ['SWITCHYARD_HARMLESS', 'MY_PROVIDER_KEY_ENV'],
    });
    assert.equal(r.exitCode, 0, r.outputTail);
    assert.deepEqual(r.refusedEnv, ['MY_PROVIDER_KEY_ENV'], 'a credential is refused even when named');
    const seen = JSON.parse(/ENV (.*)/.exec(r.outputTail)![1]) as Record<string, string | null>;
    assert.equal(seen.OPENAI_API_KEY, null);
    assert.equal(seen.ANTHROPIC_API_KEY, null);
    assert.equal(seen.MY_PROVIDER_KEY_ENV, null);
    assert.equal(seen.GITHUB_TOKEN, null);
    assert.equal(seen.SNEAKY, null, 'a key-shaped value is withheld whatever its name');
    assert.equal(seen.SWITCHYARD_HARMLESS, 'visible');
    assert.equal(seen.PATH, process.env.PATH);
    assert.deepEqual(r.withheldEnv, [
      'ANTHROPIC_API_KEY',
      'GITHUB_TOKEN',
      'MY_PROVIDER_KEY_ENV',
      'OPENAI_API_KEY',
      'SNEAKY',
    ]);
    assert.doesNotMatch(JSON.stringify(r), /sk-test|sk-ant|plain-looking/);
  });

  it('keeps only a bounded tail of a noisy command', async () => {
    const r = await runVerification({
      isolation: UNSANDBOXED,
      command: `${node} tools/noisy.js 20000`,
      cwd: ws.root,
      timeoutMs: 20_000,
      tail: { maxChars: 4096, maxLines: 100 },
    });
    assert.equal(r.exitCode, 0);
    assert.equal(r.outputTruncated, true);
    const lines = r.outputTail.split('\n');
    assert.ok(lines.length <= 100, `${lines.length} lines`);
    assert.ok(r.outputTail.length <= 4096);
    // Two pipes: which of the last two lines arrives last is up to the scheduler.
    assert.ok(['err line 20000', 'out line 19999'].includes(lines[lines.length - 1]), lines[lines.length - 1]);
    assert.ok(r.outputBytes > 200_000);
    // Both streams were counted, whichever of them the kept tail happens to come from.
    assert.ok(r.outputBytes >= 2 * 10_000 * 'out line 1'.length);
  });

  it('a firehose (`yes`) until the time limit: killed, memory bounded, tail only', async () => {
    const before = process.memoryUsage().rss;
    const r = await runVerification({
      isolation: UNSANDBOXED,
      command: 'yes switchyard',
      cwd: ws.root,
      timeoutMs: 3000,
      killGraceMs: 300,
    });
    assert.equal(r.timedOut, true);
    assert.ok(r.outputBytes > 100_000, `${r.outputBytes} bytes written`);
    assert.ok(r.outputTail.length <= 8 * 1024);
    assert.ok(r.outputTail.split('\n').length <= 200);
    assert.equal(r.outputTruncated, true);
    assert.ok(process.memoryUsage().rss - before < 200 * 1024 * 1024, 'no unbounded buffering');
  });

  it('a limit beyond what a timer holds is not turned into an instant kill', async () => {
    const r = await runVerification({
      isolation: UNSANDBOXED,
      command: 'sleep 0.3; echo finished',
      cwd: ws.root,
      timeoutMs: 1e10,
    });
    assert.equal(r.timedOut, false);
    assert.equal(r.passed, true);
    assert.equal(r.outputTail, 'finished');
  });

  it('streams output chunks to onOutput as they arrive', async () => {
    const chunks: string[] = [];
    const r = await runVerification({
      isolation: UNSANDBOXED,
      command: 'echo first; sleep 0.2; echo second',
      cwd: ws.root,
      timeoutMs: 10_000,
      onOutput: (t) => chunks.push(t),
    });
    assert.equal(r.exitCode, 0);
    assert.equal(chunks.join(''), 'first\nsecond\n');
  });

  it('a throwing onOutput listener does not break the run', async () => {
    const r = await runVerification({
      isolation: UNSANDBOXED,
      command: 'echo a; echo b',
      cwd: ws.root,
      timeoutMs: 10_000,
      onOutput: () => {
        throw new Error('listener bug');
      },
    });
    assert.equal(r.exitCode, 0);
    assert.equal(r.outputTail, 'a\nb');
  });

  it('reports a command spawn refuses outright (a NUL byte) without throwing', async () => {
    const r = await runVerification({ isolation: UNSANDBOXED, command: 'echo a\0b', cwd: ws.root, timeoutMs: 5000 });
    assert.equal(r.passed, false);
    assert.equal(r.exitCode, null);
    assert.ok(r.startError, 'startError set');
  });

  it('on Windows says why it cannot run instead of half-killing a tree', async () => {
    const marker = path.join(ws.outDir, 'ran');
    const r = await runVerification({
      isolation: UNSANDBOXED,
      command: `touch ${JSON.stringify(marker)}`,
      cwd: ws.root,
      timeoutMs: 5000,
      platform: 'win32',
    });
    assert.equal(r.passed, false);
    assert.match(r.startError ?? '', /WSL/);
    assert.equal(existsSync(marker), false);
  });

  it('reports a missing shell without throwing', async () => {
    const r = await runVerification({
      isolation: UNSANDBOXED,
      command: 'true',
      cwd: ws.root,
      timeoutMs: 5000,
      shell: '/nonexistent/sh',
    });
    assert.equal(r.passed, false);
    assert.match(r.startError ?? '', /ENOENT/);
  });

  it('reports a command that cannot start (missing folder) without throwing', async () => {
    const r = await runVerification({
      isolation: UNSANDBOXED,
      command: 'true',
      cwd: path.join(ws.root, 'missing'),
      timeoutMs: 5000,
    });
    assert.equal(r.passed, false);
    assert.ok(r.startError);
    assert.match(r.startError!, /missing/);
  });
});
