// Whether this machine can confine a command: Linux, bubblewrap (`bwrap`), `prlimit`, and user
// namespaces that actually work (a trial sandbox runs `true`). Asked once per process; the answer
// says exactly what is missing and how to get it, because the caller refuses to run the command
// without a sandbox unless the user opted into the unsandboxed mode.
//
// As root, the sandbox runs as nobody (uid 65534, via `setpriv`): root inside a user namespace is
// still root to the files it can see, and RLIMIT_NPROC does not apply to root at all.
import { spawn } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import * as path from 'node:path';
import { bwrapArgs, type BwrapFeatures } from './bwrapArgs';
import { systemEntries } from './systemView';

export const NOBODY = { uid: 65534, gid: 65534 };

export type SandboxSupport =
  | {
      ok: true;
      bwrap: string;
      prlimit: string;
      /** Set when this process is root: the sandbox drops to this user first. */
      runAs?: { uid: number; gid: number; setpriv: string };
      features: BwrapFeatures;
    }
  | { ok: false; reason: string };

export interface ProbeOptions {
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  euid?: number;
}

const INSTALL_HINT =
  'Install bubblewrap (Debian/Ubuntu: sudo apt-get install bubblewrap; Fedora: sudo dnf install bubblewrap; Arch: sudo pacman -S bubblewrap)';

const cache = new Map<string, Promise<SandboxSupport>>();

/**
 * The sandbox this machine offers, or why there is none. A working sandbox is remembered per PATH
 * and user; a missing one is asked about again next time (the user may have installed bubblewrap).
 */
export function probeSandbox(opts: ProbeOptions = {}): Promise<SandboxSupport> {
  const env = opts.env ?? process.env;
  const platform = opts.platform ?? process.platform;
  const euid = opts.euid ?? process.geteuid?.() ?? -1;
  const key = JSON.stringify([platform, euid, env.PATH ?? '']);
  let p = cache.get(key);
  if (!p) {
    p = probe(env, platform, euid);
    cache.set(key, p);
    void p.then((s) => !s.ok && cache.delete(key));
  }
  return p;
}

async function probe(env: NodeJS.ProcessEnv, platform: NodeJS.Platform, euid: number): Promise<SandboxSupport> {
  if (platform !== 'linux') {
    return {
      ok: false,
      reason: `the command sandbox needs Linux (bubblewrap and user namespaces), and this is ${platform}. Open the folder in WSL or a Dev Container to verify changes in a sandbox`,
    };
  }
  const bwrap = await findExecutable('bwrap', env);
  if (!bwrap) return { ok: false, reason: `bubblewrap (bwrap) is not installed. ${INSTALL_HINT}` };
  const prlimit = await findExecutable('prlimit', env);
  if (!prlimit) return { ok: false, reason: 'prlimit (util-linux) is not installed, so no resource limits can be set' };
  let runAs: { uid: number; gid: number; setpriv: string } | undefined;
  if (euid === 0) {
    const setpriv = await findExecutable('setpriv', env);
    if (!setpriv) return { ok: false, reason: 'running as root needs setpriv (util-linux) to drop to nobody first' };
    runAs = { ...NOBODY, setpriv };
  }
  const help = await run(bwrap, ['--help']);
  const features: BwrapFeatures = {
    disableUserns: help.out.includes('--disable-userns'),
    tmpfsSize: help.out.includes('--size'),
  };
  const layout = { cwd: '/', home: '/', writable: [], readOnly: [] };
  const argv = bwrapArgs({ layout, env: {}, features, system: await systemEntries() });
  const trial = runAs
    ? await run(runAs.setpriv, [...setprivArgs(runAs), bwrap, ...argv, '--', 'true'])
    : await run(bwrap, [...argv, '--', 'true']);
  if (trial.code !== 0) {
    const said = (trial.out.trim().split('\n').pop() ?? '').slice(0, 300) || `exit ${trial.code}`;
    return {
      ok: false,
      reason:
        `bubblewrap could not make a sandbox here (${said}). Unprivileged user namespaces are probably off ` +
        '(sysctl kernel.unprivileged_userns_clone=0, or kernel.apparmor_restrict_unprivileged_userns=1 without an AppArmor profile for bwrap), or this runs in a container that forbids them',
    };
  }
  return { ok: true, bwrap, prlimit, ...(runAs ? { runAs } : {}), features };
}

/** `setpriv` arguments that make the rest of the command line run as `who`, with no extra groups. */
export function setprivArgs(who: { uid: number; gid: number }): string[] {
  return [`--reuid=${who.uid}`, `--regid=${who.gid}`, '--clear-groups', '--'];
}

export async function findExecutable(name: string, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const dirs = [...(env.PATH ?? '').split(path.delimiter), '/usr/bin', '/bin', '/usr/sbin', '/sbin'];
  for (const dir of dirs) {
    if (!dir || !path.isAbsolute(dir)) continue;
    const candidate = path.join(dir, name);
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not here.
    }
  }
  return undefined;
}

function run(file: string, args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    let out = '';
    const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: '/usr/bin:/bin' } });
    const add = (b: Buffer) => {
      if (out.length < 64 * 1024) out += b.toString('utf8');
    };
    child.stdout.on('data', add);
    child.stderr.on('data', add);
    child.on('error', (e) => resolve({ code: -1, out: e.message }));
    child.on('close', (code) => resolve({ code: code ?? -1, out }));
  });
}
