// Codex in a process group of its own. The Codex SDK spawns the codex binary itself (it has no
// spawn hook, unlike the Claude Agent SDK), and its abort signal ends only that one process, while
// the commands codex runs are its children. The SDK does let us name the executable
// (codexPathOverride): this launcher starts codex as the leader of a new process group, writes the
// group's id where the engine reads it, and ends the whole group when the SDK's abort signals the
// launcher or codex exits. POSIX only (process groups); on Windows the SDK's abort alone ends codex.
import { chmod, readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';

const LAUNCHER = `'use strict';
// Written by Switchyard: runs codex as the leader of its own process group and ends the group with it.
const { spawn } = require('node:child_process');
const { writeFileSync } = require('node:fs');
const [codex, pidFile, ...args] = process.argv.slice(2);
delete process.env.ELECTRON_RUN_AS_NODE;
const child = spawn(codex, args, { stdio: 'inherit', detached: true });
if (child.pid !== undefined) writeFileSync(pidFile, String(child.pid));
const end = () => {
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {}
};
for (const s of ['SIGTERM', 'SIGINT', 'SIGHUP']) process.on(s, () => { end(); process.exit(143); });
child.on('error', (e) => { process.stderr.write(String(e) + '\\n'); process.exit(127); });
child.on('exit', (code, signal) => { end(); process.exit(code ?? (signal ? 1 : 0)); });
`;

export interface CodexLauncher {
  /** The executable to give the SDK as codexPathOverride. */
  exe: string;
  /** Where the launcher writes codex's process group id. */
  pidFile: string;
}

/** Writes the launcher for `codexBin` into `dir`; undefined on Windows (no process groups). */
export async function writeCodexLauncher(dir: string, codexBin: string): Promise<CodexLauncher | undefined> {
  if (process.platform === 'win32') return undefined;
  const js = path.join(dir, 'codex-launch.cjs');
  const exe = path.join(dir, 'codex-launch');
  const pidFile = path.join(dir, 'codex.pgid');
  await writeFile(js, LAUNCHER);
  // Node runs it: in VS Code, process.execPath is the editor's own binary, which runs as Node with ELECTRON_RUN_AS_NODE.
  const sh = `#!/bin/sh\nELECTRON_RUN_AS_NODE=1 exec ${q(process.execPath)} ${q(js)} ${q(codexBin)} ${q(pidFile)} "$@"\n`;
  await writeFile(exe, sh);
  await chmod(exe, 0o700);
  return { exe, pidFile };
}

/** Kills codex's whole process group (whatever it started that stayed in it); false when there was none to kill. */
export async function killCodexGroup(l: CodexLauncher | undefined): Promise<boolean> {
  if (!l) return false;
  const pgid = Number((await readFile(l.pidFile, 'utf8').catch(() => '')).trim());
  if (!Number.isInteger(pgid) || pgid <= 1) return false;
  try {
    process.kill(-pgid, 'SIGKILL');
    return true;
  } catch {
    return false;
  }
}

function q(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}
