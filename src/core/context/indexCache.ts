// The CLI's index cache: one file per workspace (named by a hash of its real path) under the user's
// cache folder. On the next run the index starts from it; when HEAD, every listed folder's mtime and
// every file's size and mtime are unchanged it answers from the cache alone, without git or reading
// a single source file; otherwise it re-lists and re-reads only what moved (history only when HEAD
// moved). A cache from another version, for another root, or unreadable, is ignored; it is written
// to a temporary file and renamed, so a crash never leaves half a cache. File system calls are
// synchronous: this is the warm `locate` path, run once per process, where promise machinery (and
// loading node:fs/promises and node:crypto at all) costs more than the calls themselves.
import { mkdirSync, readFileSync, realpathSync, renameSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { encodeCache, type CacheData } from './indexCacheFormat';
import { decodeOpened, openCache, type OpenedCache } from './indexCacheRead';
import { readHeadFast, type FastHead } from './gitHead';
import { sameOnDisk } from './freshness';
import { mark } from './phaseMarks';
import { RepoIndex, type IndexOptions } from './repoIndex';

export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  // node:os only when it is needed (loading it costs a warm `locate` about a millisecond).
  const base = env.XDG_CACHE_HOME || path.join((require('node:os') as typeof import('node:os')).homedir(), '.cache');
  return path.join(base, 'switchyard', 'index');
}

/** The workspace's cache file: named by a hash of its real path (the cache also holds the root, and is checked against it). */
function cacheFile(root: string, dir: string): string {
  let real: string;
  try {
    real = realpathSync.native(root);
  } catch {
    real = path.resolve(root);
  }
  return path.join(dir, `${pathHash(real)}.idx`);
}

/** Two FNV-1a hashes of the path's UTF-16 units (different seeds), as 16 hex digits. */
export function pathHash(p: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193;
  for (let i = 0; i < p.length; i++) {
    const c = p.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
  }
  return (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0');
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
  const index = new RepoIndex(path.resolve(root), options);
  const opened = openCacheFile(cacheFile(root, cacheDir));
  let fromCache = false;
  let untouched = false;
  if (opened && opened.root === index.root) {
    // Checked before the entries are made: the thousands of lstat calls then run on a small heap.
    const current = cacheCurrent(opened, readHeadFast(index.root));
    mark('freshness checked');
    const data = decodeOpened(opened);
    if (data) {
      restoreIndex(index, data);
      mark('index restored');
      fromCache = true;
      untouched = current;
    }
  }
  const restored = index.generation;
  if (!untouched) await index.refresh();
  return { index, fromCache, untouched, restored };
}

function openCacheFile(file: string): OpenedCache | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch {
    return undefined;
  }
  mark('cache read');
  const opened = openCache(bytes);
  mark('cache opened');
  return opened;
}

/**
 * True when nothing the cache holds can have changed since it was saved: HEAD (read from git's
 * files), every listed folder's mtime and every file's size and mtime are the same. No process is
 * started; false whenever anything cannot be told, and then the index's refresh() decides.
 */
export function cacheCurrent(opened: OpenedCache, head: FastHead): boolean {
  if (!opened.dirs.length || head === 'unknown') return false;
  if ((head === 'none' ? undefined : head) !== opened.head) return false;
  return sameOnDisk(opened.root, opened);
}

/** Fills an empty index with what a cache holds, as it was saved (nothing on disk is checked). */
export function restoreIndex(index: RepoIndex, c: CacheData): void {
  index.restoreFiles(c.files, c.dict, c.df, c.pathDf, c.specs);
  index.restoreGraph(c.imports, c.rank);
  index.history = c.history;
  index.dirMtimes = c.dirMtimes;
  index.stats = c.stats;
}

export async function saveIndex(index: RepoIndex, cacheDir = defaultCacheDir()): Promise<void> {
  const file = cacheFile(index.root, cacheDir);
  mkdirSync(cacheDir, { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, encodeCache(index), { mode: 0o600 });
  renameSync(tmp, file);
}
