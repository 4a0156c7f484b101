// A scratch copy of the workspace where a proposed change can be applied and tested without
// touching the user's files. In a git repository it is a detached worktree at HEAD with the
// working tree's uncommitted changes carried over (tracked modifications and deletions, and
// untracked files that are not ignored), so it matches what the user sees; elsewhere it is a
// plain copy. Either way `node_modules` is linked in, not copied, so tests can run at once.
// `dispose()` removes everything it made (worktree, its git admin entry, temp folders) and
// never throws: it runs on the failure paths too.
import { lstat, mkdir, mkdtemp, realpath, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { ApplyOutcome, ResolvedPlan } from '../edits/editPlan';
import { alignBases } from './alignBases';
import { copyEntry, copyTree, type CopyBudget } from './copyTree';
import { gitOrThrow, runGit, splitNul } from './git';
import { SCRATCH_PREFIX, sweepStaleScratch, writeOwner } from './sweepScratch';

export type ScratchKind = 'git-worktree' | 'copy';

export interface ScratchWorkspace {
  kind: ScratchKind;
  /** The workspace root's counterpart inside the scratch: apply edits and run commands here. */
  root: string;
  /** The workspace root it was made from (real path). */
  source: string;
  /** The temp folder holding the scratch; gone after dispose. */
  container: string;
  /** Paths (relative to the repository top) carried over from the working tree, for the record. */
  carriedOver: string[];
  /** Anything the user should know about how the scratch was made (e.g. a fallback to a copy). */
  notes: string[];
  /** Removes the scratch; resolves with what could not be cleaned up (empty when all went). */
  dispose(): Promise<string[]>;
}

export interface ScratchOptions {
  /** Where temp folders go (default: the OS temp dir). */
  tmpDir?: string;
  /** Directory names not copied in copy mode (default: .git and node_modules). */
  skip?: string[];
  /** Link the workspace's node_modules into the scratch (default true). */
  linkNodeModules?: boolean;
  /** Refuse to copy more than this: the whole tree in copy mode, the carried-over files in a worktree (default 1 GiB). */
  maxCopyBytes?: number;
  /** Force a plain copy even in a git repository. */
  forceCopy?: boolean;
}

export class ScratchError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ScratchError';
  }
}

export async function createScratchWorkspace(root: string, opts: ScratchOptions = {}): Promise<ScratchWorkspace> {
  let realRoot: string;
  try {
    realRoot = await realpath(root);
  } catch (e) {
    throw new ScratchError(`The workspace root ${root} cannot be read (${(e as Error).message}).`, { cause: e });
  }
  await sweepStaleScratch(opts.tmpDir ?? tmpdir());
  const top = opts.forceCopy ? undefined : await gitTop(realRoot);
  const notes: string[] = [];
  if (top) {
    const container = await makeContainer(opts);
    try {
      return await createWorktree(realRoot, top, container, opts);
    } catch (e) {
      // Nothing half-made stays behind: the folder goes, and so does the worktree admin entry.
      await rm(container, { recursive: true, force: true }).catch(() => undefined);
      await runGit(['worktree', 'prune'], top);
      // A worktree can fail where a copy works (an LFS smudge filter offline, a locked ref):
      // fall back, and say so in the notes.
      notes.push(`git worktree failed, so a plain copy was made instead: ${(e as Error).message}`);
    }
  }
  const container = await makeContainer(opts);
  try {
    const scratch = await createCopy(realRoot, container, opts);
    scratch.notes.push(...notes);
    return scratch;
  } catch (e) {
    await rm(container, { recursive: true, force: true }).catch(() => undefined);
    if (e instanceof ScratchError) throw e;
    const before = notes.length ? ` (${notes.join('; ')})` : '';
    throw new ScratchError(
      `Could not prepare a scratch copy of ${root} for verification: ${(e as Error).message}${before}`,
      { cause: e },
    );
  }
}

/** A fresh temp folder marked with its owner, so a sweep can tell an abandoned one. */
async function makeContainer(opts: ScratchOptions): Promise<string> {
  const base = opts.tmpDir ?? tmpdir();
  let container: string;
  try {
    container = await mkdtemp(path.join(base, SCRATCH_PREFIX));
  } catch (e) {
    throw new ScratchError(
      `Could not make a scratch folder under ${base} (${(e as Error).message}); point TMPDIR at a writable folder with free space.`,
      { cause: e },
    );
  }
  await writeOwner(container).catch(() => undefined); // only the sweep needs it; age still applies
  return container;
}

/** The repository's top folder when `dir` is inside a git work tree that has a commit, else undefined. */
async function gitTop(dir: string): Promise<string | undefined> {
  const top = await runGit(['rev-parse', '--show-toplevel'], dir);
  if (top.code !== 0) return undefined;
  const head = await runGit(['rev-parse', '--verify', '--quiet', 'HEAD^{commit}'], dir);
  // A repository without a commit has no HEAD to check out: a copy is the honest scratch then.
  if (head.code !== 0) return undefined;
  return realpath(top.stdout.toString('utf8').trim());
}

async function createWorktree(
  realRoot: string,
  top: string,
  container: string,
  opts: ScratchOptions,
): Promise<ScratchWorkspace> {
  const tree = path.join(container, path.basename(top) || 'worktree');
  await gitOrThrow(['worktree', 'add', '--detach', '--quiet', tree, 'HEAD'], top);
  const links: string[] = [];
  const dispose = once(async () => {
    const problems: string[] = [];
    // Our own symlinks go first so nothing below can ever walk into the real node_modules.
    for (const l of links) await rm(l, { force: true }).catch((e) => problems.push(String(e)));
    const removed = await runGit(['worktree', 'remove', '--force', '--force', tree], top);
    await rm(container, { recursive: true, force: true }).catch((e) =>
      problems.push(`could not delete ${container}: ${(e as Error).message}`),
    );
    const pruned = await runGit(['worktree', 'prune'], top);
    if (removed.code !== 0 && pruned.code !== 0) problems.push(`git worktree prune failed in ${top}: ${pruned.stderr}`);
    return problems;
  });
  try {
    const carriedOver = await carryOverChanges(top, tree, links, copyBudget(opts));
    const scratchRoot = path.join(tree, path.relative(top, realRoot));
    // A root folder with nothing tracked or carried over (empty, or all ignored) still has to exist.
    await mkdir(scratchRoot, { recursive: true });
    if (opts.linkNodeModules !== false) {
      const pairs =
        realRoot === top
          ? [[top, tree]]
          : [
              [top, tree],
              [realRoot, scratchRoot],
            ];
      for (const [from, to] of pairs) {
        const link = await linkNodeModules(from, to);
        if (link) links.push(link);
      }
    }
    return { kind: 'git-worktree', root: scratchRoot, source: realRoot, container, carriedOver, notes: [], dispose };
  } catch (e) {
    await dispose();
    throw e;
  }
}

/**
 * Makes the fresh worktree match the working tree: every path that differs from HEAD (staged or
 * not) is copied over or deleted, then every untracked file git does not ignore is copied.
 */
async function carryOverChanges(top: string, tree: string, links: string[], budget: CopyBudget): Promise<string[]> {
  const submodules = await gitlinks(top);
  const changed = splitNul(await gitOrThrow(['diff', '--no-renames', '--name-only', '-z', 'HEAD', '--'], top)).filter(
    (p) => !submodules.includes(p),
  );
  const untracked = splitNul(await gitOrThrow(['ls-files', '--others', '--exclude-standard', '-z'], top));
  const present: string[] = [];
  for (const rel of changed) {
    if (await exists(path.join(top, rel))) present.push(rel);
    else await rm(path.join(tree, rel), { recursive: true, force: true });
  }
  // A node_modules folder nobody ignored would be copied file by file: link it instead.
  const linked = new Set<string>();
  const copied: string[] = [];
  for (const rel of untracked) {
    const nm = /^(.*?(?:^|\/)node_modules)(?:\/|$)/.exec(rel);
    if (nm) {
      if (!linked.has(nm[1])) {
        linked.add(nm[1]);
        await mkdir(path.dirname(path.join(tree, nm[1])), { recursive: true });
        await symlink(await realpath(path.join(top, nm[1])), path.join(tree, nm[1]));
        links.push(path.join(tree, nm[1]));
      }
      continue;
    }
    copied.push(rel);
  }
  // Deletions first: a file that became a folder must make way before the folder's files arrive.
  for (const rel of [...present, ...copied]) {
    // A nested repository shows up as "dir/": copied without its .git.
    await copyEntry(top, tree, rel.replace(/\/$/, ''), budget);
  }
  // A worktree leaves submodules empty; the tests need them as the user has them checked out.
  const subs: string[] = [];
  for (const rel of submodules) {
    const src = path.join(top, rel);
    if (!(await exists(path.join(src, '.git')))) continue; // not initialised in the workspace either
    await rm(path.join(tree, rel), { recursive: true, force: true });
    await copyTree(src, path.join(tree, rel), {
      skip: new Set(['.git', 'node_modules']),
      linkNodeModules: true,
      budget,
    });
    subs.push(`${rel}/ (submodule)`);
  }
  return [...changed, ...copied, ...[...linked].map((l) => `${l}/ (linked)`), ...subs];
}

/** Paths of submodules (gitlink entries, mode 160000) in the index. */
async function gitlinks(top: string): Promise<string[]> {
  const entries = splitNul(await gitOrThrow(['ls-files', '--stage', '-z'], top));
  return entries.filter((e) => e.startsWith('160000 ')).map((e) => e.slice(e.indexOf('\t') + 1));
}

async function createCopy(realRoot: string, container: string, opts: ScratchOptions): Promise<ScratchWorkspace> {
  const copy = path.join(container, path.basename(realRoot) || 'workspace');
  await copyTree(realRoot, copy, {
    skip: new Set(opts.skip ?? ['.git', 'node_modules']),
    linkNodeModules: opts.linkNodeModules !== false,
    budget: copyBudget(opts),
  });
  const dispose = once(async () => {
    const problems: string[] = [];
    await rm(container, { recursive: true, force: true }).catch((e) =>
      problems.push(`could not delete ${container}: ${(e as Error).message}`),
    );
    return problems;
  });
  return { kind: 'copy', root: copy, source: realRoot, container, carriedOver: [], notes: [], dispose };
}

function copyBudget(opts: ScratchOptions): CopyBudget {
  return { bytes: 0, maxBytes: opts.maxCopyBytes ?? 1024 * 1024 * 1024 };
}

/** Links `from/node_modules` into `to` when the scratch has none; returns the link made. */
async function linkNodeModules(from: string, to: string): Promise<string | undefined> {
  const src = path.join(from, 'node_modules');
  const dst = path.join(to, 'node_modules');
  if (!(await exists(src)) || (await exists(dst))) return undefined;
  await symlink(await realpath(src), dst);
  return dst;
}

export type ApplyResolved = (resolved: ResolvedPlan, root: string) => Promise<ApplyOutcome>;

/**
 * Applies a resolved plan inside the scratch with the edit engine (all-or-nothing, hash-checked).
 * First each file the plan edits is brought to the exact base the edit was made against
 * (alignBases.ts), so line-ending filters or unsaved editor text do not fail a sound change.
 */
export async function applyPlanToScratch(scratch: ScratchWorkspace, resolved: ResolvedPlan, apply: ApplyResolved) {
  scratch.notes.push(...(await alignBases(scratch.source, scratch.root, resolved)));
  return apply(resolved, scratch.root);
}

async function exists(p: string): Promise<boolean> {
  try {
    await lstat(p);
    return true;
  } catch {
    return false;
  }
}

/** Dispose runs once however often it is called, and reports failures instead of throwing. */
function once(fn: () => Promise<string[]>): () => Promise<string[]> {
  let p: Promise<string[]> | undefined;
  return () => (p ??= fn().catch((e: unknown) => [`cleanup failed: ${(e as Error).message}`]));
}
