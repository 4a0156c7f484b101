// Derived views of the canonical unified diff for review: the diff with new-file line numbers in a
// left column (so a reviewer anchors findings to lines of the NEW content without counting hunk
// offsets), and the set of new-side lines each file's diff shows (to check findings land in the diff).
const HUNK = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@/;
const NEW_FILE = /^\+\+\+ (?:b\/)?(.+)$/;

export function numberDiff(diff: string): string {
  const out: string[] = [];
  let next = 0;
  let inHunk = false;
  for (const line of diff.split('\n')) {
    const h = HUNK.exec(line);
    if (h) {
      next = Number(h[1]);
      inHunk = true;
      out.push(line);
      continue;
    }
    if (line.startsWith('diff --git ')) inHunk = false;
    if (!inHunk) {
      out.push(line);
      continue;
    }
    if (line.startsWith('+') || line.startsWith(' ')) {
      out.push(`${String(next).padStart(5)} ${line}`);
      next++;
    } else {
      out.push(`${' '.repeat(5)} ${line}`);
    }
  }
  return out.join('\n');
}

/** Per file (new path), the new-side line numbers the diff shows, as added and context lines. */
export function diffNewLines(diff: string): Map<string, { added: Set<number>; shown: Set<number> }> {
  const files = new Map<string, { added: Set<number>; shown: Set<number> }>();
  let current: { added: Set<number>; shown: Set<number> } | undefined;
  let next = 0;
  for (const line of diff.split('\n')) {
    const f = NEW_FILE.exec(line);
    if (f && !line.startsWith('+++ /dev/null')) {
      current = { added: new Set(), shown: new Set() };
      files.set(f[1]!, current);
      continue;
    }
    const h = HUNK.exec(line);
    if (h) {
      next = Number(h[1]);
      continue;
    }
    if (!current) continue;
    if (line.startsWith('+') && !line.startsWith('+++')) {
      current.added.add(next);
      current.shown.add(next++);
    } else if (line.startsWith(' ')) {
      current.shown.add(next++);
    }
  }
  return files;
}

/** Counts of added and removed lines, for the escalation rule on diff size. */
export function diffSize(diff: string): { added: number; removed: number } {
  let added = 0;
  let removed = 0;
  for (const line of diff.split('\n')) {
    if (line.startsWith('+') && !line.startsWith('+++')) added++;
    else if (line.startsWith('-') && !line.startsWith('---')) removed++;
  }
  return { added, removed };
}
