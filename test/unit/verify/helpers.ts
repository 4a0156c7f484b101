// Shared set-up for the verify tests: a fresh copy of the fixture workspace per test (as a git
// repository or a plain folder), a hash of a whole tree to prove the workspace was not touched,
// an in-memory ApprovalStore, and a liveness check for pids that sees through zombies.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  cpSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  rmSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parsePatch } from '../../../src/core/edits/parsePatch';
import { resolveEdits } from '../../../src/core/edits/resolveEdits';
import type { ResolvedPlan } from '../../../src/core/edits/editPlan';
import type { ApprovalStore } from '../../../src/core/verify/verifyApproval';

export const FIXTURE = path.resolve(__dirname, '../../fixtures/verify/project');

export interface TempWorkspace {
  /** The workspace root (a copy of the fixture). */
  root: string;
  /** A private temp folder for scratch copies, so the test can check nothing is left in it. */
  scratchTmp: string;
  /** A private folder for files the commands write (pid files), outside the workspace. */
  outDir: string;
  cleanup(): void;
}

export function git(args: string[], cwd: string): string {
  return execFileSync('git', ['-c', 'user.name=Verify Test', '-c', 'user.email=verify@test.invalid', ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' },
  });
}

export function makeWorkspace(opts: { git: boolean }): TempWorkspace {
  const base = mkdtempSync(path.join(tmpdir(), 'switchyard-vtest-'));
  // mkdtemp makes the folder private; a root host's sandbox runs as nobody and must reach the
  // scratch folders and node_modules inside it, as it reaches /tmp in real use.
  chmodSync(base, 0o755);
  const root = path.join(base, 'project');
  cpSync(FIXTURE, root, { recursive: true });
  const scratchTmp = path.join(base, 'scratch');
  const outDir = path.join(base, 'out');
  mkdirSync(scratchTmp);
  mkdirSync(outDir);
  if (opts.git) {
    git(['init', '--quiet', '--initial-branch=main'], root);
    git(['add', '.'], root);
    git(['commit', '--quiet', '-m', 'fixture'], root);
  }
  return { root, scratchTmp, outDir, cleanup: () => rmSync(base, { recursive: true, force: true }) };
}

/** sha256 over every path, type, mode and content under `dir`, skipping `.git`. */
export function treeHash(dir: string): string {
  const h = createHash('sha256');
  const walk = (rel: string) => {
    const abs = path.join(dir, rel);
    const entries = readdirSync(abs).sort();
    for (const name of entries) {
      if (rel === '' && name === '.git') continue;
      const r = path.join(rel, name);
      const st = lstatSync(path.join(dir, r));
      h.update(`${r}\0${st.mode}\0`);
      if (st.isSymbolicLink()) h.update(`link:${readlinkSync(path.join(dir, r))}\0`);
      else if (st.isDirectory()) walk(r);
      else h.update(readFileSync(path.join(dir, r)));
    }
  };
  walk('');
  return h.digest('hex');
}

export function memoryApprovals(): ApprovalStore & { hashes: Set<string> } {
  const hashes = new Set<string>();
  return { hashes, has: (x) => hashes.has(x), add: (x) => void hashes.add(x) };
}

/** An askApproval that records what it was shown and answers as told. */
export function asker(answer: boolean) {
  const asked: string[] = [];
  const fn = async (command: string) => {
    asked.push(command);
    return answer;
  };
  return Object.assign(fn, { asked });
}

/** Whether a pid names a live process; a zombie (killed, not yet reaped) counts as gone. */
export function pidAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

/** The process group of a live pid (field 5 of /proc/<pid>/stat). */
export function pgidOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
}

/** Live (non-zombie) processes in a process group, found by scanning /proc. */
export function groupMembers(pgid: number): number[] {
  const members: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) === pgid && fields[0] !== 'Z') members.push(Number(name));
    } catch {
      // The process ended while we looked.
    }
  }
  return members;
}

export async function waitFor(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return check();
}

/** Resolves a search/replace patch with the real edit engine against the workspace. */
export async function resolvePatch(root: string, patch: string): Promise<ResolvedPlan> {
  const outcome = await resolveEdits(parsePatch(patch, 'search-replace'), root);
  if (!outcome.ok) throw new Error(`fixture patch did not resolve: ${JSON.stringify(outcome.problems)}`);
  return outcome.resolved;
}

/** Breaks `add` so the fixture's tests fail. */
export const BREAKING_PATCH = [
  'src/math.js',
  '<<<<<<< SEARCH',
  'exports.add = (a, b) => a + b;',
  '=======',
  'exports.add = (a, b) => a - b;',
  '>>>>>>> REPLACE',
  '',
].join('\n');

/** A harmless change: a new helper; the tests still pass. */
export const PASSING_PATCH = [
  'src/math.js',
  '<<<<<<< SEARCH',
  'exports.double = (n) => exports.add(n, n);',
  '=======',
  'exports.double = (n) => exports.add(n, n);',
  'exports.triple = (n) => 3 * n;',
  '>>>>>>> REPLACE',
  '',
].join('\n');

export function worktreeCount(root: string): number {
  return git(['worktree', 'list', '--porcelain'], root)
    .split('\n')
    .filter((l) => l.startsWith('worktree ')).length;
}
