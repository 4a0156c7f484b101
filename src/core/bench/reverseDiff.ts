// Reverses a unified diff (the canonical git-style diff the ledger keeps), so a replay can put a
// benchmark item's files back to the state the task was first done against: a marked task was
// usually applied, and replaying "fix the typo" on the fixed file would measure nothing. Swaps the
// sides of headers (paths, /dev/null, new/deleted file, rename from/to), hunk ranges and +/- lines.
export function reverseUnifiedDiff(diff: string): string {
  const lines = diff.split('\n');
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const next = lines[i + 1];
    if (line.startsWith('--- ') && next?.startsWith('+++ ')) {
      const oldName = line.slice(4);
      const newName = next.slice(4);
      const swap = (name: string, prefix: 'a/' | 'b/') =>
        name === '/dev/null' ? name : `${prefix}${name.replace(/^[ab]\//, '')}`;
      out.push(`--- ${swap(newName, 'a/')}`, `+++ ${swap(oldName, 'b/')}`);
      i++;
      continue;
    }
    const git = /^diff --git a\/(.+) b\/(.+)$/.exec(line);
    if (git) out.push(`diff --git a/${git[2]} b/${git[1]}`);
    else if (line.startsWith('new file mode')) out.push(line.replace('new file mode', 'deleted file mode'));
    else if (line.startsWith('deleted file mode')) out.push(line.replace('deleted file mode', 'new file mode'));
    else if (line.startsWith('rename from ')) out.push(`rename to ${line.slice('rename from '.length)}`);
    else if (line.startsWith('rename to ')) out.push(`rename from ${line.slice('rename to '.length)}`);
    else if (line.startsWith('@@')) out.push(line.replace(/^@@ -(\S+) \+(\S+) @@/, '@@ -$2 +$1 @@'));
    else if (line.startsWith('+')) out.push(`-${line.slice(1)}`);
    else if (line.startsWith('-')) out.push(`+${line.slice(1)}`);
    else out.push(line);
  }
  // "rename to" must follow "rename from" for the parser: restore the order within each header.
  for (let i = 0; i + 1 < out.length; i++) {
    if (out[i]!.startsWith('rename to ') && out[i + 1]!.startsWith('rename from ')) {
      [out[i], out[i + 1]] = [out[i + 1]!, out[i]!];
      i++;
    }
  }
  return out.join('\n');
}
