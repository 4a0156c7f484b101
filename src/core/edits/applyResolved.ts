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

async function applyUnlocked(resolved: ResolvedPlan, root: string, opts: ApplyOptions): Promise<ApplyOutcome> {
  const checked = ResolvedPlanSchema.safeParse(resolved);
  if (!checked.success) {
    const i = checked.error.issues[0];
    return {
      ok: false,
      problems: [
        {
          kind: 'parse',
          message: `the resolved plan is malformed at ${i.path.join('.') || '(root)'}: ${i.message}; nothing was written.`,
        },
      ],
    };
  }
  const problems: EditProblem[] = [];
  type Target = {
    file: ResolvedFile;
    abs: string;
    newAbs?: string;
    mode?: number;
    owner?: { uid: number; gid: number };
  };
  const targets: Target[] = [];

  // 1. Paths and bases: nothing is touched unless every file is still what the edit was made against.
  for (const file of resolved.files) {
    const where = await resolveInsideRoot(root, file.path);
    if (!where.ok) {
      problems.push({ kind: 'path', path: file.path, message: `${file.path}: ${where.reason}; nothing was written.` });
      continue;
    }
    const t: Target = { file, abs: where.abs };
    if (file.op === 'rename') {
      const to = await resolveInsideRoot(root, file.newPath ?? '');
      if (!to.ok) {
        problems.push({
          kind: 'path',
          path: file.newPath,
          message: `${file.newPath}: ${to.reason}; nothing was written.`,
        });
        continue;
      }
      if (to.exists) {
        problems.push({
          kind: 'stale',
          path: file.newPath,
          message: `${file.newPath}: appeared since the edit was made; the move would overwrite it, so nothing was written.`,
        });
        continue;
      }
      t.newAbs = to.abs;
    }
    if (file.baseHash === null) {
      if (where.exists) {
        problems.push({
          kind: 'stale',
          path: file.path,
          message: `${file.path}: exists now but did not when the edit was made; nothing was written. Re-run the edit against the current file.`,
        });
        continue;
      }
    } else {
      let bytes: Buffer;
      try {
        bytes = await readFile(where.abs);
        const st = await stat(where.abs);
        t.mode = st.mode & 0o7777;
        t.owner = { uid: st.uid, gid: st.gid };
      } catch {
        problems.push({
          kind: 'stale',
          path: file.path,
          message: `${file.path}: was removed since the edit was made; nothing was written.`,
        });
        continue;
      }
      if (sha256Hex(bytes) !== file.baseHash) {
        problems.push({
          kind: 'stale',
          path: file.path,
          message: `${file.path}: changed since the edit was made (stale base); nothing was written. Re-run the edit against the current file.`,
        });
        continue;
      }
    }
    targets.push(t);
  }
  if (problems.length) return { ok: false, problems };

  // 2. Stage every new text in a temporary file beside its target.
  const undo: Step[] = [];
  const backups: string[] = [];
  const staged = new Map<Target, string>();
  const rollback = async () => {
    // Temporaries first, so the directories made for them are empty when their undo removes them.
    for (const tmp of staged.values()) await unlink(tmp).catch(() => undefined);
    for (let i = undo.length - 1; i >= 0; i--) await undo[i].undo().catch(() => undefined);
  };
  try {
    for (const t of targets) {
      if (t.file.op === 'delete') continue;
      const dest = t.newAbs ?? t.abs;
      const made = await makeParents(dest);
      undo.push({
        undo: async () => {
          for (const d of made) await rmdir(d).catch(() => undefined);
        },
      });
      const tmp = tempName(dest, 'new');
      const fh = await open(tmp, 'wx', t.mode ?? 0o666);
      staged.set(t, tmp);
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

    // Staging took time: check the bases once more right before anything becomes visible.
    for (const t of targets) {
      if (t.file.baseHash === null ? await exists(t.abs) : (await hashOf(t.abs)) !== t.file.baseHash) {
        await rollback();
        return {
          ok: false,
          problems: [
            {
              kind: 'stale',
              path: t.file.path,
              message: `${t.file.path}: changed while the edits were being written (stale base); nothing was written.`,
            },
          ],
        };
      }
    }

    // 3. Move into place. Originals become backups (same directory, so renames are atomic).
    let step = 0;
    for (const t of targets) {
      await opts.beforeCommitStep?.(step++);
      const tmp = staged.get(t);
      if (t.file.op === 'create') {
        await link(tmp!, t.abs); // fails rather than overwrite a file that appeared meanwhile
        undo.push({ undo: () => unlink(t.abs) });
      } else if (t.file.op === 'update') {
        const bak = tempName(t.abs, 'bak');
        await link(t.abs, bak);
        backups.push(bak);
        await rename(tmp!, t.abs);
        staged.delete(t);
        undo.push({ undo: () => rename(bak, t.abs) });
      } else if (t.file.op === 'delete') {
        const bak = tempName(t.abs, 'bak');
        await rename(t.abs, bak);
        backups.push(bak);
        undo.push({ undo: () => rename(bak, t.abs) });
      } else {
        await link(tmp!, t.newAbs!);
        undo.push({ undo: () => unlink(t.newAbs!) });
        const bak = tempName(t.abs, 'bak');
        await rename(t.abs, bak);
        backups.push(bak);
        undo.push({ undo: () => rename(bak, t.abs) });
      }
    }
  } catch (e) {
    await rollback();
    const err = e as NodeJS.ErrnoException;
    return {
      ok: false,
      problems: [
        {
          kind: 'io',
          message: `writing the edits failed (${err.code ?? err.message}${err.path ? ` at ${err.path}` : ''}); every file was restored, nothing was changed.`,
        },
      ],
    };
  }
  for (const tmp of staged.values()) await unlink(tmp).catch(() => undefined);
  for (const bak of backups) await unlink(bak).catch(() => undefined);
  return { ok: true, written: targets.map((t) => (t.file.op === 'rename' ? t.file.newPath! : t.file.path)) };
}
