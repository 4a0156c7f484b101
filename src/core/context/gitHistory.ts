// What git history says about each file: how often and how lately it changed, and which files
// changed together with it. Read once per index build from `git log` (the last N non-merge commits),
// so a repository without git, or a shallow one, simply has less history.
import type { GitResult } from '../sandbox/git';

export interface FileHistory {
  /** Commits in the window that touched the file. */
  commits: number;
  /** Unix seconds of the newest of them. */
  lastChange: number;
}

export interface History {
  head: string | undefined;
  /** Newest commit time in the window (the reference point for "recent"). */
  newest: number;
  files: Map<string, FileHistory>;
  /** Each commit's files (commits touching more than MAX_COMMIT_FILES are left out: reformatting, renames). */
  commits: string[][];
  /** Each of those commits' subject line, in the same order (what the change was said to be). */
  subjects: string[];
}

/** git, loaded when first needed (a warm `locate` answers from its cache without starting git). */
function runGit(args: string[], root: string): Promise<GitResult> {
  return (require('../sandbox/git') as typeof import('../sandbox/git')).runGit(args, root);
}

export const HISTORY_COMMITS = 1000;
const MAX_COMMIT_FILES = 30;

export async function readHead(root: string): Promise<string | undefined> {
  const r = await runGit(['rev-parse', '--verify', '-q', 'HEAD'], root);
  return r.code === 0 ? r.stdout.toString('utf8').trim() || undefined : undefined;
}

export async function readHistory(root: string, maxCommits = HISTORY_COMMITS): Promise<History> {
  const [head, log] = await Promise.all([
    readHead(root),
    runGit(['log', '--no-merges', `-n${maxCommits}`, '--format=%x01%ct %s', '--name-only', '--no-renames'], root),
  ]);
  const files = new Map<string, FileHistory>();
  const commits: string[][] = [];
  const subjects: string[] = [];
  let newest = 0;
  if (log.code !== 0) return { head, newest, files, commits, subjects };
  for (const chunk of log.stdout.toString('utf8').split('\x01')) {
    if (!chunk.trim()) continue;
    const lines = chunk.split('\n');
    const space = lines[0]!.indexOf(' ');
    const time = Number(space < 0 ? lines[0] : lines[0]!.slice(0, space)) || 0;
    newest = Math.max(newest, time);
    const touched = lines.slice(1).filter((l) => l.length > 0);
    for (const f of touched) {
      const h = files.get(f);
      if (h) {
        h.commits++;
        h.lastChange = Math.max(h.lastChange, time);
      } else files.set(f, { commits: 1, lastChange: time });
    }
    if (touched.length > 0 && touched.length <= MAX_COMMIT_FILES) {
      commits.push(touched);
      subjects.push(space < 0 ? '' : lines[0]!.slice(space + 1).replace(/\0/g, ' '));
    }
  }
  return { head, newest, files, commits, subjects };
}

/** Files that changed in the same commits as `file`, most often first. */
export function coChanged(history: History, file: string, limit = 10): Array<{ path: string; times: number }> {
  const counts = new Map<string, number>();
  for (const c of history.commits) {
    if (!c.includes(file)) continue;
    for (const other of c) if (other !== file) counts.set(other, (counts.get(other) ?? 0) + 1);
  }
  return (
    [...counts.entries()]
      // Ties by path in code-unit order: localeCompare would load ICU's collator, a sizeable share of a warm `locate`.
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
      .slice(0, limit)
      .map(([path, times]) => ({ path, times }))
  );
}
