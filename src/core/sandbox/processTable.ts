// What /proc says about processes, for the sandbox: how many tasks a user runs (the base the
// process limit is added to) and which processes live in a given pid namespace (so a time limit
// can ask every one of them, `setsid` escapees included, to stop before the namespace is killed).
// Linux only; elsewhere there is no sandbox to ask about.
import { readdir, readFile, readlink } from 'node:fs/promises';

async function pids(): Promise<number[]> {
  try {
    return (await readdir('/proc')).filter((n) => /^\d+$/.test(n)).map(Number);
  } catch {
    return [];
  }
}

/** Tasks (threads count, as RLIMIT_NPROC counts them) whose real uid is `uid`. */
export async function tasksOwnedBy(uid: number): Promise<number> {
  const counts = await Promise.all(
    (await pids()).map(async (pid) => {
      try {
        const status = await readFile(`/proc/${pid}/status`, 'utf8');
        if (Number(/^Uid:\s+(\d+)/m.exec(status)?.[1]) !== uid) return 0;
        return Number(/^Threads:\s+(\d+)/m.exec(status)?.[1] ?? 1);
      } catch {
        return 0; // gone while we looked
      }
    }),
  );
  return counts.reduce((a, b) => a + b, 0);
}

/** The pid namespace a process is in, as the kernel names it ("pid:[4026532177]"). */
export async function pidNamespaceOf(pid: number): Promise<string | undefined> {
  try {
    return await readlink(`/proc/${pid}/ns/pid`);
  } catch {
    return undefined;
  }
}

/** Pids (as this process sees them) of every live process in the pid namespace `ns`. */
export async function membersOf(ns: string): Promise<number[]> {
  const all = await pids();
  const spaces = await Promise.all(all.map(pidNamespaceOf));
  return all.filter((_, i) => spaces[i] === ns);
}
