// HEAD's commit read straight from the repository's files (.git/HEAD, the ref it names, packed-refs),
// without starting git: the CLI's warm path checks its cache against HEAD on every call, and a git
// process costs more than the whole rest of that check. Anything unusual (a detached worktree
// layout it does not know, a ref it cannot find) answers 'unknown', and the caller asks git instead.
import { readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';

/** The commit, 'none' outside any repository (or with no commit yet), 'unknown' when files cannot tell. */
export type FastHead = string | 'none' | 'unknown';

const OID = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

function read(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** The git directory of the repository holding `root` (walking up), or undefined outside any. */
function gitDirOf(root: string): string | undefined {
  for (let dir = path.resolve(root); ; dir = path.dirname(dir)) {
    const dotGit = path.join(dir, '.git');
    const st = statSync(dotGit, { throwIfNoEntry: false });
    if (st?.isDirectory()) return dotGit;
    if (st?.isFile()) {
      // A worktree or submodule: ".git" is a file saying where the git directory is.
      const m = /^gitdir:\s*(.+)$/m.exec(read(dotGit) ?? '');
      return m ? path.resolve(dir, m[1]!.trim()) : undefined;
    }
    if (path.dirname(dir) === dir) return undefined;
  }
}

export function readHeadFast(root: string): FastHead {
  const gitDir = gitDirOf(root);
  if (!gitDir) return 'none';
  const head = read(path.join(gitDir, 'HEAD'))?.trim();
  if (!head) return 'unknown';
  if (OID.test(head)) return head;
  const ref = /^ref:\s*(refs\/\S+)$/.exec(head)?.[1];
  if (!ref) return 'unknown';
  // Worktrees keep HEAD in their own folder and refs in the common one.
  const common = read(path.join(gitDir, 'commondir'))?.trim();
  const refsDir = common ? path.resolve(gitDir, common) : gitDir;
  for (const dir of new Set([gitDir, refsDir])) {
    const loose = read(path.join(dir, ref))?.trim();
    if (loose && OID.test(loose)) return loose;
  }
  const packed = read(path.join(refsDir, 'packed-refs')) ?? '';
  for (const line of packed.split('\n')) {
    const [oid, name] = line.split(' ');
    if (name === ref && oid && OID.test(oid)) return oid;
  }
  // A branch with no commit yet: HEAD names a ref that does not exist.
  return 'unknown';
}
