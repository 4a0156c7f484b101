// Writes a resolved plan to disk all-or-nothing. First every file is checked against the hash it
// was resolved from (a file changed since is "stale" and stops everything); then each new text is
// written to a temporary file beside its target; only then are they moved into place, keeping
// the originals as backups until the last move succeeded, so a failure half-way is rolled back.
import { randomBytes } from 'node:crypto';
import { chmod, chown, link, mkdir, open, readFile, realpath, rename, rmdir, stat, unlink } from 'node:fs/promises';
import * as nodePath from 'node:path';
import {
  type ApplyOutcome,
  type EditProblem,
  type ResolvedFile,
  type ResolvedPlan,
  ResolvedPlanSchema,
} from './editPlan';
import { sha256Hex } from './fileText';
import { LockTimeout, rootLockPath, withLock } from './fileLock';
import { resolveInsideRoot } from './safePath';

type Step = { undo: () => Promise<void> };

function tempName(abs: string, tag: string): string {
  return nodePath.join(
    nodePath.dirname(abs),
    `.${nodePath.basename(abs)}.switchyard-${tag}-${randomBytes(4).toString('hex')}`,
  );
}

async function exists(abs: string): Promise<boolean> {
  try {
    await stat(abs);
    return true;
  } catch {
    return false;
  }
}

/** Makes the missing directories above `abs`, returning them deepest first so undo can remove them. */
async function makeParents(abs: string): Promise<string[]> {
  const made: string[] = [];
  let dir = nodePath.dirname(abs);
  while (!(await exists(dir))) {
    made.push(dir);
    dir = nodePath.dirname(dir);
  }
  for (let i = made.length - 1; i >= 0; i--) await mkdir(made[i]);
  return made;
}

export interface ApplyOptions {
  /**
   * Called before each move into place (0-based); a throw there is treated like a failed move.
   * For fault-injection tests of the rollback; production callers leave it out.
   */
  beforeCommitStep?: (step: number) => void | Promise<void>;
}

async function hashOf(abs: string): Promise<string | undefined> {
  try {
    return sha256Hex(await readFile(abs));
  } catch {
    return undefined;
  }
}

/**
 * Applies under a lock per workspace root, held from the first check of each file's base to the last
 * rename: two processes applying to the same file could otherwise both pass the check and both report
 * success while the second rename silently replaced the first change.
 */
export async function applyResolved(
  resolved: ResolvedPlan,
  root: string,
  opts: ApplyOptions = {},
): Promise<ApplyOutcome> {
  const realRoot = await realpath(root).catch(() => nodePath.resolve(root));
  try {
    return await withLock(await rootLockPath(realRoot), () => applyUnlocked(resolved, root, opts));
  } catch (e) {
    if (!(e instanceof LockTimeout)) throw e;
    return {
      ok: false,
      problems: [{ kind: 'io', message: `${e.message}; nothing was written. Try again once it has finished.` }],
    };
  }
}

type Target = {
  file: ResolvedFile;
  abs: string;
  newAbs?: string;
  mode?: number;
  owner?: { uid: number; gid: number };
};

const nothingWritten = (problem: EditProblem): ApplyOutcome => ({ ok: false, problems: [problem] });

async function applyUnlocked(resolved: ResolvedPlan, root: string, opts: ApplyOptions): Promise<ApplyOutcome> {
  const checked = ResolvedPlanSchema.safeParse(resolved);
  if (!checked.success) {
    const i = checked.error.issues[0];
    return nothingWritten({
      kind: 'parse',
      message: `the resolved plan is malformed at ${i.path.join('.') || '(root)'}: ${i.message}; nothing was written.`,
    });
  }
  // 1. Paths and bases: nothing is touched unless every file is still what the edit was made against.
  const targets: Target[] = [];
  const problems: EditProblem[] = [];
  for (const file of resolved.files) {
    const t = await checkTarget(root, file);
    if ('problem' in t) problems.push(t.problem);
    else targets.push(t);
  }
  if (problems.length) return { ok: false, problems };

  const tx = new Transaction();
  try {
    // 2. Stage every new text in a temporary file beside its target.
    for (const t of targets) if (t.file.op !== 'delete') await tx.stage(t);
    // Staging took time: check the bases once more right before anything becomes visible.
    const stale = await firstStale(targets);
    if (stale) {
      await tx.rollback();
      return nothingWritten({
        kind: 'stale',
        path: stale.file.path,
        message: `${stale.file.path}: changed while the edits were being written (stale base); nothing was written.`,
      });
    }
    // 3. Move into place. Originals become backups (same directory, so renames are atomic).
    let step = 0;
    for (const t of targets) {
      await opts.beforeCommitStep?.(step++);
      await tx.commit(t);
    }
  } catch (e) {
    await tx.rollback();
    const err = e as NodeJS.ErrnoException;
    return nothingWritten({
      kind: 'io',
      message: `writing the edits failed (${err.code ?? err.message}${err.path ? ` at ${err.path}` : ''}); every file was restored, nothing was changed.`,
    });
  }
  await tx.cleanUp();
  return { ok: true, written: targets.map((t) => (t.file.op === 'rename' ? t.file.newPath! : t.file.path)) };
}

/** One file's paths and base, checked before anything is written: a target, or why it cannot be one. */
async function checkTarget(root: string, file: ResolvedFile): Promise<Target | { problem: EditProblem }> {
  const where = await resolveInsideRoot(root, file.path);
  if (!where.ok)
    return {
      problem: { kind: 'path', path: file.path, message: `${file.path}: ${where.reason}; nothing was written.` },
    };
  const t: Target = { file, abs: where.abs };
  const stale = (path: string | undefined, message: string) => ({
    problem: { kind: 'stale' as const, path, message },
  });
  if (file.op === 'rename') {
    const to = await resolveInsideRoot(root, file.newPath ?? '');
    if (!to.ok)
      return {
        problem: { kind: 'path', path: file.newPath, message: `${file.newPath}: ${to.reason}; nothing was written.` },
      };
    if (to.exists)
      return stale(
        file.newPath,
        `${file.newPath}: appeared since the edit was made; the move would overwrite it, so nothing was written.`,
      );
    t.newAbs = to.abs;
  }
  if (file.baseHash === null) {
    return where.exists
      ? stale(
          file.path,
          `${file.path}: exists now but did not when the edit was made; nothing was written. Re-run the edit against the current file.`,
        )
      : t;
  }
  let bytes: Buffer;
  try {
    bytes = await readFile(where.abs);
    const st = await stat(where.abs);
    t.mode = st.mode & 0o7777;
    t.owner = { uid: st.uid, gid: st.gid };
  } catch {
    return stale(file.path, `${file.path}: was removed since the edit was made; nothing was written.`);
  }
  if (sha256Hex(bytes) !== file.baseHash)
    return stale(
      file.path,
      `${file.path}: changed since the edit was made (stale base); nothing was written. Re-run the edit against the current file.`,
    );
  return t;
}

async function firstStale(targets: readonly Target[]): Promise<Target | undefined> {
  for (const t of targets) {
    if (t.file.baseHash === null ? await exists(t.abs) : (await hashOf(t.abs)) !== t.file.baseHash) return t;
  }
  return undefined;
}

/**
 * What an apply has done so far, so it can be taken back: the temporaries staged, each visible step's
 * undo (in order), and the originals kept as backups until the last move succeeded.
 */
class Transaction {
  private readonly undo: Step[] = [];
  private readonly backups: string[] = [];
  private readonly staged = new Map<Target, string>();

  /** Writes the target's new text to a temporary file beside it (synced, with the original's mode and owner). */
  async stage(t: Target): Promise<void> {
    const dest = t.newAbs ?? t.abs;
    const made = await makeParents(dest);
    this.undo.push({
      undo: async () => {
        for (const d of made) await rmdir(d).catch(() => undefined);
      },
    });
    const tmp = tempName(dest, 'new');
    const fh = await open(tmp, 'wx', t.mode ?? 0o666);
    this.staged.set(t, tmp);
    try {
      await fh.writeFile(t.file.after, 'utf8');
      // On disk before the rename makes it visible: a crash leaves the old file or the new one.
      await fh.sync();
    } finally {
      await fh.close();
    }
    if (t.mode !== undefined) await chmod(tmp, t.mode);
    // The replacement is a new file: keep the original's owner where we may (as root, say).
    if (t.owner) await chown(tmp, t.owner.uid, t.owner.gid).catch(() => undefined);
  }

  /** Makes one target's change visible, keeping what it replaced as a backup. */
  async commit(t: Target): Promise<void> {
    const tmp = this.staged.get(t);
    const keepOriginal = async () => {
      const bak = tempName(t.abs, 'bak');
      await rename(t.abs, bak);
      this.backups.push(bak);
      this.undo.push({ undo: () => rename(bak, t.abs) });
    };
    if (t.file.op === 'create') {
      await link(tmp!, t.abs); // fails rather than overwrite a file that appeared meanwhile
      this.undo.push({ undo: () => unlink(t.abs) });
    } else if (t.file.op === 'update') {
      const bak = tempName(t.abs, 'bak');
      await link(t.abs, bak);
      this.backups.push(bak);
      await rename(tmp!, t.abs);
      this.staged.delete(t);
      this.undo.push({ undo: () => rename(bak, t.abs) });
    } else if (t.file.op === 'delete') {
      await keepOriginal();
    } else {
      await link(tmp!, t.newAbs!);
      this.undo.push({ undo: () => unlink(t.newAbs!) });
      await keepOriginal();
    }
  }

  async rollback(): Promise<void> {
    // Temporaries first, so the directories made for them are empty when their undo removes them.
    for (const tmp of this.staged.values()) await unlink(tmp).catch(() => undefined);
    for (let i = this.undo.length - 1; i >= 0; i--) await this.undo[i].undo().catch(() => undefined);
  }

  /** After success: the temporaries and backups are no longer needed. */
  async cleanUp(): Promise<void> {
    for (const tmp of this.staged.values()) await unlink(tmp).catch(() => undefined);
    for (const bak of this.backups) await unlink(bak).catch(() => undefined);
  }
}
