// Runs one command confined: the isolation module's entry point for anyone who runs code from a
// repository (the verify stage today, a coding agent in issue 16). launchPlan.ts says how it is
// started (sandbox or the user's unsandboxed opt-in), supervisor.ts how it is ended for sure.
// Nothing here decides *whether* a command may run: trust and approval are the caller's.
import { access, constants } from 'node:fs/promises';
import * as path from 'node:path';
import type { ConfinedExit, ConfinedRunOptions } from './confinedTypes';
import { launchPlan } from './launchPlan';
import { chownTree } from './ownership';
import { Supervisor } from './supervisor';

// Callers take the options and the exit from the entry point, as before the types had a module of their own.
export type { ConfinedExit, ConfinedRunOptions } from './confinedTypes';

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
  if (path.isAbsolute(program) && !(await isExecutable(program))) {
    return { ...quiet, startError: `spawn ${program} ENOENT (cwd ${opts.layout.cwd})` };
  }
  const plan = await launchPlan(opts);
  if (opts.signal?.aborted) return { ...quiet, cancelled: true };
  const runAs = opts.isolation.kind === 'sandbox' ? opts.isolation.support.runAs : undefined;
  if (runAs) for (const w of opts.layout.writable) await chownTree(w, runAs.uid, runAs.gid);
  try {
    return await new Supervisor(opts, plan.infoFd).run(plan.file, plan.args, plan.bwrapOptions);
  } finally {
    if (runAs) {
      const me = { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 };
      for (const w of opts.layout.writable) await chownTree(w, me.uid, me.gid);
    }
  }
}

async function isExecutable(file: string): Promise<boolean> {
  try {
    await access(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
