// Keeps every path a patch names inside the workspace root: lexical checks (absolute paths,
// `..` escapes, odd characters) on the text, then a real-path check on disk so a symlink that
// points outside the root is refused too. Paths are kept relative with forward slashes.
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
  return { ok: true, path: norm };
}

function inside(root: string, p: string): boolean {
  const rel = path.relative(root, p);
  return rel === '' || (!rel.startsWith('..' + path.sep) && rel !== '..' && !path.isAbsolute(rel));
}

/**
 * Where on disk a relative path really lands: symlinks in every existing component are
 * followed, and the result must stay inside the root's real path. For a file that does not
 * exist yet, the deepest existing ancestor is checked. Returns the absolute real path to use.
 */
export async function resolveInsideRoot(
  root: string,
  relPath: string,
): Promise<{ ok: true; abs: string; exists: boolean } | { ok: false; reason: string }> {
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
      return { ok: true, abs: path.join(current, ...parts.slice(i)), exists: false };
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
  return { ok: true, abs: current, exists: true };
}
