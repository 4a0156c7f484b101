// A confined process in the real sandbox (bubblewrap on this machine): how it ends. Processes are
// found from outside by a tag in their command line, since pids inside the sandbox's own pid
// namespace mean nothing out here.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { chooseIsolation } from '../../../src/core/sandbox/chooseIsolation';
import { runConfined, type ConfinedRunOptions } from '../../../src/core/sandbox/confinedProcess';
import type { Isolation } from '../../../src/core/sandbox/launchPlan';
import { DEFAULT_LIMITS } from '../../../src/core/sandbox/sandboxLimits';
import { probeSandbox } from '../../../src/core/sandbox/sandboxProbe';

function alive(tag: string): number[] {
  const found: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) continue;
      if (readFileSync(`/proc/${name}/cmdline`, 'utf8').includes(tag)) found.push(Number(name));
    } catch {
      // Gone.
    }
  }
  return found;
}

async function gone(tag: string, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (alive(tag).length === 0) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return alive(tag).length === 0;
}

describe('runConfined in the sandbox', () => {
  let dir: string;
  let isolation: Isolation;
  beforeEach(async () => {
    const support = await probeSandbox();
    assert.ok(support.ok, `this machine must have the sandbox for these cases: ${support.ok ? '' : support.reason}`);
    const chosen = await chooseIsolation({ support });
    assert.ok(!('refused' in chosen));
    isolation = chosen;
    dir = mkdtempSync(path.join(tmpdir(), 'switchyard-confined-'));
    chmodSync(dir, 0o755); // a root host's sandbox is nobody
    mkdirSync(path.join(dir, 'work/home'), { recursive: true });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const run = (script: string, over: Partial<ConfinedRunOptions> = {}) => {
    let out = '';
    const work = path.join(dir, 'work');
    return runConfined({
      argv: ['/bin/sh', '-c', script],
      layout: { cwd: work, home: path.join(work, 'home'), writable: [work], readOnly: [] },
      env: { PATH: '/usr/bin:/bin' },
      isolation,
      limits: DEFAULT_LIMITS,
      timeoutMs: 20_000,
      killGraceMs: 500,
      onData: (_s, c) => (out += c.toString('utf8')),
      ...over,
    }).then((exit) => ({ ...exit, out }));
  };

  it('passes the exit code and output through; sees only the environment it was given', async () => {
    const r = await run('echo "home=$HOME path=$PATH user=${USER:-none}"; echo err >&2; exit 7');
    assert.equal(r.exitCode, 7);
    assert.equal(r.startError, undefined);
    assert.match(r.out, /home= path=\/usr\/bin:\/bin user=none/, 'not even HOME unless given');
    assert.match(r.out, /err/);
  });

  it('at the time limit: SIGTERM to everyone in it, SIGKILL after the grace period to whoever ignored it', async () => {
    const tag = `777${process.pid}`;
    const started = Date.now();
    const r = await run(`trap '' TERM; setsid sh -c 'trap "" TERM; sleep ${tag}.1' & sleep ${tag}.2`, {
      timeoutMs: 1500,
      killGraceMs: 800,
    });
    assert.equal(r.timedOut, true);
    assert.equal(r.exitCode, null);
    assert.ok(r.signal, 'ended by a signal');
    assert.ok(Date.now() - started >= 1500 + 800 - 100, 'waited for the grace period before killing');
    assert.ok(await gone(tag, 5000), 'the setsid child ignoring SIGTERM is gone too');
  });

  it('a cancel ends it at once (with its grace period) and says so', async () => {
    const tag = `778${process.pid}`;
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 500);
    const r = await run(`sleep ${tag}.1 & sleep ${tag}.2`, { signal: ac.signal });
    assert.equal(r.cancelled, true);
    assert.equal(r.timedOut, false);
    assert.ok(r.durationMs < 5000);
    assert.ok(await gone(tag, 5000));
  });

  it('a sandbox that cannot be set up is a start error naming what bwrap said, not a test failure', async () => {
    const work = path.join(dir, 'work');
    const r = await run('echo never', {
      layout: {
        cwd: work,
        home: path.join(work, 'home'),
        writable: [work],
        readOnly: [{ source: path.join(dir, 'no-such-folder'), target: path.join(work, 'x') }],
      },
    });
    assert.match(r.startError ?? '', /the sandbox could not start: .*no-such-folder/);
    assert.doesNotMatch(r.out, /never/);
  });

  it('a descriptor the host inherited without close-on-exec does not reach the command', async () => {
    // A host process (here: a child node) holding an inherited pipe at fd 7, as a launcher can leave one.
    const probe = path.join(dir, 'probe.ts');
    const src = path.resolve(__dirname, '../../../src/core/sandbox');
    writeFileSync(
      probe,
      [
        `import { runConfined } from ${JSON.stringify(path.join(src, 'confinedProcess'))};`,
        `import { chooseIsolation } from ${JSON.stringify(path.join(src, 'chooseIsolation'))};`,
        `import { DEFAULT_LIMITS } from ${JSON.stringify(path.join(src, 'sandboxLimits'))};`,
        `const work = ${JSON.stringify(path.join(dir, 'work'))};`,
        'void (async () => {',
        '  const isolation = await chooseIsolation();',
        "  if ('refused' in isolation) throw new Error(isolation.refused);",
        '  for (const iso of [isolation, { kind: "unsandboxed", why: "both modes" } as const]) {',
        "    await runConfined({ argv: ['/bin/sh', '-c', 'ls -l /proc/self/fd'], layout: { cwd: work, home: work, writable: [work], readOnly: [] },",
        "      env: { PATH: '/usr/bin:/bin' }, isolation: iso, limits: DEFAULT_LIMITS, timeoutMs: 20000,",
        '      onData: (_s, c) => process.stdout.write(c) });',
        '  }',
        '})();',
      ].join('\n'),
    );
    const r = spawnSync(process.execPath, ['--import', 'tsx', probe], {
      cwd: path.resolve(__dirname, '../../..'),
      stdio: ['ignore', 'pipe', 'pipe', 'ignore', 'ignore', 'ignore', 'ignore', 'pipe'],
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.equal(r.status, 0, r.stderr);
    assert.equal((r.stdout.match(/total/g) ?? []).length, 2, r.stdout);
    assert.doesNotMatch(
      r.stdout,
      /^\S+\s+\d+\s+\S+\s+\S+\s+\d+\s+.*\s7 -> (pipe|socket):/m,
      'fd 7 is not the inherited pipe',
    );
    assert.match(r.stdout, /\s7 -> \/dev\/null/);
  });

  it('leaves nothing running after a normal exit', async () => {
    const tag = `779${process.pid}`;
    const r = await run(`(sleep ${tag}.1 &) ; setsid sleep ${tag}.2 & echo done`);
    assert.equal(r.exitCode, 0);
    assert.ok(await gone(tag, 5000));
  });
});
