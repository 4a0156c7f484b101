// Watches one started confined process until it has ended for sure, and ends it when it must: at
// its time limit, on cancel, or when it writes more than its disk allowance. In the sandbox the
// command is in its own pid namespace, so stopping is: SIGTERM to every process in that namespace
// (children that called setsid included), then after the grace period SIGKILL to the namespace's
// init, which makes the kernel kill everything left in it. When the command's main process exits,
// bwrap's init exits too and takes any leftovers with it. Unsandboxed, the command leads its own
// process group and the group gets the same TERM-then-KILL (a setsid escapee is out of its reach).
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readdirSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { ConfinedExit, ConfinedRunOptions } from './confinedTypes';
import { watchDisk, type DiskWatch } from './diskWatch';
import { membersOf, pidNamespaceOf } from './processTable';
import { formatBytes } from './sandboxLimits';

const MAX_TIMER_MS = 2 ** 31 - 1;
type Io = 'ignore' | 'pipe';
/** stdin, stdout, stderr; in the sandbox also bwrap's info pipe (fd 3) and its options pipe (fd 4). */
const PLAIN_STDIO: Io[] = ['ignore', 'pipe', 'pipe'];
const SANDBOX_STDIO: Io[] = ['ignore', 'pipe', 'pipe', 'pipe', 'pipe'];
const SIGNAL_NAMES: Record<number, string> = {
  1: 'SIGHUP',
  2: 'SIGINT',
  6: 'SIGABRT',
  9: 'SIGKILL',
  15: 'SIGTERM',
  25: 'SIGXFSZ',
};

export class Supervisor {
  private readonly started = performance.now();
  private readonly grace: number;
  private readonly timers: NodeJS.Timeout[] = [];
  private proc: ChildProcess | undefined;
  private ns: { init: number; id: string } | undefined;
  private disk: DiskWatch | undefined;
  /** bwrap's own setup errors come first on stderr, before the command exists. */
  private firstErr = '';
  private timedOut = false;
  private cancelled = false;
  private terminating = false;
  private finished = false;
  private limitExceeded: string | undefined;
  private startError: string | undefined;
  private exitCode: number | null = null;
  private exitSignal: string | null = null;
  private endedAt: number | undefined;
  private resolve!: (exit: ConfinedExit) => void;
  private readonly onAbort = () => {
    if (this.endedAt !== undefined) return;
    this.cancelled = true;
    void this.terminate(true);
  };

  constructor(
    private readonly opts: ConfinedRunOptions,
    /** bwrap reports its child on fd 3: the run is sandboxed. */
    private readonly sandboxed: boolean,
  ) {
    this.grace = Math.min(Math.max(opts.killGraceMs ?? 2000, 0), MAX_TIMER_MS);
  }

  /** Starts `file args`; in the sandbox, bwrap's options go through a pipe (`--args`), not the command line. */
  run(file: string, args: string[], bwrapOptions: string[] = []): Promise<ConfinedExit> {
    return new Promise((resolve) => {
      this.resolve = resolve;
      let proc: ChildProcess;
      const devNull = openDevNull();
      try {
        proc = spawn(file, args, {
          // The sandbox sets its own directory and environment; bwrap itself needs neither.
          cwd: this.sandboxed ? '/' : this.opts.layout.cwd,
          env: this.sandboxed ? { PATH: '/usr/bin:/bin' } : this.opts.env,
          detached: true,
          stdio: withCovers(this.sandboxed ? SANDBOX_STDIO : PLAIN_STDIO, devNull),
        });
      } catch (e) {
        this.startError = `${(e as Error).message} (cwd ${this.opts.layout.cwd})`;
        return this.finish();
      } finally {
        if (devNull !== undefined) closeSync(devNull);
      }
      this.proc = proc;
      if (this.sandboxed) {
        const pipe = proc.stdio[4] as NodeJS.WritableStream | null;
        pipe?.on('error', () => undefined); // bwrap gone already: its exit says why
        pipe?.end(bwrapOptions.map((a) => `${a}\0`).join(''));
      }
      this.watch(proc);
      this.armLimits();
    });
  }

  private watch(proc: ChildProcess): void {
    proc.stdout?.on('data', (c: Buffer) => this.emit('stdout', c));
    proc.stderr?.on('data', (c: Buffer) => {
      if (this.firstErr.length < 512) this.firstErr += c.toString('utf8');
      this.emit('stderr', c);
    });
    if (this.sandboxed) {
      readInfo(proc, (init) => void pidNamespaceOf(init).then((id) => id && (this.ns = { init, id })));
    }
    proc.on('error', (e) => {
      // Spawn failures (missing program, missing cwd) arrive here; there is no exit to wait for.
      if (proc.pid === undefined) {
        this.startError = `${e.message} (cwd ${this.opts.layout.cwd})`;
        this.finish();
      }
    });
    proc.on('exit', (code, sig) => {
      this.endedAt = performance.now();
      this.exitCode = code;
      this.exitSignal = sig;
      this.disk?.stop();
      // Leftovers in the group (a server started with &) must not outlive the run.
      signalGroup(proc, 'SIGKILL');
      // A process that escaped (unsandboxed setsid) could hold the pipes open forever.
      this.timers.push(
        setTimeout(() => {
          proc.stdout?.destroy();
          proc.stderr?.destroy();
          this.finish();
        }, 1000),
      );
    });
    proc.on('close', () => this.finish());
  }

  private armLimits(): void {
    // setTimeout turns anything over 2^31-1 ms into 1 ms: a huge limit must not mean "kill at once".
    const limit = Math.min(Math.max(this.opts.timeoutMs, 0), MAX_TIMER_MS);
    this.timers.push(
      setTimeout(() => {
        if (this.endedAt !== undefined) return;
        this.timedOut = true;
        void this.terminate(true);
      }, limit),
    );
    // An abort while the launch was being prepared has already fired: act on it now.
    if (this.opts.signal?.aborted) this.onAbort();
    else this.opts.signal?.addEventListener('abort', this.onAbort, { once: true });
    const dir = this.opts.layout.writable[0];
    if (!dir) return;
    const allowed = this.opts.limits.diskBytes;
    void watchDisk({
      dir,
      limitBytes: allowed,
      onExceeded: (grew) => {
        if (this.endedAt !== undefined) return;
        this.limitExceeded = `wrote ${formatBytes(grew)} into its scratch folder, over the ${formatBytes(allowed)} allowed`;
        void this.terminate(false);
      },
    }).then((w) => (this.endedAt === undefined && !this.finished ? (this.disk = w) : w.stop()));
  }

  private hardKill(): void {
    if (this.ns) signalPid(this.ns.init, 'SIGKILL');
    if (this.proc) signalGroup(this.proc, 'SIGKILL');
  }

  private async terminate(soft: boolean): Promise<void> {
    if (this.terminating || !this.proc) return;
    this.terminating = true;
    if (!soft) return this.hardKill();
    if (this.sandboxed) {
      if (!this.ns) return this.hardKill();
      // Everyone but the namespace's init: its death would end the rest at once, with no grace.
      for (const pid of await membersOf(this.ns.id)) if (pid !== this.ns.init) signalPid(pid, 'SIGTERM');
    } else signalGroup(this.proc, 'SIGTERM');
    // Whatever ignores SIGTERM (a trap, a stuck worker) gets SIGKILL after the grace period.
    this.timers.push(setTimeout(() => this.hardKill(), this.grace));
  }

  private emit(stream: 'stdout' | 'stderr', chunk: Buffer): void {
    try {
      this.opts.onData?.(stream, chunk);
    } catch {
      // A listener's bug must not kill the run or leave processes behind.
    }
  }

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    for (const t of this.timers) clearTimeout(t);
    this.disk?.stop();
    this.opts.signal?.removeEventListener('abort', this.onAbort);
    let { exitCode, exitSignal } = this;
    // bwrap reports a command killed by a signal as 128+n; when we sent it, say which signal.
    if (
      this.sandboxed &&
      exitCode !== null &&
      exitCode > 128 &&
      (this.timedOut || this.cancelled || this.limitExceeded)
    ) {
      exitSignal = SIGNAL_NAMES[exitCode - 128] ?? `signal ${exitCode - 128}`;
      exitCode = null;
    }
    const setupError = /^bwrap: (.*)/.exec(this.firstErr)?.[1];
    if (this.sandboxed && exitCode === 1 && setupError && this.startError === undefined) {
      this.startError = `the sandbox could not start: ${setupError}${runAsHint(this.opts, setupError)}`;
    }
    this.resolve({
      exitCode,
      signal: exitSignal,
      timedOut: this.timedOut,
      cancelled: this.cancelled,
      ...(this.limitExceeded ? { limitExceeded: this.limitExceeded } : {}),
      ...(this.startError !== undefined ? { startError: this.startError } : {}),
      durationMs: Math.round((this.endedAt ?? performance.now()) - this.started),
    });
  }
}

/**
 * `stdio`, then /dev/null in place of every further fd this process has open: a descriptor the host
 * inherited without close-on-exec (a pipe, a socket to something) would otherwise pass on to the
 * command, sandbox or not. (libuv's 'ignore' leaves such a descriptor alone above fd 2, hence an
 * explicit /dev/null.)
 */
function withCovers(stdio: Io[], devNull: number | undefined): Array<Io | number> {
  if (devNull === undefined) return stdio;
  let open: number[];
  try {
    open = readdirSync('/proc/self/fd').map(Number);
  } catch {
    return stdio; // no /proc: not Linux
  }
  const top = Math.max(stdio.length - 1, ...open);
  const rest = Array.from({ length: top + 1 - stdio.length }, (_, i) =>
    open.includes(stdio.length + i) ? devNull : ('ignore' as const),
  );
  return [...stdio, ...rest];
}

function openDevNull(): number | undefined {
  try {
    return openSync('/dev/null', 'r');
  } catch {
    return undefined;
  }
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
