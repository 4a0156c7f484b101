// Which agent processes are still alive (Linux, from /proc): those whose working directory is in
// the test's scratch folder (Claude Code runs in its copy there) or whose CODEX_HOME is (Codex).
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

export function liveAgentProcesses(scratch: string): number[] {
  const pids: number[] = [];
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e) || Number(e) === process.pid) continue;
    try {
      const cwd = readlinkSync(`/proc/${e}/cwd`);
      const env = readFileSync(`/proc/${e}/environ`, 'latin1');
      if (cwd.startsWith(scratch) || env.includes(`CODEX_HOME=${scratch}`)) pids.push(Number(e));
    } catch {
      // gone, or not ours to read
    }
  }
  return pids;
}
