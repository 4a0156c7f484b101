// The agent's change: `git diff` of its scratch copy against the baseline (taken with the trusted
// git directory, so nothing the agent wrote into the copy's .git can steer it), kept to the
// workspace root (a workspace that is a folder of a larger repository has its paths made relative
// to that folder), binary changes and changes above the root reported rather than applied.
import * as path from 'node:path';
import type { IsolatedCopy } from '../sandbox/isolatedCopy';

export interface CopyChange {
  /** A unified diff with workspace-relative paths, for the edit engine. */
  diff: string;
  /** Files changed above the workspace root (inside the repository, outside the workspace). */
  outsideRoot: string[];
  /** Files whose change git could only show as binary. */
  binary: string[];
}

export async function changeInCopy(copy: IsolatedCopy): Promise<CopyChange> {
  return splitDiff(await copy.diff(), prefixOf(copy));
}

/** The workspace root's path inside the copy's repository ('' when the root is the repository's top). */
function prefixOf(copy: IsolatedCopy): string {
  if (copy.kind === 'copy') return '';
  const inWork = path.relative(copy.work, copy.root).split(path.sep);
  return inWork.slice(1).join('/');
}

/** Keeps the file sections under `prefix`, with it removed from their paths. */
export function splitDiff(text: string, prefix: string): CopyChange {
  const sections = text.split(/^(?=diff --git )/m).filter((s) => s.startsWith('diff --git '));
  const kept: string[] = [];
  const outsideRoot: string[] = [];
  const binary: string[] = [];
  const under = prefix ? `${prefix}/` : '';
  for (const s of sections) {
    const file = pathOf(s);
    if (!file.startsWith(under)) {
      outsideRoot.push(file);
      continue;
    }
    const rel = file.slice(under.length);
    if (/^GIT binary patch$|^Binary files /m.test(s)) {
      binary.push(rel);
      continue;
    }
    kept.push(under ? strip(s, under) : s);
  }
  return { diff: kept.join(''), outsideRoot, binary };
}

/** The file a section is about, from its `+++ b/` line (or `--- a/` for a deletion), else its header. */
function pathOf(section: string): string {
  const plus = /^\+\+\+ b\/(.+)$/m.exec(section)?.[1];
  const minus = /^--- a\/(.+)$/m.exec(section)?.[1];
  const header = /^diff --git a\/(.+?) b\//.exec(section)?.[1];
  return unquote(plus ?? minus ?? header ?? '');
}

function unquote(p: string): string {
  return p.replace(/\t.*$/, '');
}

function strip(section: string, under: string): string {
  const esc = under.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return section
    .replace(new RegExp(`^(diff --git )a/${esc}(.*) b/${esc}`, 'm'), '$1a/$2 b/')
    .replace(new RegExp(`^(--- a/)${esc}`, 'm'), '$1')
    .replace(new RegExp(`^(\\+\\+\\+ b/)${esc}`, 'm'), '$1');
}
