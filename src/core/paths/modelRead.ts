// The one check for "may this workspace file be sent to a model?", shared by everything that reads a
// file for a model: role context (pipeline), the read-only tools roles call (context), and the files
// of a reviewed diff (review). It judges the real path as well as the name: a committed link
// `docs/setup-notes.md -> ../.env` is the .env, and is refused like it.
import { normalizeEditPath, resolveInsideRoot } from '../edits/safePath';
import { protectedMatches } from './protectedPaths';
import { looksSecret } from './secretPaths';

export interface ModelReadOptions {
  /** The policy's protected patterns (the fixed minimum is always added). */
  protectedPaths: readonly string[];
  /**
   * The person named this path themselves (editor context, the task, a CLI flag): they chose to share
   * that file, so its own name is not held against it. Naming a link does not share what it points to.
   */
  userNamed?: boolean;
  /**
   * Judge only whether the file looks like it holds secrets, not whether it is protected: for a diff a
   * person asked to have reviewed, a change to a CI workflow is exactly what the reviewer should see.
   */
  secretsOnly?: boolean;
}

export type ModelReadCheck =
  | { ok: true; path: string; realPath: string; abs: string; exists: boolean }
  | { ok: false; path: string; reason: string };

function whyNot(path: string, opts: ModelReadOptions): string | undefined {
  if (looksSecret(path)) return 'looks like it holds secrets';
  if (opts.secretsOnly) return undefined;
  const hits = protectedMatches(path, opts.protectedPaths);
  return hits.length ? `is protected (${hits.join(', ')})` : undefined;
}

/**
 * Whether `relPath` (workspace-relative, as a model or person wrote it) may be read for a model:
 * inside the root (symlinks followed), outside .git, and neither its name nor its real path secret-
 * looking or protected — except that a user-named file is judged by its real path only when that
 * differs from the name they gave. Returns the real location to read when allowed.
 */
export async function checkModelRead(root: string, relPath: string, opts: ModelReadOptions): Promise<ModelReadCheck> {
  const lexical = normalizeEditPath(relPath);
  if (!lexical.ok) return { ok: false, path: relPath, reason: lexical.reason };
  const path = lexical.path;
  const where = await resolveInsideRoot(root, path);
  if (!where.ok) return { ok: false, path, reason: where.reason };
  const aliased = where.rel.toLowerCase() !== path.toLowerCase();
  if (!opts.userNamed) {
    const named = whyNot(path, opts);
    if (named) return { ok: false, path, reason: `${path} ${named}; it is not sent to models unless you name it` };
  }
  if (aliased || !opts.userNamed) {
    const real = whyNot(where.rel, opts);
    if (real)
      return { ok: false, path, reason: `${path} is a link to ${where.rel}, which ${real}; it is not sent to models` };
  }
  return { ok: true, path, realPath: where.rel, abs: where.abs, exists: where.exists };
}
