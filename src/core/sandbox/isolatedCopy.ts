// An isolated copy of the workspace: where a proposed change is applied and a command runs (the
// verify stage's tests today, a coding agent later) without any way back into the user's tree.
//   - In a git repository: a clone with its own git directory (gitCopy.ts), at HEAD plus the
//     working tree's uncommitted changes, committed as a baseline. Never a worktree: a worktree
//     shares the repository's config and hooks, so `git config core.fsmonitor …` in a worktree
//     runs code in the user's next `git status`.
//   - Elsewhere (or when cloning fails): a plain copy; with `track`, a fresh repository too.
//   - node_modules is never a symlink into the workspace that a command could write through: it
//     is an empty mount point that the sandbox mounts read-only ('mount', the default), a real
//     copy ('copy', for the unsandboxed mode), or — only for a copy nobody runs commands in — a
//     link ('link').
// The container holds `work/` (the copy, a scratch HOME and TMPDIR: the only place a confined
// command may write) and `trusted/` (the baseline's git directory, which the sandbox never sees;
// trustedDiff.ts). `layout()` is what the sandbox needs; `diff()` is what changed since the
// baseline; `dispose()` removes everything and never throws.
import { chmod, lstat, mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { ReadOnlyMount, SandboxLayout } from './bwrapArgs';
import { copyTree, exists, type CopyBudget, type NodeModulesHandler } from './copyTree';
import { runGit } from './git';
import { alternatesOf, carryOverChanges, cloneAt, commitBaseline, ignoredNodeModules } from './gitCopy';
import { SCRATCH_PREFIX, sweepStaleScratch, writeOwner } from './sweepScratch';
import { keepTrustedGitDir, trustedDiff } from './trustedDiff';

export type CopyKind = 'git-clone' | 'copy';
export type NodeModulesMode = 'mount' | 'copy' | 'link';

export interface IsolatedCopy {
  kind: CopyKind;
  /** The workspace root's counterpart inside the copy: apply edits and run commands here. */
  root: string;
  /** The workspace root it was made from (real path). */
  source: string;
  /** The temp folder holding everything; gone after dispose. */
  container: string;
  /** The part of the container a confined command may write: the copy, its HOME and TMPDIR. */
  work: string;
  /** A scratch HOME for the command (inside the container). */
  home: string;
  /** A scratch TMPDIR for an unsandboxed command (inside the container). */
  tmp: string;
  /** Paths carried over from the working tree (relative to the repository top), for the record. */
  carriedOver: string[];
  /** Anything the user should know about how the copy was made (e.g. a fallback to a plain copy). */
  notes: string[];
  /** What the sandbox mounts read-only: node_modules folders, the repository's object store. */
  mounts: ReadOnlyMount[];
  /** The commit holding the tree as it was before any change; undefined when the copy has no git. */
  baseline?: string;
  /** Where a confined command may write (the container) and what it may read besides the system. */
  layout(): SandboxLayout;
  /** `git diff --binary` of everything changed since the baseline (new files included). */
  diff(): Promise<string>;
  /** Removes the copy; resolves with what could not be cleaned up (empty when all went). */
  dispose(): Promise<string[]>;
}

export interface IsolatedCopyOptions {
  /** Where temp folders go (default: the OS temp dir). */
  tmpDir?: string;
  /** Directory names not copied in a plain copy (default: .git and node_modules). */
  skip?: string[];
  /** How node_modules folders appear in the copy (default 'mount'). */
  nodeModules?: NodeModulesMode;
  /** Refuse to copy more than this: the whole tree in a plain copy, the carried-over files in a clone (default 1 GiB). */
  maxCopyBytes?: number;
  /** Force a plain copy even in a git repository. */
  forceCopy?: boolean;
  /** Give a plain copy a repository and a baseline commit too, so `diff()` works there. */
  track?: boolean;
}

export class ScratchError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ScratchError';
  }
}

interface Made {
  kind: CopyKind;
  root: string;
  top: string;
  carriedOver: string[];
  submodules: string[];
  baseline?: string;
}

export async function createIsolatedCopy(root: string, opts: IsolatedCopyOptions = {}): Promise<IsolatedCopy> {
  let realRoot: string;
  try {
    realRoot = await realpath(root);
  } catch (e) {
    throw new ScratchError(`The workspace root ${root} cannot be read (${(e as Error).message}).`, { cause: e });
  }
  await sweepStaleScratch(opts.tmpDir ?? tmpdir());
  const top = opts.forceCopy ? undefined : await gitTop(realRoot);
  const notes: string[] = [];
  const container = await makeContainer(opts);
  const work = path.join(container, 'work');
  const trusted = path.join(container, 'trusted', 'git');
  const mounts: ReadOnlyMount[] = [];
  const handler = nodeModulesHandler(opts.nodeModules ?? 'mount', mounts);
  const dispose = once(async () => {
    await rm(container, { recursive: true, force: true }).catch(() => undefined);
    const left = await lstat(container).then(
      () => [`could not delete ${container}`],
      () => [],
    );
    return left;
  });
  try {
    let made: Made | undefined;
    if (top) {
      try {
        made = await makeClone(realRoot, top, work, handler, copyBudget(opts));
      } catch (e) {
        // A clone can fail where a copy works (an LFS smudge filter offline, a shallow or partial
        // clone): fall back, and say so in the notes.
        mounts.length = 0;
        await rm(work, { recursive: true, force: true });
        await mkdir(work, { mode: 0o700 });
        notes.push(`git clone failed, so a plain copy was made instead: ${(e as Error).message}`);
      }
    }
    made ??= await makeCopy(realRoot, work, opts, handler);
    const done = made;
    if (done.baseline) {
      for (const objects of await alternatesOf(path.join(done.top, '.git', 'objects'))) {
        const real = await realpath(objects).catch(() => undefined);
        if (real) mounts.push({ source: real, target: real });
      }
      await keepTrustedGitDir(done.top, trusted);
    }
    const home = path.join(work, 'home');
    const tmp = path.join(work, 'tmp');
    await mkdir(home);
    await mkdir(tmp);
    return {
      kind: done.kind,
      root: done.root,
      source: realRoot,
      container,
      work,
      home,
      tmp,
      carriedOver: done.carriedOver,
      notes,
      mounts,
      baseline: done.baseline,
      layout: () => ({ cwd: done.root, home, tmp, writable: [work], readOnly: [...mounts] }),
      diff: async () => {
        if (!done.baseline) throw new ScratchError('This copy has no git repository, so it has no diff.');
        return trustedDiff(trusted, done.top, done.baseline, done.submodules);
      },
      dispose,
    };
  } catch (e) {
    await dispose();
    if (e instanceof ScratchError) throw e;
    const before = notes.length ? ` (${notes.join('; ')})` : '';
    throw new ScratchError(`Could not prepare an isolated copy of ${root}: ${(e as Error).message}${before}`, {
      cause: e,
    });
  }
}

async function makeClone(
  realRoot: string,
  top: string,
  work: string,
  handler: NodeModulesHandler,
  budget: CopyBudget,
): Promise<Made> {
  const tree = path.join(work, path.basename(top) || 'repo');
  const head = (await runGit(['rev-parse', '--verify', 'HEAD^{commit}'], top)).stdout.toString('utf8').trim();
  await cloneAt(top, tree, head);
  const { carriedOver, submodules } = await carryOverChanges(top, tree, budget, handler);
  const scratchRoot = path.join(tree, path.relative(top, realRoot));
  // A root folder with nothing tracked or carried over (empty, or all ignored) still has to exist.
  await mkdir(scratchRoot, { recursive: true });
  const modules = new Set(['node_modules', path.join(path.relative(top, realRoot), 'node_modules')]);
  for (const m of await ignoredNodeModules(top)) modules.add(m);
  for (const m of modules) {
    if (!(await exists(path.join(tree, m)))) await handler(path.join(top, m), path.join(tree, m));
  }
  await excludeFromGit(tree, [...modules]);
  const baseline = await commitBaseline(tree, submodules, false);
  return { kind: 'git-clone', root: scratchRoot, top: tree, carriedOver, submodules, baseline };
}

async function makeCopy(
  realRoot: string,
  work: string,
  opts: IsolatedCopyOptions,
  handler: NodeModulesHandler,
): Promise<Made> {
  const copy = path.join(work, path.basename(realRoot) || 'workspace');
  const placed: string[] = [];
  await copyTree(realRoot, copy, {
    skip: new Set(opts.skip ?? ['.git', 'node_modules']),
    nodeModules: async (src, dst) => {
      placed.push(path.relative(copy, dst));
      await handler(src, dst);
    },
    budget: copyBudget(opts),
  });
  let baseline: string | undefined;
  if (opts.track) {
    await excludeFromGit(copy, placed, true);
    baseline = await commitBaseline(copy, [], true);
  }
  return { kind: 'copy', root: copy, top: copy, carriedOver: [], submodules: [], baseline };
}

/** Dependency folders stay out of the baseline and of every diff (the copy's own exclude file). */
async function excludeFromGit(tree: string, rels: string[], beforeInit = false): Promise<void> {
  const info = path.join(tree, '.git', 'info');
  await mkdir(info, { recursive: true });
  const lines = rels.map((r) => `/${r.split(path.sep).join('/')}`);
  await writeFile(path.join(info, 'exclude'), lines.join('\n') + '\n', { flag: beforeInit ? 'w' : 'a' });
}

function nodeModulesHandler(mode: NodeModulesMode, mounts: ReadOnlyMount[]): NodeModulesHandler {
  return async (src, dst) => {
    const real = await realpath(src).catch(() => undefined);
    if (!real || !(await lstat(real)).isDirectory()) return;
    await rm(dst, { recursive: true, force: true });
    await mkdir(path.dirname(dst), { recursive: true });
    if (mode === 'mount') {
      await mkdir(dst);
      mounts.push({ source: real, target: dst });
    } else if (mode === 'link') {
      await symlink(real, dst);
    } else {
      await copyTree(real, dst, { skip: new Set() });
    }
  };
}

/** A fresh temp folder marked with its owner, so a sweep can tell an abandoned one. */
async function makeContainer(opts: IsolatedCopyOptions): Promise<string> {
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
  // Others may pass through (a sandbox that runs as nobody must reach work/), never list or read:
  // work/ and trusted/ inside are private to their owner.
  await chmod(container, 0o711);
  await mkdir(path.join(container, 'work'), { mode: 0o700 });
  await mkdir(path.join(container, 'trusted'), { mode: 0o700 });
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

function copyBudget(opts: IsolatedCopyOptions): CopyBudget {
  return { bytes: 0, maxBytes: opts.maxCopyBytes ?? 1024 * 1024 * 1024 };
}

/** Dispose runs once however often it is called, and reports failures instead of throwing. */
function once(fn: () => Promise<string[]>): () => Promise<string[]> {
  let p: Promise<string[]> | undefined;
  return () => (p ??= fn().catch((e: unknown) => [`cleanup failed: ${(e as Error).message}`]));
}
