// Removes scratch folders a crashed or killed host left behind. Each container holds an owner
// file naming the process that made it; a container whose owner is gone and that is over an hour
// old, or any over a day old, is deleted. Runs before a new scratch is made, so leftovers never
// pile up in the temp folder. (A scratch is a clone with its own git directory, so nothing of it
// is left in the user's repository.)
import { readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import * as path from 'node:path';

export const SCRATCH_PREFIX = 'switchyard-scratch-';
/** Earlier releases named their containers so; still swept. */
const OLD_PREFIXES = ['switchyard-verify-'];
export const OWNER_FILE = 'switchyard-owner.json';
const MAX_AGE_MS = 24 * 60 * 60 * 1000;
// A dead owner alone is not enough: a host in another pid namespace sharing this temp folder
// (a container) would look dead. An hour is longer than any sane verification.
const ORPHAN_AGE_MS = 60 * 60 * 1000;

export async function writeOwner(container: string): Promise<void> {
  await writeFile(path.join(container, OWNER_FILE), JSON.stringify({ pid: process.pid, at: Date.now() }));
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists but belongs to someone else, so it is alive.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Deletes abandoned scratch containers under `tmpDir`; returns the ones removed. Never throws. */
export async function sweepStaleScratch(tmpDir: string, now = Date.now()): Promise<string[]> {
  const removed: string[] = [];
  let names: string[];
  try {
    names = (await readdir(tmpDir)).filter((n) => [SCRATCH_PREFIX, ...OLD_PREFIXES].some((p) => n.startsWith(p)));
  } catch {
    return removed;
  }
  for (const name of names) {
    const container = path.join(tmpDir, name);
    try {
      const st = await stat(container);
      if (!st.isDirectory()) continue;
      let ownerGone = false;
      try {
        const owner = JSON.parse(await readFile(path.join(container, OWNER_FILE), 'utf8')) as { pid?: unknown };
        ownerGone = typeof owner.pid === 'number' && !alive(owner.pid);
      } catch {
        // No owner file yet (being made right now) or unreadable: only age decides.
      }
      const age = now - st.mtimeMs;
      if ((ownerGone && age > ORPHAN_AGE_MS) || age > MAX_AGE_MS) {
        await rm(container, { recursive: true, force: true });
        removed.push(container);
      }
    } catch {
      // Someone else removed it meanwhile, or it cannot be removed: not ours to fight over.
    }
  }
  return removed;
}
