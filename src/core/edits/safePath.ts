// Keeps every path a patch names inside the workspace root: lexical checks (absolute paths,
// `..` escapes, odd characters) on the text, then a real-path check on disk so a symlink that
// points outside the root is refused too. Paths are kept relative with forward slashes.
// Two more refusals, on every platform, because a repository is shared across them:
// - names Windows treats as aliases of other files (a trailing dot or space, ":" for a drive or an
//   alternate data stream, an 8.3 short name such as GIT~1), which would slip past any name rule;
// - anything inside a `.git` folder, as written or after symlinks (git's config and hooks run code;
//   `git apply` refuses these paths for the same reason).
import { lstat, realpath } from 'node:fs/promises';
import * as path from 'node:path';

export type PathCheck = { ok: true; path: string } | { ok: false; reason: string };

/** Lexical normalisation of a patch path; no file system access. */
export function normalizeEditPath(raw: string): PathCheck {
  const p = raw.replace(/\\/g, '/');
  if (p.length === 0 || p.trim() === '') return { ok: false, reason: 'the path is empty' };
  if (p.includes('\0')) return { ok: false, reason: 'the path contains a NUL character' };
  if (p.startsWith('/') || /^[A-Za-z]:/.test(p) || p.startsWith('//')) {
    return { ok: false, reason: `"${raw}" is absolute; patches must name paths relative to the workspace root` };
  }
  const norm = path.posix.normalize(p).replace(/\/+$/, '');
  if (norm === '.' || norm === '') return { ok: false, reason: `"${raw}" names the root itself, not a file` };
  if (norm === '..' || norm.startsWith('../')) {
    return { ok: false, reason: `"${raw}" climbs out of the workspace root with ".."` };
  }
  for (const name of norm.split('/')) {
    const why = aliasName(name);
    if (why) return { ok: false, reason: `"${raw}" ${why}` };
  }
  return { ok: true, path: norm };
}

/** An 8.3 short name ("GIT~1", "ROUTIN~1.JSO"): Windows opens the long-named file it stands for. */
const SHORT_NAME = /^[^~]{1,8}~\d{1,6}(\.[^.]{0,3})?$/;

/** Why one path component is refused (an alias of another name, or git's own folder), or undefined. */
function aliasName(name: string): string | undefined {
  if (name.includes(':')) return `contains ":" (a drive or an alternate data stream on Windows); refused`;
  if (/[. ]$/.test(name))
    return `has a name with a trailing dot or space ("${name}"), which Windows drops — an alias of another file; refused`;
  if (SHORT_NAME.test(name)) return `has an 8.3 short name ("${name}"), an alias of a longer name on Windows; refused`;
  if (name.toLowerCase() === '.git') return GIT_REFUSAL;
  return undefined;
}

const GIT_REFUSAL = `is inside a .git folder (git's own config and hooks, which run code); Switchyard never reads or writes there, as git apply refuses it`;

function insideGit(rel: string): boolean {
  return rel.split('/').some((n) => n.toLowerCase() === '.git');
}

function inside(root: string, p: string): boolean {
  const rel = path.relative(root, p);
  return rel === '' || (!rel.startsWith('..' + path.sep) && rel !== '..' && !path.isAbsolute(rel));
}

export type RootCheck = { ok: true; abs: string; rel: string; exists: boolean } | { ok: false; reason: string };

/**
 * Where on disk a relative path really lands: symlinks in every existing component are
 * followed, and the result must stay inside the root's real path and outside any `.git` folder.
 * For a file that does not exist yet, the deepest existing ancestor is checked. Returns the
 * absolute real path to use and `rel`, that real path relative to the real root (POSIX slashes):
 * the name every path rule (protected, secret-looking) must be applied to.
 */
export async function resolveInsideRoot(root: string, relPath: string): Promise<RootCheck> {
  const lexical = normalizeEditPath(relPath);
  if (!lexical.ok) return lexical;
  let realRoot: string;
  try {
    realRoot = await realpath(root);
  } catch {
    return { ok: false, reason: `the workspace root ${root} does not exist` };
  }
  const parts = lexical.path.split('/');
  let current = realRoot;
  for (let i = 0; i < parts.length; i++) {
    const next = path.join(current, parts[i]);
    let st;
    try {
      st = await lstat(next);
    } catch {
      // The rest does not exist yet: it will be created under `current`, already checked.
      return landed(realRoot, relPath, path.join(current, ...parts.slice(i)), false);
    }
    let real = next;
    if (st.isSymbolicLink()) {
      try {
        real = await realpath(next);
      } catch {
        return { ok: false, reason: `"${relPath}" goes through a broken symlink (${parts.slice(0, i + 1).join('/')})` };
      }
    }
    if (!inside(realRoot, real)) {
      return { ok: false, reason: `"${relPath}" resolves through a symlink to ${real}, outside the workspace root` };
    }
    current = real;
  }
  return landed(realRoot, relPath, current, true);
}

function landed(realRoot: string, relPath: string, abs: string, exists: boolean): RootCheck {
  const rel = path.relative(realRoot, abs).split(path.sep).join('/');
  if (insideGit(rel)) return { ok: false, reason: `"${relPath}" resolves to ${rel}, which ${GIT_REFUSAL}` };
  return { ok: true, abs, rel, exists };
}
