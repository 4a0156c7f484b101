// The bubblewrap command line for one confined process, built from a layout (what it may write,
// what it may read) and nothing else. What the sandbox sees:
//   - the system folders (/usr, /bin, /lib*, /etc, /opt, /nix, /sys) read-only; the real root's
//     other folders (/home, /root, /run, /tmp, /var, /mnt, …) not at all, so no home directory,
//     no agent or Docker sockets, no other user's files;
//   - its own /proc (a new pid namespace), a minimal /dev, and its own /tmp and /dev/shm (tmpfs,
//     size-limited where bwrap can);
//   - the layout's writable folders (the scratch container) read-write at their real paths, and
//     its read-only mounts (node_modules, the repository's object store, toolchain folders) at
//     theirs; the rest of the sandbox's root is read-only;
//   - no network (a network namespace with only its own loopback), no IPC or hostname shared, no
//     further user namespaces (where bwrap supports saying so), its own session, killed with its
//     parent, and only the environment it is given.
import * as path from 'node:path';

export interface ReadOnlyMount {
  /** The real path on this machine. */
  source: string;
  /** Where it appears inside the sandbox (often the same path). */
  target: string;
}

export interface SandboxLayout {
  /** Where the command starts. */
  cwd: string;
  /** The command's HOME (a scratch folder, never the user's). */
  home: string;
  /** A scratch TMPDIR for an unsandboxed run (the sandbox has its own /tmp); default: `home`. */
  tmp?: string;
  /** Bound read-write at the same path: the scratch container. */
  writable: string[];
  /** Bound read-only. */
  readOnly: ReadOnlyMount[];
}

export interface BwrapFeatures {
  /** bwrap ≥ 0.8: `--disable-userns`. */
  disableUserns: boolean;
  /** bwrap ≥ 0.6: `--size` for a tmpfs. */
  tmpfsSize: boolean;
}

/** A top-level system entry: a folder to bind read-only, or a symlink to recreate (merged /usr). */
export interface SystemEntry {
  path: string;
  link?: string;
}

export interface BwrapSpec {
  layout: SandboxLayout;
  env: Record<string, string>;
  features: BwrapFeatures;
  /** The system entries that exist here (systemEntries.ts); default: none (a trial run). */
  system?: SystemEntry[];
  /** Size of the sandbox's /tmp and /dev/shm in bytes. */
  tmpBytes?: number;
  /** 'none' (default): a private network namespace. 'host' shares the network (a coding agent that must reach its API). */
  network?: 'none' | 'host';
  /** Files inside read-only mounts to hide (replaced by an empty file): credentials in a toolchain folder. */
  mask?: string[];
  /** A file descriptor bwrap writes its child's pid and namespaces to. */
  infoFd?: number;
}

export function bwrapArgs(spec: BwrapSpec): string[] {
  const a: string[] = ['--unshare-all', '--unshare-user'];
  if (spec.network === 'host') a.push('--share-net');
  if (spec.features.disableUserns) a.push('--disable-userns');
  a.push('--die-with-parent', '--new-session');
  for (const e of spec.system ?? []) {
    if (e.link !== undefined) a.push('--symlink', e.link, e.path);
    else a.push('--ro-bind-try', e.path, e.path);
  }
  a.push('--proc', '/proc', '--dev', '/dev');
  for (const dir of ['/tmp', '/dev/shm']) {
    if (spec.tmpBytes !== undefined && spec.features.tmpfsSize) a.push('--size', String(spec.tmpBytes));
    a.push('--tmpfs', dir);
  }
  for (const w of [...spec.layout.writable].sort(byDepth)) a.push('--bind', w, w);
  const ro = [...spec.layout.readOnly].sort((x, y) => byDepth(x.target, y.target));
  for (const m of ro) a.push('--ro-bind', m.source, m.target);
  for (const f of spec.mask ?? []) a.push('--ro-bind', '/dev/null', f);
  a.push('--remount-ro', '/', '--chdir', spec.layout.cwd, '--clearenv');
  for (const [k, v] of Object.entries(spec.env)) a.push('--setenv', k, v);
  if (spec.infoFd !== undefined) a.push('--info-fd', String(spec.infoFd));
  return a;
}

/** Parents before children, so a mount inside another lands on top of it. */
function byDepth(a: string, b: string): number {
  return a.split(path.sep).length - b.split(path.sep).length || a.localeCompare(b);
}
