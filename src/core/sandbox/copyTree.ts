// File copying for the isolated copy: one entry at a time (regular files keep their mode,
// symlinks stay symlinks) and whole trees with a skip list and a size budget. Never follows a
// symlink out of the tree it copies, so a link cannot drag a home directory into the scratch.
import { chmod, copyFile, constants, lstat, mkdir, readdir, readlink, rm, symlink } from 'node:fs/promises';
import * as path from 'node:path';

export interface CopyBudget {
  maxBytes: number;
  bytes: number;
}

export class CopyBudgetError extends Error {
  constructor(
    readonly root: string,
    readonly maxBytes: number,
  ) {
    super(
      `The workspace ${root} has more than ${formatMb(maxBytes)} to copy (outside node_modules and .git, or ` +
        'uncommitted in git), too much for a verification run. Ignore build output in .gitignore, commit, or raise the limit.',
    );
    this.name = 'CopyBudgetError';
  }
}

function formatMb(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round(bytes / (1024 * 1024))} MB` : `${bytes} bytes`;
}

function inside(root: string, p: string): boolean {
  const rel = path.relative(root, p);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/**
 * Copies one entry from `srcRoot/rel` to `dstRoot/rel`, replacing whatever is there. An absolute
 * symlink that points inside `srcRoot` is re-aimed at the same place inside `dstRoot`, so writes
 * through it land in the scratch and not in the workspace.
 */
export async function copyEntry(
  srcRoot: string,
  dstRoot: string,
  rel: string,
  budget?: CopyBudget,
  nodeModules?: NodeModulesHandler,
): Promise<void> {
  const src = path.join(srcRoot, rel);
  const dst = path.join(dstRoot, rel);
  const st = await lstat(src);
  await mkdir(path.dirname(dst), { recursive: true });
  await rm(dst, { recursive: true, force: true });
  if (st.isSymbolicLink()) {
    let target = await readlink(src);
    if (path.isAbsolute(target) && inside(srcRoot, target)) target = path.join(dstRoot, path.relative(srcRoot, target));
    await symlink(target, dst);
  } else if (st.isFile()) {
    if (budget) {
      budget.bytes += st.size;
      if (budget.bytes > budget.maxBytes) throw new CopyBudgetError(srcRoot, budget.maxBytes);
    }
    await copyFile(src, dst, constants.COPYFILE_FICLONE);
    await chmod(dst, st.mode & 0o7777);
  } else if (st.isDirectory()) {
    // A whole folder (a nested repository git lists as "dir/"): same rules as a copied workspace.
    await copyTree(src, dst, { skip: new Set(['.git', 'node_modules']), nodeModules, budget });
  }
  // Sockets, FIFOs and devices are not copied: tests cannot use a copy of them anyway.
}

/** What becomes of a skipped `node_modules` folder (isolatedCopy.ts: a mount point, a copy or a link). */
export type NodeModulesHandler = (src: string, dst: string) => Promise<void>;

export interface CopyTreeOptions {
  /** Directory names skipped at any depth. */
  skip: Set<string>;
  /** Called for each skipped `node_modules` folder, so tests can still find their dependencies. */
  nodeModules?: NodeModulesHandler;
  budget?: CopyBudget;
}

export async function copyTree(
  src: string,
  dst: string,
  opts: CopyTreeOptions,
  top = src,
  dstTop = dst,
): Promise<void> {
  await mkdir(dst, { recursive: true });
  const entries = await readdir(src, { withFileTypes: true });
  for (const e of entries) {
    const from = path.join(src, e.name);
    const to = path.join(dst, e.name);
    // A `.git` file (submodules, worktrees) points into the user's repository: skipped like the folder.
    if ((e.isDirectory() || e.name === '.git') && opts.skip.has(e.name)) {
      if (e.name === 'node_modules' && opts.nodeModules) await opts.nodeModules(from, to);
      continue;
    }
    if (e.isDirectory()) {
      // Directories keep the default mode: a read-only one copied as such would block cleanup.
      await copyTree(from, to, opts, top, dstTop);
    } else {
      await copyEntry(top, dstTop, path.relative(top, from), opts.budget, opts.nodeModules);
    }
  }
}

/** Whether anything (a file, a folder, a dangling link) is at `p`. */
export async function exists(p: string): Promise<boolean> {
  try {
    await lstat(p);
    return true;
  } catch {
    return false;
  }
}
