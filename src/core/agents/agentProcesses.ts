// The agent's processes, started so that they can be ended for sure: each leads its own process
// group (detached), so stopping it signals the group — the agent and anything it started — with
// SIGTERM, then SIGKILL after a short grace. The SDKs ask for a spawn function; this is it.
import { spawn, type ChildProcess } from 'node:child_process';

export interface SpawnRequest {
  command: string;
  args: string[];
  cwd?: string;
  env: Record<string, string | undefined>;
}

/** Keeps the last part of the agent's stderr for error messages (never shown whole: it can be long). */
const STDERR_KEEP = 4000;

export class AgentProcesses {
  private readonly live = new Set<ChildProcess>();
  private stderrTail = '';

  constructor(private readonly graceMs = 1500) {}

  spawn(req: SpawnRequest): ChildProcess {
    const env = Object.fromEntries(Object.entries(req.env).filter((e): e is [string, string] => e[1] !== undefined));
    const child = spawn(req.command, req.args, {
      cwd: req.cwd,
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
    });
    this.live.add(child);
    child.stderr?.on('data', (d: Buffer) => {
      this.stderrTail = (this.stderrTail + d.toString('utf8')).slice(-STDERR_KEEP);
    });
    child.once('exit', () => this.live.delete(child));
    child.once('error', () => this.live.delete(child));
    return child;
  }

  get stderr(): string {
    return this.stderrTail;
  }

  /** How many started processes have not exited yet. */
  get running(): number {
    return this.live.size;
  }

  /** Ends every process group started here: TERM, then KILL for whatever is left after the grace. */
  async stopAll(): Promise<void> {
    const children = [...this.live];
    if (children.length === 0) return;
    for (const c of children) signalGroup(c, 'SIGTERM');
    const exited = Promise.all(children.map((c) => exitOf(c)));
    const timer = new Promise<'late'>((r) => setTimeout(() => r('late'), this.graceMs).unref());
    if ((await Promise.race([exited, timer])) === 'late') {
      for (const c of children) signalGroup(c, 'SIGKILL');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 1000).unref())]);
    }
    // The leader may be gone while others in its group live on (a background command): kill the group anyway.
    for (const c of children) signalGroup(c, 'SIGKILL');
  }
}

function signalGroup(c: ChildProcess, sig: NodeJS.Signals): void {
  if (c.pid === undefined) return;
  try {
    process.kill(-c.pid, sig);
  } catch {
    try {
      c.kill(sig);
    } catch {
      // already gone
    }
  }
}

function exitOf(c: ChildProcess): Promise<void> {
  if (c.exitCode !== null || c.signalCode !== null) return Promise.resolve();
  return new Promise((r) => c.once('exit', () => r()));
}

/**
 * Linux: kills every process of this user whose working directory is under `dir` or whose
 * environment carries `marker` (a variable only the agent's processes have). For agents whose SDK
 * spawns the process itself, so no process group of ours holds everything it started.
 */
export async function killProcessesUnder(dir: string, marker: string): Promise<number> {
  if (process.platform !== 'linux') return 0;
  const { readdir, readlink, readFile } = await import('node:fs/promises');
  let killed = 0;
  for (const e of await readdir('/proc').catch(() => [] as string[])) {
    if (!/^\d+$/.test(e) || Number(e) === process.pid) continue;
    const cwd = await readlink(`/proc/${e}/cwd`).catch(() => '');
    const env = cwd.startsWith(dir) ? '' : await readFile(`/proc/${e}/environ`, 'latin1').catch(() => '');
    if (!cwd.startsWith(dir) && !env.split('\0').includes(marker)) continue;
    try {
      process.kill(Number(e), 'SIGKILL');
      killed++;
    } catch {
      // gone already, or not ours
    }
  }
  return killed;
}
