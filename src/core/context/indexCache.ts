// The CLI's index cache: one file per workspace (named by a hash of its real path) under the user's
// cache folder. On the next run the index starts from it; when HEAD, every listed folder's mtime and
// every file's size and mtime are unchanged it answers from the cache alone, without git or reading
// a single source file; otherwise it re-lists and re-reads only what moved (history only when HEAD
// moved). A cache from another version, for another root, or unreadable, is ignored; it is written
// to a temporary file and renamed, so a crash never leaves half a cache.
import { createHash } from 'node:crypto';
import { mkdir, readFile, realpath, rename, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { decodeCache, encodeCache, type CacheData } from './indexCacheFormat';
import { readHeadFast } from './gitHead';
import { RepoIndex, type IndexOptions } from './repoIndex';
import { TermDict } from './termDict';

export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'switchyard', 'index');
}

async function cacheFile(root: string, dir: string): Promise<string> {
  const real = await realpath(root).catch(() => path.resolve(root));
  return path.join(dir, `${createHash('sha256').update(real).digest('hex').slice(0, 16)}.idx`);
}

export interface LoadedIndex {
  index: RepoIndex;
  fromCache: boolean;
  /** The cache was current: nothing was listed, read or run. */
  untouched: boolean;
  /** The index's generation as the cache held it: a later one means there is something new to save. */
  restored: number;
}

/** An index for `root`, from the cache when there is one, brought up to date (save it with saveIndex). */
export async function loadIndexWithCache(
  root: string,
  options: IndexOptions,
  cacheDir = defaultCacheDir(),
): Promise<LoadedIndex> {
  const file = await cacheFile(root, cacheDir);
  const index = new RepoIndex(path.resolve(root), options);
  const fromCache = await restore(index, file);
  const restored = index.generation;
  const untouched = fromCache && index.unchangedOnDisk(readHeadFast(index.root));
  if (!untouched) await index.refresh();
  return { index, fromCache, untouched, restored };
}

async function restore(index: RepoIndex, file: string): Promise<boolean> {
  let c: CacheData | undefined;
  try {
    c = decodeCache(await readFile(file));
  } catch {
    return false;
  }
  if (!c || c.root !== index.root) return false;
  restoreIndex(index, c);
  return true;
}

/** Fills an empty index with what a cache holds, as it was saved (nothing on disk is checked). */
export function restoreIndex(index: RepoIndex, c: CacheData): void {
  index.restoreFiles(c.files, new TermDict(c.dict), c.df);
  index.restoreGraph(c.imports, c.rank);
  index.history = c.history;
  index.dirMtimes = c.dirMtimes;
  index.stats = c.stats;
}

export async function saveIndex(index: RepoIndex, cacheDir = defaultCacheDir()): Promise<void> {
  const file = await cacheFile(index.root, cacheDir);
  await mkdir(cacheDir, { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, encodeCache(index), { mode: 0o600 });
  await rename(tmp, file);
}
