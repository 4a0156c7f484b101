// Runs one command confined (launchPlan.ts says how) and ends it for sure: at its time limit, on
// cancel, or when it writes more than its disk allowance. In the sandbox the command is in its own
// pid namespace, so stopping is: SIGTERM to every process in that namespace (children that called
// setsid included), then after the grace period SIGKILL to the namespace's init, which makes the
// kernel kill everything left in it. When the command's main process exits, bwrap's init exits too
// and takes any leftovers with it. Unsandboxed, the command leads its own process group and the
// group gets the same TERM-then-KILL (a setsid escapee is out of reach there; the README says so).
import { spawn, type ChildProcess } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { watchDisk, type DiskWatch } from './diskWatch';
import { launchPlan, type LaunchInput } from './launchPlan';
import { chownTree } from './ownership';
import { membersOf, pidNamespaceOf } from './processTable';
import { formatBytes } from './sandboxLimits';

export interface ConfinedRunOptions extends LaunchInput {
  timeoutMs: number;
  signal?: AbortSignal;
  /** Between SIGTERM and SIGKILL (default 2 s). */
  killGraceMs?: number;
  /** Every chunk of stdout and stderr as it arrives. */
  onData?: (stream: 'stdout' | 'stderr', chunk: Buffer) => void;
  /** For tests of the platform check (default: process.platform). */
  platform?: NodeJS.Platform;
}

export interface ConfinedExit {
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  cancelled: boolean;
  /** A limit that stopped the command, in words (e.g. the disk allowance). */
  limitExceeded?: string;
  startError?: string;
  durationMs: number;
}

const MAX_TIMER_MS = 2 ** 31 - 1;
const SIGNAL_NAMES: Record<number, string> = {
  1: 'SIGHUP',
  2: 'SIGINT',
  6: 'SIGABRT',
  9: 'SIGKILL',
  15: 'SIGTERM',
  25: 'SIGXFSZ',
};

export async function runConfined(opts: ConfinedRunOptions): Promise<ConfinedExit> {
  const quiet = { exitCode: null, signal: null, timedOut: false, cancelled: false, durationMs: 0 };
  if (opts.signal?.aborted) return { ...quiet, cancelled: true };
  if ((opts.platform ?? process.platform) === 'win32') {
    // Killing a whole process tree needs POSIX process groups; half a kill is worse than none.
    return {
      ...quiet,
      startError:
        'verification needs /bin/sh and POSIX process groups, which Windows lacks; open the folder in WSL or a Dev Container to verify changes.',
    };
  }
  // The program runs behind prlimit (and bwrap), which would only say "failed to execute": check it here.
  const program = opts.argv[0] ?? '';
  if (
    path.isAbsolute(program) &&
    !(await access(program, constants.X_OK).then(
      () => true,
      () => false,
    ))
  ) {
    return { ...quiet, startError: `spawn ${program} ENOENT (cwd ${opts.layout.cwd})` };
  }
  const plan = await launchPlan(opts);
  const runAs = opts.isolation.kind === 'sandbox' ? opts.isolation.support.runAs : undefined;
  if (runAs) for (const w of opts.layout.writable) await chownTree(w, runAs.uid, runAs.gid);
  try {
    return await supervise(opts, plan.file, plan.args, plan.infoFd);
  } finally {
    if (runAs) {
      const me = { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 };
      for (const w of opts.layout.writable) await chownTree(w, me.uid, me.gid);
    }
  }
}

function supervise(opts: ConfinedRunOptions, file: string, args: string[], infoFd: boolean): Promise<ConfinedExit> {
  return new Promise((resolve) => {
    const started = performance.now();
    const grace = Math.min(Math.max(opts.killGraceMs ?? 2000, 0), MAX_TIMER_MS);
    const st = { timedOut: false, cancelled: false, finished: false, terminating: false };
    let limitExceeded: string | undefined;
    let startError: string | undefined;
    let exitCode: number | null = null;
    let exitSignal: string | null = null;
    let endedAt: number | undefined;
    let ns: { init: number; id: string } | undefined;
    // bwrap's own setup errors come first on stderr, before the command exists.
    let firstErr = '';
    let disk: DiskWatch | undefined;
    const timers: NodeJS.Timeout[] = [];

    let proc: ChildProcess;
    try {
      proc = spawn(file, args, {
        cwd: opts.isolation.kind === 'unsandboxed' ? opts.layout.cwd : '/',
        env: opts.isolation.kind === 'unsandboxed' ? opts.env : { PATH: '/usr/bin:/bin' },
        detached: true,
        stdio: infoFd ? ['ignore', 'pipe', 'pipe', 'pipe'] : ['ignore', 'pipe', 'pipe'],
      });
    } catch (e) {
      startError = `${(e as Error).message} (cwd ${opts.layout.cwd})`;
      return finish();
    }
    proc.stdout?.on('data', (c: Buffer) => emit('stdout', c));
    proc.stderr?.on('data', (c: Buffer) => {
      if (firstErr.length < 512) firstErr += c.toString('utf8');
      emit('stderr', c);
    });
    if (infoFd) readInfo(proc, (init) => void pidNamespaceOf(init).then((id) => id && (ns = { init, id })));

    const hardKill = () => {
      if (ns) signalPid(ns.init, 'SIGKILL');
      signalGroup(proc, 'SIGKILL');
    };
    const terminate = async (soft: boolean) => {
      if (st.terminating) return;
      st.terminating = true;
      if (!soft) return hardKill();
      if (infoFd) {
        if (!ns) return hardKill();
        // Everyone but the namespace's init: its death would end the rest at once, with no grace.
        for (const pid of await membersOf(ns.id)) if (pid !== ns.init) signalPid(pid, 'SIGTERM');
      } else signalGroup(proc, 'SIGTERM');
      // Whatever ignores SIGTERM (a trap, a stuck worker) gets SIGKILL after the grace period.
      timers.push(setTimeout(hardKill, grace));
    };

    // setTimeout turns anything over 2^31-1 ms into 1 ms: a huge limit must not mean "kill at once".
    const limit = Math.min(Math.max(opts.timeoutMs, 0), MAX_TIMER_MS);
    timers.push(
      setTimeout(() => {
        if (endedAt !== undefined) return;
        st.timedOut = true;
        void terminate(true);
      }, limit),
    );
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    const diskDir = opts.layout.writable[0];
    if (diskDir) {
      void watchDisk({
        dir: diskDir,
        limitBytes: opts.limits.diskBytes,
        onExceeded: (grew) => {
          if (endedAt !== undefined) return;
          limitExceeded = `wrote ${formatBytes(grew)} into its scratch folder, over the ${formatBytes(opts.limits.diskBytes)} allowed`;
          void terminate(false);
        },
      }).then((w) => (endedAt === undefined ? (disk = w) : w.stop()));
    }

    proc.on('error', (e) => {
      // Spawn failures (missing program, missing cwd) arrive here; there is no exit to wait for.
      if (proc.pid === undefined) {
        startError = `${e.message} (cwd ${opts.layout.cwd})`;
        finish();
      }
    });
    proc.on('exit', (code, sig) => {
      endedAt = performance.now();
      exitCode = code;
      exitSignal = sig;
      disk?.stop();
      // Leftovers in the group (a server started with &) must not outlive the run.
      signalGroup(proc, 'SIGKILL');
      // A process that escaped (unsandboxed setsid) could hold the pipes open forever.
      timers.push(
        setTimeout(() => {
          proc.stdout?.destroy();
          proc.stderr?.destroy();
          finish();
        }, 1000),
      );
    });
    proc.on('close', () => finish());

    function emit(stream: 'stdout' | 'stderr', chunk: Buffer) {
      try {
        opts.onData?.(stream, chunk);
      } catch {
        // A listener's bug must not kill the run or leave processes behind.
      }
    }
    function onAbort() {
      if (endedAt !== undefined) return;
      st.cancelled = true;
      void terminate(true);
    }
    function finish() {
      if (st.finished) return;
      st.finished = true;
      for (const t of timers) clearTimeout(t);
      disk?.stop();
      opts.signal?.removeEventListener('abort', onAbort);
      // bwrap reports a command killed by a signal as 128+n; when we sent it, say which signal.
      if (infoFd && exitCode !== null && exitCode > 128 && (st.timedOut || st.cancelled || limitExceeded)) {
        exitSignal = SIGNAL_NAMES[exitCode - 128] ?? `signal ${exitCode - 128}`;
        exitCode = null;
      }
      const setupError = /^bwrap: (.*)/.exec(firstErr)?.[1];
      if (infoFd && exitCode === 1 && setupError && startError === undefined) {
        startError = `the sandbox could not start: ${setupError}${runAsHint(opts, setupError)}`;
      }
      resolve({
        exitCode,
        signal: exitSignal,
        timedOut: st.timedOut,
        cancelled: st.cancelled,
        ...(limitExceeded ? { limitExceeded } : {}),
        ...(startError !== undefined ? { startError } : {}),
        durationMs: Math.round((endedAt ?? performance.now()) - started),
      });
    }
  });
}

/** As root the sandbox runs as nobody, who cannot enter /root or other private folders. */
function runAsHint(opts: ConfinedRunOptions, error: string): string {
  const runAs = opts.isolation.kind === 'sandbox' ? opts.isolation.support.runAs : undefined;
  if (!runAs || !/Permission denied/.test(error)) return '';
  return ` (as root, the sandbox runs as nobody (uid ${runAs.uid}), who cannot read that folder; keep the workspace where other users can read it, or run as a normal user)`;
}

/** bwrap writes one JSON object with its child's pid on fd 3 once the namespaces exist. */
function readInfo(proc: ChildProcess, started: (init: number) => void): void {
  const pipe = proc.stdio[3] as NodeJS.ReadableStream | null | undefined;
  if (!pipe) return;
  let text = '';
  pipe.on('data', (c: Buffer) => {
    text += c.toString('utf8');
    const m = /"child-pid"\s*:\s*(\d+)/.exec(text);
    if (!m) return;
    text = '';
    started(Number(m[1]));
  });
  pipe.on('error', () => undefined);
}

function signalPid(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // Already gone.
  }
}

/** Sends a signal to the child's whole process group; a group already gone is not an error. */
function signalGroup(child: ChildProcess, sig: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, sig);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ESRCH') {
      try {
        child.kill(sig);
      } catch {
        // Nothing more can be done from here; the exit handler still finishes the run.
      }
    }
  }
}
