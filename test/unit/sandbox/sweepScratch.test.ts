import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { OWNER_FILE, SCRATCH_PREFIX, sweepStaleScratch } from '../../../src/core/sandbox/sweepScratch';

/** A pid that certainly belonged to a process that has exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

describe('sweepStaleScratch', () => {
  it('removes abandoned containers (dead owner and over an hour old, or over a day old) and keeps the rest', async () => {
    const tmp = mkdtempSync(path.join(tmpdir(), 'switchyard-sweep-test-'));
    try {
      const make = (name: string, owner: { pid: number } | undefined, ageMs: number) => {
        const dir = path.join(tmp, name);
        mkdirSync(path.join(dir, 'tree'), { recursive: true });
        writeFileSync(path.join(dir, 'tree', 'file.txt'), 'x');
        if (owner) writeFileSync(path.join(dir, OWNER_FILE), JSON.stringify(owner));
        const t = (Date.now() - ageMs) / 1000;
        utimesSync(dir, t, t);
        return dir;
      };
      const hour = 60 * 60 * 1000;
      const deadOld = make(`${SCRATCH_PREFIX}dead-old`, { pid: deadPid() }, 2 * hour);
      const deadNew = make(`${SCRATCH_PREFIX}dead-new`, { pid: deadPid() }, 60_000);
      const liveOld = make(`${SCRATCH_PREFIX}live-old`, { pid: process.pid }, 2 * hour);
      const ancient = make(`${SCRATCH_PREFIX}ancient`, { pid: process.pid }, 25 * hour);
      const noOwner = make(`${SCRATCH_PREFIX}no-owner`, undefined, 2 * hour);
      const notOurs = make('someone-else-old', { pid: deadPid() }, 30 * hour);

      const removed = await sweepStaleScratch(tmp);
      assert.deepEqual(removed.sort(), [ancient, deadOld].sort());
      assert.equal(existsSync(deadOld), false);
      assert.equal(existsSync(ancient), false);
      for (const kept of [deadNew, liveOld, noOwner, notOurs]) assert.equal(existsSync(kept), true, kept);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('a missing temp folder is not an error', async () => {
    assert.deepEqual(await sweepStaleScratch(path.join(tmpdir(), 'switchyard-does-not-exist-xyz')), []);
  });
});
