// What of this machine a sandboxed command may read besides its scratch copy: the system folders,
// and the toolchains on PATH that live elsewhere (nvm's node, ~/.cargo/bin, ~/go/bin), so that
// `npm test` finds the same `node` it finds in a terminal. Home directories stay hidden: only a
// PATH folder (and, for a `…/bin`, the toolchain folder holding it) is shown, read-only, with
// known credential files inside it masked. The user can name more read-only folders in
// SWITCHYARD_SANDBOX_READONLY (a PATH-style list); a repository cannot.
import { lstat, readlink, realpath } from 'node:fs/promises';
import * as path from 'node:path';
import type { ReadOnlyMount, SystemEntry } from './bwrapArgs';

const SYSTEM = ['/usr', '/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32', '/etc', '/opt', '/nix', '/gnu', '/sys'];

/** Files that hold credentials inside toolchain folders: masked when their folder is shown. */
const CREDENTIAL_FILES = ['credentials', 'credentials.toml', '.credentials.json', '.npmrc', '.pypirc', 'settings.xml'];

/** The system folders that exist here; top-level symlinks (merged /usr) stay symlinks. */
export async function systemEntries(): Promise<SystemEntry[]> {
  const out: SystemEntry[] = [];
  for (const p of SYSTEM) {
    try {
      const st = await lstat(p);
      if (st.isSymbolicLink()) out.push({ path: p, link: await readlink(p) });
      else if (st.isDirectory()) out.push({ path: p });
    } catch {
      // Not on this system.
    }
  }
  return out;
}

function inside(parent: string, p: string): boolean {
  const rel = path.relative(parent, p);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

export interface ToolchainView {
  mounts: ReadOnlyMount[];
  /** Credential files inside those mounts, to hide. */
  mask: string[];
}

/**
 * Read-only mounts for PATH folders outside the system folders, and for the user's extra list.
 * Never the home directory itself or anything above it, never `/`.
 */
export async function toolchainView(env: NodeJS.ProcessEnv, home: string | undefined): Promise<ToolchainView> {
  const realHome = home ? await realpath(home).catch(() => path.resolve(home)) : undefined;
  const wanted = new Set<string>();
  const allowed = (p: string) => p !== '/' && !SYSTEM.some((s) => inside(s, p)) && !(realHome && inside(p, realHome));
  for (const entry of (env.PATH ?? '').split(path.delimiter)) {
    if (!path.isAbsolute(entry)) continue;
    const real = await realpath(entry).catch(() => undefined);
    if (!real || !allowed(real)) continue;
    wanted.add(real);
    // nvm, volta, pyenv, go: `<toolchain>/bin` holds links into `<toolchain>/lib`; show the toolchain.
    const parent = path.dirname(real);
    const localDir = realHome && path.join(realHome, '.local');
    if (path.basename(real) === 'bin' && allowed(parent) && parent !== localDir) wanted.add(parent);
  }
  for (const extra of (env.SWITCHYARD_SANDBOX_READONLY ?? '').split(path.delimiter)) {
    if (!path.isAbsolute(extra)) continue;
    const real = await realpath(extra).catch(() => undefined);
    if (real && allowed(real)) wanted.add(real);
  }
  // A folder inside another one already shown needs no mount of its own.
  const dirs = [...wanted].filter((d) => ![...wanted].some((o) => o !== d && inside(o, d)));
  const mask: string[] = [];
  for (const d of dirs) {
    for (const f of CREDENTIAL_FILES) {
      const file = path.join(d, f);
      if (await isFile(file)) mask.push(file);
    }
  }
  return { mounts: dirs.map((d) => ({ source: d, target: d })), mask };
}

async function isFile(p: string): Promise<boolean> {
  try {
    return (await lstat(p)).isFile();
  } catch {
    return false;
  }
}

/**
 * Whether `who` can read `dir` by its mode bits alone (each folder on the way searchable, the
 * last one readable too): the sandbox of a root host runs as nobody, and a mount nobody cannot
 * reach makes bwrap fail, so such toolchain folders are left out instead.
 */
export async function readableBy(dir: string, who: { uid: number; gid: number }): Promise<boolean> {
  const parts = path.resolve(dir).split(path.sep).filter(Boolean);
  let p = '/';
  for (let i = 0; i <= parts.length; i++) {
    const st = await lstat(p).catch(() => undefined);
    if (!st) return false;
    const bits = st.uid === who.uid ? (st.mode >> 6) & 7 : st.gid === who.gid ? (st.mode >> 3) & 7 : st.mode & 7;
    const need = i === parts.length ? 5 : 1;
    if ((bits & need) !== need) return false;
    if (i < parts.length) p = path.join(p, parts[i]!);
  }
  return true;
}
