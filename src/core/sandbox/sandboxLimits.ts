// The resource limits a confined process runs under, and how they become `prlimit` arguments.
// Kernel rlimits are per process (memory, file size) or per user (processes), so:
//   - processes: RLIMIT_NPROC counts every task (thread) of the user, machine-wide, not only the
//     sandbox's. The limit is therefore what the user already runs plus the sandbox's allowance,
//     counted at start; a fork bomb stops at the allowance. Root is exempt from RLIMIT_NPROC, which
//     is one reason the sandbox never runs as root (sandboxProbe.ts drops to nobody).
//   - memory: RLIMIT_DATA per process (heap and private writable mappings). Not RLIMIT_AS: browsers
//     and WebAssembly reserve terabytes of address space they never touch, so an address-space
//     limit breaks ordinary test suites. Shared anonymous memory is not counted; /tmp and /dev/shm
//     are size-limited tmpfs mounts instead.
//   - file size: RLIMIT_FSIZE per file (a write past it gets SIGXFSZ).
//   - disk: total growth of the scratch folder, watched from outside (diskWatch.ts).
import { z } from 'zod';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

export const SandboxLimitsSchema = z
  .object({
    /** Processes and threads the command may add on top of what its user already runs. */
    processes: z.number().int().positive(),
    /** Heap and private writable memory per process, in bytes. */
    memoryBytes: z.number().int().positive(),
    /** Largest file the command may write, in bytes. */
    fileBytes: z.number().int().positive(),
    /** How much the scratch folder may grow in all, in bytes. */
    diskBytes: z.number().int().positive(),
    /** Size of each of the sandbox's own /tmp and /dev/shm (memory-backed), in bytes. */
    tmpBytes: z.number().int().positive(),
  })
  .strict();
export type SandboxLimits = z.infer<typeof SandboxLimitsSchema>;

export const DEFAULT_LIMITS: SandboxLimits = {
  processes: 512,
  memoryBytes: 4 * GiB,
  fileBytes: 1 * GiB,
  diskBytes: 2 * GiB,
  tmpBytes: 512 * MiB,
};

export function withDefaults(limits: Partial<SandboxLimits> | undefined): SandboxLimits {
  return SandboxLimitsSchema.parse({ ...DEFAULT_LIMITS, ...limits });
}

/**
 * `prlimit` arguments (soft = hard, so the command cannot raise them again) for a command whose
 * user already runs `baselineTasks` tasks. Core dumps are off: a crashing test must not write
 * gigabytes into the scratch.
 */
export function prlimitArgs(limits: SandboxLimits, baselineTasks: number): string[] {
  const both = (n: number) => `${n}:${n}`;
  return [
    `--nproc=${both(baselineTasks + limits.processes)}`,
    `--data=${both(limits.memoryBytes)}`,
    `--fsize=${both(limits.fileBytes)}`,
    '--core=0:0',
    '--',
  ];
}

/** Bytes for people: "512 MiB", "4 GiB". */
export function formatBytes(n: number): string {
  if (n >= GiB && n % GiB === 0) return `${n / GiB} GiB`;
  if (n >= MiB) return `${Math.round(n / MiB)} MiB`;
  return `${n} bytes`;
}
