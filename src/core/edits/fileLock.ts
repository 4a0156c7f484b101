// A lock file shared by processes: whoever creates it (O_EXCL) holds it; the others wait. Used where
// two Switchyard processes may write the same thing at once — an apply's check-then-rename on one
// workspace root, an append to one ledger — and where "the last writer wins" would lose work that was
// already reported as done. The file holds the holder's pid: a lock left by a process that died is
// taken over at once, so a crash never wedges later runs.
import { createHash } from 'node:crypto';
import { mkdir, open, readFile, stat, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export class LockTimeout extends Error {
  constructor(
    readonly lockPath: string,
    readonly holder: string,
    waitedMs: number,
  ) {
    super(`another Switchyard process (${holder}) has held ${lockPath} for over ${Math.round(waitedMs / 1000)} s`);
    this.name = 'LockTimeout';
  }
}

export interface LockOptions {
  /** Give up after this long (default 30 s). */
  timeoutMs?: number;
}

/** Whether a process exists (EPERM: it does, but belongs to someone else). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes the lock when its holder is gone (dead pid, or a file left empty by a crash): true when removed. */
async function breakIfAbandoned(lockPath: string): Promise<{ broken: boolean; holder: string }> {
  let text = '';
  try {
    text = await readFile(lockPath, 'utf8');
  } catch {
    return { broken: true, holder: 'gone' }; // released meanwhile: just try again
  }
  const pid = Number(text.split('\n')[0]);
  const empty = !Number.isInteger(pid) || pid <= 0;
  const oldEmpty =
    empty &&
    Date.now() -
      (await stat(lockPath).then(
        (s) => s.mtimeMs,
        () => 0,
      )) >
      5000;
  if ((!empty && !processAlive(pid)) || oldEmpty) {
    await unlink(lockPath).catch(() => undefined);
    return { broken: true, holder: `pid ${pid}` };
  }
  return { broken: false, holder: empty ? 'starting' : `pid ${pid}` };
}

/** Waiters of this process, per lock path, in order: they queue here instead of polling the file. */
const queues = new Map<string, Promise<void>>();

/**
 * Runs `fn` holding the lock at `lockPath` (the file is removed afterwards, whatever happens). Callers
 * in this process take turns in order; other processes are kept out by the file.
 */
export async function withLock<T>(lockPath: string, fn: () => Promise<T>, opts: LockOptions = {}): Promise<T> {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const before = queues.get(lockPath) ?? Promise.resolve();
  let release!: () => void;
  const mine = new Promise<void>((r) => (release = r));
  const tail = before.then(() => mine);
  queues.set(lockPath, tail);
  try {
    let timer: NodeJS.Timeout | undefined;
    const start = Date.now();
    await Promise.race([
      before,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new LockTimeout(lockPath, 'this process', Date.now() - start)), timeoutMs);
      }),
    ]).finally(() => clearTimeout(timer));
    return await withFileLock(lockPath, fn, timeoutMs);
  } finally {
    release();
    if (queues.get(lockPath) === tail) queues.delete(lockPath);
  }
}

async function withFileLock<T>(lockPath: string, fn: () => Promise<T>, timeoutMs: number): Promise<T> {
  const start = Date.now();
  for (let attempt = 0; ; attempt++) {
    try {
      const fh = await open(lockPath, 'wx', 0o600);
      try {
        await fh.writeFile(`${process.pid}\n${new Date().toISOString()}\n`);
      } finally {
        await fh.close();
      }
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const { broken, holder } = await breakIfAbandoned(lockPath);
      if (broken) continue;
      const waited = Date.now() - start;
      if (waited > timeoutMs) throw new LockTimeout(lockPath, holder, waited);
      await new Promise((r) => setTimeout(r, Math.min(50, 2 + attempt) + Math.random() * 5));
    }
  }
  try {
    return await fn();
  } finally {
    await unlink(lockPath).catch(() => undefined);
  }
}

/**
 * The lock for writes under one workspace root: in the user's temporary folder (never in the
 * workspace, where it would show as a change), keyed by the root's real path.
 */
export async function rootLockPath(realRoot: string): Promise<string> {
  const uid = typeof process.getuid === 'function' ? String(process.getuid()) : 'user';
  const dir = join(tmpdir(), `switchyard-locks-${uid}`);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  return join(dir, `${createHash('sha256').update(realRoot).digest('hex').slice(0, 32)}.lock`);
}
