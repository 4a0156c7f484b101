// The verify stage's data at its boundaries: what one run of the project's test command produced
// (VerifyResult) and what the stage as a whole came to (VerifyOutcome: ran, or why it did not).
// Zod schemas so the pipeline, the ledger and the panel check one shape at run time.
import { z } from 'zod';

export const VerifyResultSchema = z.object({
  /** The exact command string the user approved, run with `/bin/sh -c` in the isolated copy. */
  command: z.string(),
  /** 'sandbox': confined (no network, no home, no write path into the workspace); 'unsandboxed': the user opted out. */
  isolation: z.enum(['sandbox', 'unsandboxed']).optional(),
  /** Exit code of the shell; null when it ended by a signal or never started. */
  exitCode: z.number().int().nullable(),
  /** The signal that ended the shell (e.g. "SIGTERM" after a timeout), else null. */
  signal: z.string().nullable(),
  timedOut: z.boolean(),
  /** The AbortSignal fired (the user cancelled the run); the process group was killed. */
  cancelled: z.boolean(),
  durationMs: z.number().nonnegative(),
  /** The last lines of stdout and stderr interleaved as they arrived, ANSI colours removed. */
  outputTail: z.string(),
  /** Bytes the command wrote in all; more than the tail holds means the start was dropped. */
  outputBytes: z.number().int().nonnegative(),
  outputTruncated: z.boolean(),
  /** Names (never values) of the host's environment variables the command did not get (all but the allow-list). */
  withheldEnv: z.array(z.string()),
  /** Names the policy asked to pass that were refused (credentials, the host's plumbing). */
  refusedEnv: z.array(z.string()).optional(),
  /** A resource limit that stopped the command, in words (e.g. the disk allowance). */
  limitExceeded: z.string().optional(),
  /** Why the command could not be started at all (spawn error), if that happened. */
  startError: z.string().optional(),
  /** Exit code 0, not timed out, not cancelled, no limit exceeded. */
  passed: z.boolean(),
});
export type VerifyResult = z.infer<typeof VerifyResultSchema>;

export const VerifyOutcomeSchema = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('ran'),
    result: VerifyResultSchema,
    /** Where it ran: a clone with its own git directory or a copy, how long making it took, how many uncommitted paths came along. */
    scratch: z
      .object({
        kind: z.enum(['git-clone', 'copy']),
        prepareMs: z.number().nonnegative(),
        carriedOverCount: z.number().int().nonnegative(),
      })
      .optional(),
    /** How the run was set up, when worth telling (a fallback to a copy, an approval not saved). */
    notes: z.array(z.string()).optional(),
    /** What was left behind when removing the scratch copy (normally absent). */
    cleanupProblems: z.array(z.string()).optional(),
  }),
  z.object({ status: z.literal('skipped-untrusted'), reason: z.string() }),
  /** No sandbox on this machine and the user has not opted into the unsandboxed mode: nothing ran. */
  z.object({ status: z.literal('skipped-no-sandbox'), reason: z.string() }),
  /** The critic blocked the change, so its code was not run. */
  z.object({ status: z.literal('skipped-blocked'), reason: z.string() }),
  z.object({ status: z.literal('skipped-not-approved'), reason: z.string() }),
  z.object({
    status: z.literal('failed-to-prepare'),
    reason: z.string(),
    /** Edit-engine problems when the plan would not apply to the scratch copy. */
    problems: z.array(z.object({ kind: z.string(), path: z.string().optional(), message: z.string() })).default([]),
  }),
  z.object({ status: z.literal('cancelled'), reason: z.string() }),
]);
export type VerifyOutcome = z.infer<typeof VerifyOutcomeSchema>;
export type VerifyStatus = VerifyOutcome['status'];
