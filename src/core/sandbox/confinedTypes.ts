// What a confined run takes and what it ends with: shared by confinedProcess.ts (the entry point)
// and supervisor.ts (which ends the process for sure), so neither imports the other for its types.
import type { LaunchInput } from './launchPlan';

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
