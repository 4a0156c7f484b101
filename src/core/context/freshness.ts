// Whether an index still matches the files on disk, told without reading a file or starting git:
// every listed folder's mtime (a file added, removed or renamed changes its folder's), and every
// file's size and mtime (an edit in place changes only the file's). Thousands of lstat calls on the
// warm `locate` path, so each is as lean as Node allows: the path joined by hand, the type read
// from the mode bits, one options object.
import { constants, lstatSync } from 'node:fs';
import * as path from 'node:path';

const { S_IFMT, S_IFDIR, S_IFREG } = constants;
const NO_THROW = { throwIfNoEntry: false } as const;

/** What sameFile needs of an indexed file. */
export interface HeldFile {
  path: string;
  size: number;
  mtimeMs: number;
}

/** What sameOnDisk checks, as the cache holds it: folders and files with their mtimes (and files' sizes), by position. */
export interface HeldColumns {
  dirs: readonly string[];
  dirMtimes: ArrayLike<number>;
  paths: readonly string[];
  sizes: ArrayLike<number>;
  mtimes: ArrayLike<number>;
}

/** True when every folder has the mtime held for it, and every file is still a regular file with the size and mtime held. */
export function sameOnDisk(root: string, held: HeldColumns): boolean {
  const base = rootBase(root);
  const { dirs, dirMtimes, paths, sizes, mtimes } = held;
  for (let i = 0; i < dirs.length; i++) {
    const st = lstatSync(dirs[i] ? base + dirs[i] : root, NO_THROW);
    if (!st || (st.mode & S_IFMT) !== S_IFDIR || st.mtimeMs !== dirMtimes[i]) return false;
  }
  for (let i = 0; i < paths.length; i++) {
    const st = lstatSync(base + paths[i], NO_THROW);
    if (!st || (st.mode & S_IFMT) !== S_IFREG || st.size !== sizes[i] || st.mtimeMs !== mtimes[i]) return false;
  }
  return true;
}

/** The file (under `base`, the root with a trailing separator) is a regular file with the size and mtime held. */
export function sameFile(base: string, e: HeldFile): boolean {
  const st = lstatSync(base + e.path, NO_THROW);
  return !!st && (st.mode & S_IFMT) === S_IFREG && st.size === e.size && st.mtimeMs === e.mtimeMs;
}

/** The root as sameFile takes it: with a trailing separator. */
export const rootBase = (root: string): string => (root.endsWith(path.sep) ? root : root + path.sep);

/** Every folder holding a listed file (and their parents, the root as ''), with its mtime now. */
export function folderMtimes(root: string, files: readonly string[]): Map<string, number> {
  const dirs = new Set<string>(['']);
  for (const f of files) {
    for (let at = f.lastIndexOf('/'); at > 0; at = f.lastIndexOf('/', at - 1)) {
      const dir = f.slice(0, at);
      if (dirs.has(dir)) break;
      dirs.add(dir);
    }
  }
  const out = new Map<string, number>();
  for (const dir of dirs) {
    const st = lstatSync(path.join(root, dir), NO_THROW);
    if (st) out.set(dir, st.mtimeMs);
  }
  return out;
}

export function sameEntries(a: ReadonlyMap<string, number>, b: ReadonlyMap<string, number>): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) if (b.get(k) !== v) return false;
  return true;
}
