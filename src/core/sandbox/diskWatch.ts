// Bounds how much a confined command may write into its scratch folder. A size-limited filesystem
// would need privileges or a copy into memory, so the folder is watched instead: every half second
// the file system's free space is read (one statfs call, cheap at any size); when it has dropped
// by more than the limit since the start, the folder itself is measured, and only if the folder
// grew past the limit is the command stopped. Someone else filling the disk does not kill it.
// The overshoot is what the command writes in one interval; RLIMIT_FSIZE bounds each file.
import { lstat, readdir, statfs } from 'node:fs/promises';
import * as path from 'node:path';

export interface DiskWatch {
  stop(): void;
}

export interface DiskWatchOptions {
  dir: string;
  limitBytes: number;
  onExceeded(grewBy: number): void;
  intervalMs?: number;
}

async function freeBytes(dir: string): Promise<number | undefined> {
  try {
    const s = await statfs(dir);
    return s.bavail * s.bsize;
  } catch {
    return undefined;
  }
}

/** Bytes used by the files under `dir` (not following symlinks; mount points inside are not crossed). */
export async function folderBytes(dir: string): Promise<number> {
  let total = 0;
  const top = await lstat(dir).catch(() => undefined);
  if (!top) return 0;
  const walk = async (d: string, dev: number) => {
    let names: string[];
    try {
      names = await readdir(d);
    } catch {
      return;
    }
    for (const n of names) {
      const p = path.join(d, n);
      const st = await lstat(p).catch(() => undefined);
      if (!st || st.dev !== dev) continue;
      total += st.blocks * 512;
      if (st.isDirectory()) await walk(p, dev);
    }
  };
  await walk(dir, top.dev);
  return total;
}

export async function watchDisk(opts: DiskWatchOptions): Promise<DiskWatch> {
  const startSize = await folderBytes(opts.dir);
  let baseFree = await freeBytes(opts.dir);
  let stopped = false;
  let busy = false;
  const timer = setInterval(() => {
    if (busy || stopped || baseFree === undefined) return;
    busy = true;
    void (async () => {
      try {
        const free = await freeBytes(opts.dir);
        if (free === undefined || baseFree === undefined || baseFree - free <= opts.limitBytes) return;
        const grew = (await folderBytes(opts.dir)) - startSize;
        if (stopped) return;
        if (grew > opts.limitBytes) {
          stopped = true;
          clearInterval(timer);
          opts.onExceeded(grew);
        } else {
          // Another writer used the space: measure again only once more than our allowance has gone.
          baseFree = free + Math.max(grew, 0);
        }
      } finally {
        busy = false;
      }
    })();
  }, opts.intervalMs ?? 500);
  timer.unref();
  return {
    stop() {
      stopped = true;
      clearInterval(timer);
    },
  };
}
