// Runs the policy's verify command confined (sandbox/confinedProcess.ts): `/bin/sh -c <command>`
// in the isolated copy, with an allow-listed environment (sandbox/sandboxEnv.ts), resource limits,
// and a time limit that ends everything it started. Output from stdout and stderr is kept
// interleaved in a bounded tail, with secret values and key-shaped text masked.
import type { SandboxLayout } from '../sandbox/bwrapArgs';
import { runConfined } from '../sandbox/confinedProcess';
import type { Isolation } from '../sandbox/launchPlan';
import { buildSandboxEnv } from '../sandbox/sandboxEnv';
import { withDefaults, type SandboxLimits } from '../sandbox/sandboxLimits';
import { scrubSecrets } from '../providers/scrub';
import { OutputTail, type OutputTailOptions } from './outputTail';
import type { VerifyResult } from './verifySchema';

export interface RunVerificationOptions {
  command: string;
  /** Where it runs and what it may write and read (an isolated copy's `layout()`). */
  layout?: SandboxLayout;
  /** Shorthand for a layout that is one folder: where it runs, its HOME, and all it may write. */
  cwd?: string;
  /** The sandbox, or the unsandboxed mode the user opted into. */
  isolation: Isolation;
  limits?: Partial<SandboxLimits>;
  timeoutMs: number;
  /** The host environment the command's environment is picked from (default: this process's). */
  env?: NodeJS.ProcessEnv;
  /** Variable names to pass besides the allow-list: the policy's `verify.env`, approved by the user. */
  passEnv?: Iterable<string>;
  /** Credential names besides the built-in patterns (the policy's `apiKeyEnv`s): never passed, always masked. */
  secretEnvNames?: Iterable<string>;
  signal?: AbortSignal;
  /** Between SIGTERM and SIGKILL (default 2 s). */
  killGraceMs?: number;
  /** Each decoded chunk as it arrives, for a live view. */
  onOutput?: (text: string) => void;
  tail?: OutputTailOptions;
  /** The shell (default /bin/sh). */
  shell?: string;
  /** For tests of the platform check (default: process.platform). */
  platform?: NodeJS.Platform;
}

export async function runVerification(opts: RunVerificationOptions): Promise<VerifyResult> {
  const layout = opts.layout ?? oneFolder(opts.cwd ?? process.cwd());
  const sandboxed = opts.isolation.kind === 'sandbox';
  const built = buildSandboxEnv(opts.env ?? process.env, {
    home: layout.home,
    // Inside the sandbox /tmp is its own (size-limited); unsandboxed, a folder in the copy.
    tmpDir: sandboxed ? '/tmp' : (layout.tmp ?? layout.home),
    pass: opts.passEnv,
    secretNames: opts.secretEnvNames,
  });
  // The command never sees these values, but a test can still print a key it read from a file;
  // output goes to a model and a record, so secret values and key-shaped text are masked.
  const scrub = (text: string) => scrubSecrets(text, ...built.secretValues);
  const tail = new OutputTail(opts.tail);
  const exit = await runConfined({
    argv: [opts.shell ?? '/bin/sh', '-c', opts.command],
    layout,
    env: built.env,
    isolation: opts.isolation,
    limits: withDefaults(opts.limits),
    hostEnv: opts.env,
    timeoutMs: opts.timeoutMs,
    signal: opts.signal,
    killGraceMs: opts.killGraceMs,
    platform: opts.platform,
    onData: (stream, chunk) => {
      const text = tail.push(stream, chunk);
      if (text && opts.onOutput) opts.onOutput(scrub(text));
    },
  });
  tail.end();
  return {
    command: opts.command,
    withheldEnv: built.withheld,
    ...(built.refused.length ? { refusedEnv: built.refused } : {}),
    isolation: opts.isolation.kind,
    exitCode: exit.exitCode,
    signal: exit.signal,
    timedOut: exit.timedOut,
    cancelled: exit.cancelled,
    durationMs: exit.durationMs,
    outputTail: scrub(tail.text()),
    outputBytes: tail.totalBytes,
    outputTruncated: tail.truncated,
    ...(exit.limitExceeded ? { limitExceeded: exit.limitExceeded } : {}),
    ...(exit.startError !== undefined ? { startError: exit.startError } : {}),
    passed:
      exit.startError === undefined && !exit.timedOut && !exit.cancelled && !exit.limitExceeded && exit.exitCode === 0,
  };
}

function oneFolder(dir: string): SandboxLayout {
  return { cwd: dir, home: dir, writable: [dir], readOnly: [] };
}
