// Runs the policy's verify command in the scratch copy: `/bin/sh -c <command>` as the leader of
// its own process group, so a timeout or a cancel can end everything it started (test runners
// fork workers, shells fork pipelines) and not just the shell. Output from stdout and stderr is
// kept interleaved in a bounded tail; the environment has secrets withheld (verifyEnv.ts).
import { spawn, type ChildProcess } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { scrubSecrets } from '../providers/scrub';
import { OutputTail, type OutputTailOptions } from './outputTail';
import { buildVerifyEnv } from './verifyEnv';
import type { VerifyResult } from './verifySchema';

export interface RunVerificationOptions {
  command: string;
  /** The scratch root; the command runs here. */
  cwd: string;
  timeoutMs: number;
  /** The environment to filter (default: this process's). */
  env?: NodeJS.ProcessEnv;
  /** Variables to withhold besides the built-in patterns: the policy's `apiKeyEnv`s. */
  secretEnvNames?: Iterable<string>;
  signal?: AbortSignal;
  /** Between SIGTERM and SIGKILL to the group (default 2 s). */
  killGraceMs?: number;
  /** Each decoded chunk as it arrives, for a live view. */
  onOutput?: (text: string) => void;
  tail?: OutputTailOptions;
  /** The shell (default /bin/sh). */
  shell?: string;
  /** For tests of the platform check (default: process.platform). */
  platform?: NodeJS.Platform;
}

const MAX_TIMER_MS = 2 ** 31 - 1;

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

export function runVerification(opts: RunVerificationOptions): Promise<VerifyResult> {
  const parentEnv = opts.env ?? process.env;
  const { env, withheld } = buildVerifyEnv(parentEnv, opts.secretEnvNames);
  // The command never sees these values, but a test can still print a key it read from a file;
  // output goes to a model and a record, so withheld values and key-shaped text are masked.
  const secretValues = withheld.map((n) => parentEnv[n]);
  const scrub = (text: string) => scrubSecrets(text, ...secretValues);
  const tail = new OutputTail(opts.tail);
  const grace = Math.min(Math.max(opts.killGraceMs ?? 2000, 0), MAX_TIMER_MS);
  const base = { command: opts.command, withheldEnv: withheld };

  const notStarted = (over: Partial<VerifyResult>): Promise<VerifyResult> =>
    Promise.resolve({
      ...base,
      exitCode: null,
      signal: null,
      timedOut: false,
      cancelled: false,
      durationMs: 0,
      outputTail: '',
      outputBytes: 0,
      outputTruncated: false,
      passed: false,
      ...over,
    });
  if (opts.signal?.aborted) return notStarted({ cancelled: true });
  if ((opts.platform ?? process.platform) === 'win32') {
    // Killing a whole process tree needs POSIX process groups; half a kill is worse than none.
    return notStarted({
      startError:
        'verification needs /bin/sh and POSIX process groups, which Windows lacks; open the folder in WSL or a Dev Container to verify changes.',
    });
  }

  return new Promise((resolve) => {
    const started = performance.now();
    let timedOut = false;
    let cancelled = false;
    let startError: string | undefined;
    let exitCode: number | null = null;
    let exitSignal: string | null = null;
    let endedAt: number | undefined;
    let finished = false;
    const timers: NodeJS.Timeout[] = [];

    let proc: ChildProcess;
    try {
      proc = spawn(opts.shell ?? '/bin/sh', ['-c', opts.command], {
        cwd: opts.cwd,
        env,
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    } catch (e) {
      startError = `${(e as Error).message} (cwd ${opts.cwd})`;
      finish();
      return;
    }

    const onData = (stream: string) => (chunk: Buffer) => {
      const text = tail.push(stream, chunk);
      if (text && opts.onOutput) {
        try {
          opts.onOutput(scrub(text));
        } catch {
          // A listener's bug must not kill the run or leave the process group behind.
        }
      }
    };
    proc.stdout?.on('data', onData('stdout'));
    proc.stderr?.on('data', onData('stderr'));

    let terminating = false;
    const terminate = () => {
      if (terminating) return;
      terminating = true;
      signalGroup(proc, 'SIGTERM');
      // Whatever ignores SIGTERM (a trap, a stuck worker) gets SIGKILL after the grace period.
      timers.push(setTimeout(() => signalGroup(proc, 'SIGKILL'), grace));
    };

    // Once the shell has exited, a late timer or abort changes nothing about how it ended.
    // setTimeout turns anything over 2^31-1 ms into 1 ms: a huge limit must not mean "kill at once".
    timers.push(
      setTimeout(
        () => {
          if (endedAt !== undefined) return;
          timedOut = true;
          terminate();
        },
        Math.min(Math.max(opts.timeoutMs, 0), MAX_TIMER_MS),
      ),
    );

    opts.signal?.addEventListener('abort', onAbort, { once: true });

    proc.on('error', (e) => {
      // Spawn failures (missing shell, missing cwd) arrive here; there is no exit to wait for.
      if (proc.pid === undefined) {
        startError = `${e.message} (cwd ${opts.cwd})`;
        finish();
      }
    });

    proc.on('exit', (code, sig) => {
      endedAt = performance.now();
      exitCode = code;
      exitSignal = sig;
      // The shell is gone; anything still in its group (a server started with &, a grandchild
      // that ignored SIGTERM) is left over and must not outlive the run or the scratch folder.
      signalGroup(proc, 'SIGKILL');
      // Output pipes close once every holder is dead; a process that escaped the group (setsid)
      // could hold them open forever, so stop waiting after a moment.
      timers.push(
        setTimeout(() => {
          proc.stdout?.destroy();
          proc.stderr?.destroy();
          finish();
        }, 1000),
      );
    });
    proc.on('close', () => finish());

    // A declaration (hoisted), because finish() can run before the listener is added.
    function onAbort() {
      if (endedAt !== undefined) return;
      cancelled = true;
      terminate();
    }

    function finish() {
      if (finished) return;
      finished = true;
      for (const t of timers) clearTimeout(t);
      opts.signal?.removeEventListener('abort', onAbort);
      tail.end();
      const durationMs = Math.round((endedAt ?? performance.now()) - started);
      resolve({
        ...base,
        exitCode,
        signal: exitSignal,
        timedOut,
        cancelled,
        durationMs,
        outputTail: scrub(tail.text()),
        outputBytes: tail.totalBytes,
        outputTruncated: tail.truncated,
        ...(startError !== undefined ? { startError } : {}),
        passed: startError === undefined && !timedOut && !cancelled && exitCode === 0,
      });
    }
  });
}
