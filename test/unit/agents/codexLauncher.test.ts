// The launcher that puts codex in a process group of its own (agents/codexLauncher.ts), with a
// shell standing in for codex: a background command it started ends with it — when the SDK's abort
// signals the launcher, and when the engine kills the group — without looking in /proc.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { killCodexGroup, writeCodexLauncher } from '../../../src/core/agents/codexLauncher';

/** Running: it exists and (where /proc says) is not a zombie waiting for a parent that may never reap it. */
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const stat = existsSync(`/proc/${pid}/stat`) ? readFileSync(`/proc/${pid}/stat`, 'utf8') : '';
  return !/^\d+ \(.*\) Z/.test(stat);
};

async function until(what: string, ok: () => boolean, ms = 5000): Promise<void> {
  const t0 = Date.now();
  while (!ok()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Starts "codex" (a shell) through the launcher; it starts a background sleep and waits on another. */
async function startTree(dir: string) {
  const l = (await writeCodexLauncher(dir, '/bin/sh'))!;
  const bg = join(dir, 'bg.pid');
  const child = spawn(l.exe, ['-c', `sleep 300 & echo $! > ${bg}; sleep 300`], { stdio: 'ignore' });
  const written = (f: string) => existsSync(f) && readFileSync(f, 'utf8').trim() !== '';
  await until('the background command and the group id', () => written(bg) && written(l.pidFile));
  const pgid = Number(readFileSync(l.pidFile, 'utf8'));
  return { l, child, bgPid: Number(readFileSync(bg, 'utf8')), pgid };
}

test(
  'the SDK’s abort (SIGTERM to the launcher) ends codex and everything it started',
  { skip: process.platform === 'win32' },
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'switchyard-launcher-'));
    try {
      const { child, bgPid, pgid } = await startTree(dir);
      assert.ok(alive(bgPid) && alive(pgid));
      assert.notEqual(pgid, child.pid, 'codex leads a group of its own, under the launcher');
      child.kill('SIGTERM');
      await until('the group to end', () => !alive(bgPid) && !alive(pgid), 2000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);

test(
  'killing the group from the engine ends codex and its background command',
  { skip: process.platform === 'win32' },
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'switchyard-launcher-'));
    try {
      const { l, child, bgPid, pgid } = await startTree(dir);
      assert.equal(await killCodexGroup(l), true);
      await until('the group to end', () => !alive(bgPid) && !alive(pgid), 2000);
      await until('the launcher to exit', () => child.exitCode !== null || child.signalCode !== null, 2000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
