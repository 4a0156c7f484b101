// A git diff cut into one section per file, with the paths each section names (old and new side;
// renames, copies and deletions included), so a caller can leave some files out of what a reviewer
// is sent. Only a section's header lines (before its first hunk) are read for paths: a removed line
// "-- a/x" shows as "--- a/x" inside a hunk and must not count as one.
export interface DiffSection {
  /** Workspace-relative paths this section reads or writes (both sides of a rename). */
  paths: string[];
  text: string;
}

/** git C-quotes a path with unusual characters ("a/x\tb", octal bytes): undo that and the a/ b/ prefix. */
function unquote(raw: string): string {
  let p = raw.trim();
  if (p.startsWith('"') && p.endsWith('"')) {
    const bytes: number[] = [];
    const body = p.slice(1, -1);
    const simple: Record<string, number> = { n: 10, t: 9, r: 13, '"': 34, '\\': 92, a: 7, b: 8, f: 12, v: 11 };
    for (let i = 0; i < body.length; i++) {
      const c = body[i]!;
      if (c !== '\\') {
        bytes.push(...Buffer.from(c, 'utf8'));
        continue;
      }
      const octal = /^[0-7]{3}/.exec(body.slice(i + 1));
      if (octal) {
        bytes.push(parseInt(octal[0], 8));
        i += 3;
      } else {
        bytes.push(simple[body[i + 1] ?? ''] ?? 92);
        i += 1;
      }
    }
    p = Buffer.from(bytes).toString('utf8');
  }
  return p.replace(/^[ab]\//, '');
}

const PATH_LINE = /^(?:--- |\+\+\+ |rename from |rename to |copy from |copy to )(.*)$/;

export function splitDiffByFile(diff: string): DiffSection[] {
  const sections: DiffSection[] = [];
  let current: { lines: string[]; paths: Set<string>; inHunks: boolean } | undefined;
  const close = () => {
    if (current) sections.push({ paths: [...current.paths], text: `${current.lines.join('\n')}\n` });
  };
  const lines = diff.split('\n');
  if (lines.at(-1) === '') lines.pop();
  for (const line of lines) {
    if (line.startsWith('diff --git ')) {
      close();
      current = { lines: [], paths: new Set(), inHunks: false };
      const m = /^diff --git ("?a\/.*?"?) ("?b\/.*"?)$/.exec(line);
      if (m) for (const side of [m[1]!, m[2]!]) current.paths.add(unquote(side));
    }
    current ??= { lines: [], paths: new Set(), inHunks: false };
    current.lines.push(line);
    if (line.startsWith('@@')) current.inHunks = true;
    if (current.inHunks) continue;
    const side = PATH_LINE.exec(line);
    if (side && side[1] !== '/dev/null') current.paths.add(unquote(side[1]!));
  }
  close();
  return sections;
}
