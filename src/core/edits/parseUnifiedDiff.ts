// Parses unified diffs: `--- a/PATH` / `+++ b/PATH` (prefixes optional, /dev/null for create
// and delete, git's `diff --git` / `rename from` / `rename to` headers understood), then
// `@@ -l,s +l,s @@` hunks. Models get the numbers wrong, so a hunk's body is read by its
// line markers, not by its counts; the numbers survive only as hints for the matcher.
import { type EditPlan, type FileEdit, type Hunk, PatchParseError, type EditProblem, emptyHunk } from './editPlan';
import { splitPatchLines } from './fileText';
import { normalizeEditPath } from './safePath';

const HUNK_HEADER = /^@@+\s*(?:-(\d+)(?:,(\d+))?\s+\+(\d+)(?:,(\d+))?)?\s*@@+.*$/;
const HUNK_START = /^@@/;

/** Whether marked hunk lines come after `from` before the next header, hunk, fence or the end. */
function diffLinesFollow(lines: readonly string[], from: number): boolean {
  for (let j = from; j < lines.length; j++) {
    const l = lines[j];
    if (HUNK_START.test(l) || l.startsWith('diff --git ') || /^\s*(```|~~~)/.test(l)) return false;
    if (l.startsWith('--- ') && j + 1 < lines.length && lines[j + 1].startsWith('+++ ')) return false;
    if (l.startsWith('+') || l.startsWith('-') || l.startsWith(' ')) return true;
  }
  return false;
}

export function looksLikeUnifiedDiff(text: string): boolean {
  return /^--- .*\n\+\+\+ /m.test(text.replace(/\r\n/g, '\n')) || /^diff --git /m.test(text);
}

function headerPath(raw: string): string {
  // Drop a trailing timestamp ("\t2024-01-01 ...") and surrounding quotes.
  let p = raw.replace(/\t.*$/, '').trim();
  if (p.startsWith('"') && p.endsWith('"') && p.length >= 2) p = p.slice(1, -1);
  return p;
}

function stripPrefix(oldRaw: string, newRaw: string): { oldPath: string | null; newPath: string | null } {
  const oldNull = oldRaw === '/dev/null';
  const newNull = newRaw === '/dev/null';
  let o = oldNull ? null : oldRaw;
  let n = newNull ? null : newRaw;
  // git's a/ b/ prefixes: strip them when the patch uses them (both sides, or the one real side),
  // and when only one side carries its prefix but otherwise names the same file as the other.
  const aOk = o === null || o.startsWith('a/');
  const bOk = n === null || n.startsWith('b/');
  if (aOk && bOk && (o !== null || n !== null)) {
    if (o !== null) o = o.slice(2);
    if (n !== null) n = n.slice(2);
  } else if (o !== null && n !== null && o.startsWith('a/') && o.slice(2) === n) o = n;
  else if (o !== null && n !== null && n.startsWith('b/') && n.slice(2) === o) n = o;
  return { oldPath: o, newPath: n };
}

export function parseUnifiedDiff(text: string): EditPlan {
  const reader = new DiffReader(splitPatchLines(text));
  reader.readAll();
  const { files, problems } = reader;
  if (files.length === 0 && problems.length === 0) {
    problems.push({
      kind: 'parse',
      patchLine: 1,
      message: 'no "--- PATH" / "+++ PATH" file header found in the unified diff.',
    });
  }
  if (problems.length) throw new PatchParseError(problems);
  return { format: 'udiff', files };
}

type BodyLine = { kind: ' ' | '-' | '+'; text: string; bare: boolean };

/** Whether lines `i` and `i + 1` are a `--- ` / `+++ ` file header pair. */
function fileHeaderAt(lines: readonly string[], i: number): boolean {
  return lines[i].startsWith('--- ') && i + 1 < lines.length && lines[i + 1].startsWith('+++ ');
}

const oldSeen = (body: readonly BodyLine[]) => body.filter((b) => b.kind !== '+').length;
const newSeen = (body: readonly BodyLine[]) => body.filter((b) => b.kind !== '-').length;

/** One pass over a patch's lines: file sections, their hunks, and every problem on the way. */
class DiffReader {
  readonly problems: EditProblem[] = [];
  readonly files: FileEdit[] = [];
  /** Hunks numbered across the whole patch, for the problems' "hunk N". */
  private block = 0;
  private i = 0;
  private pendingRename: { from?: string; to?: string } = {};
  private pendingGit: { a?: string; b?: string; newFile?: boolean; deleted?: boolean } | undefined;

  constructor(private readonly lines: readonly string[]) {}

  readAll(): void {
    const { lines } = this;
    while (this.i < lines.length) {
      const line = lines[this.i];
      const git = /^diff --git ("?a\/.*?"?) ("?b\/.*"?)$/.exec(line);
      if (git) {
        this.flushGitOnly(this.i + 1);
        this.pendingGit = { a: headerPath(git[1]).slice(2), b: headerPath(git[2]).slice(2) };
        this.i++;
        continue;
      }
      if (this.pendingGit) this.readGitHeader(line);
      if (!fileHeaderAt(lines, this.i)) {
        if (HUNK_START.test(line)) {
          // A hunk with no file header above it (a mangled or missing --- / +++ pair): applying the
          // rest without it would silently drop part of the change.
          this.problems.push({
            kind: 'parse',
            patchLine: this.i + 1,
            message: `patch line ${this.i + 1}: hunk "${line.slice(0, 40)}" is not under a "--- PATH" / "+++ PATH" file header.`,
          });
        }
        this.i++;
        continue;
      }
      this.readFileSection();
    }
    this.flushGitOnly(lines.length);
  }

  /** The lines of a `diff --git` header between its first line and the `---` / `+++` pair. */
  private readGitHeader(line: string): void {
    const git = this.pendingGit!;
    if (line.startsWith('new file mode')) git.newFile = true;
    else if (line.startsWith('deleted file mode')) git.deleted = true;
    else if (line.startsWith('rename from ')) this.pendingRename.from = line.slice('rename from '.length).trim();
    else if (line.startsWith('rename to ')) this.pendingRename.to = line.slice('rename to '.length).trim();
    else if (line.startsWith('GIT binary patch') || line.startsWith('Binary files')) {
      this.problems.push({
        kind: 'binary',
        patchLine: this.i + 1,
        message: `patch line ${this.i + 1}: binary patches are not supported; change binary files by hand.`,
      });
    }
  }

  /** A `---` / `+++` pair at the current line and the hunks under it. */
  private readFileSection(): void {
    const { lines } = this;
    const headerLine = this.i + 1;
    const { oldPath, newPath } = stripPrefix(
      headerPath(lines[this.i].slice(4)),
      headerPath(lines[this.i + 1].slice(4)),
    );
    this.pendingGit = undefined;
    this.i += 2;
    const hunks: Hunk[] = [];
    while (this.i < lines.length && HUNK_START.test(lines[this.i])) hunks.push(this.readHunk());
    if (this.addFile(oldPath, newPath, hunks, headerLine)) this.pendingRename = {};
  }

  private readHunk(): Hunk {
    this.block++;
    const h = HUNK_HEADER.exec(this.lines[this.i]);
    const hunkLine = this.i + 1;
    const hunk = emptyHunk(this.block, hunkLine);
    if (h && h[1] !== undefined) {
      hunk.oldStart = Number(h[1]);
      hunk.claimedOldCount = h[2] === undefined ? 1 : Number(h[2]);
      hunk.claimedNewCount = h[4] === undefined ? 1 : Number(h[4]);
    }
    this.i++;
    const body = this.readHunkBody(hunk);
    // Blank lines trailing a hunk are usually spacing between sections, not context.
    let dropped = 0;
    while (body.length && body[body.length - 1].bare) {
      body.pop();
      dropped++;
    }
    // Blank context the header counted is not a counting mistake: count it out of the claim.
    if (
      dropped &&
      hunk.claimedOldCount === oldSeen(body) + dropped &&
      hunk.claimedNewCount === newSeen(body) + dropped
    ) {
      hunk.claimedOldCount -= dropped;
      hunk.claimedNewCount -= dropped;
    }
    for (const b of body) {
      if (b.kind !== '+') hunk.old.push(b.text);
      if (b.kind !== '-') hunk.new.push(b.text);
    }
    if (body.length === 0) {
      this.problems.push({
        kind: 'parse',
        block: this.block,
        patchLine: hunkLine,
        message: `hunk ${this.block} (patch line ${hunkLine}) has no lines.`,
      });
    }
    return hunk;
  }

  /** A hunk's lines, read by their markers until the next hunk, file or a line that is not the hunk's. */
  private readHunkBody(hunk: Hunk): BodyLine[] {
    const { lines } = this;
    let lastSide: 'both' | 'old' | 'new' = 'both';
    const body: BodyLine[] = [];
    for (; this.i < lines.length; this.i++) {
      const l = lines[this.i];
      if (HUNK_START.test(l)) break;
      if (fileHeaderAt(lines, this.i)) {
        // Either the next file's header or a removed line starting "-- " that happens to sit
        // above an added "++ " line; the counts decide when they are still owed lines.
        if (hunk.claimedOldCount === undefined || oldSeen(body) >= hunk.claimedOldCount) break;
      }
      if (l.startsWith('diff --git ')) break;
      if (l.startsWith('--- ') && hunk.claimedOldCount !== undefined) {
        // Once the header's counts are met, "--- " reads as a (broken) file header, not a removal.
        if (oldSeen(body) >= hunk.claimedOldCount && newSeen(body) >= (hunk.claimedNewCount ?? 0)) break;
      }
      if (l.startsWith('\\')) {
        if (lastSide === 'new' || lastSide === 'both') hunk.newEndsWithoutEol = true;
        if (lastSide === 'old' || lastSide === 'both') hunk.oldEndsWithoutEol = true;
        continue;
      }
      const c = l[0];
      if (c === ' ' || c === '-' || c === '+') {
        body.push({ kind: c, text: l.slice(1), bare: false });
        lastSide = c === ' ' ? 'both' : c === '-' ? 'old' : 'new';
      } else if (l === '') {
        // Models often drop the space of a blank context line.
        body.push({ kind: ' ', text: '', bare: true });
        lastSide = 'both';
      } else {
        this.unmarkedLine(hunk, body, l);
        break;
      }
    }
    return body;
  }

  /** A line without a marker ends the hunk; when marked lines follow it while counts are owed, it is a problem. */
  private unmarkedLine(hunk: Hunk, body: readonly BodyLine[], l: string): void {
    const countsMet = hunk.claimedOldCount === oldSeen(body) && hunk.claimedNewCount === newSeen(body);
    if (!countsMet && diffLinesFollow(this.lines, this.i + 1)) {
      this.problems.push({
        kind: 'parse',
        block: this.block,
        patchLine: this.i + 1,
        message: `hunk ${this.block}, patch line ${this.i + 1}: ${JSON.stringify(l.slice(0, 60))} has no " ", "-" or "+" marker, yet hunk lines follow it; every line of a hunk needs its marker (a blank context line is " ").`,
      });
    }
  }

  /**
   * The file edit a section stands for: a create, a delete, an update (hunks for a file already in
   * the plan join it) or a rename. False when the section was refused before its paths were read.
   */
  private addFile(oldRaw: string | null, newRaw: string | null, hunks: Hunk[], headerLine: number): boolean {
    if (oldRaw === null && newRaw === null) {
      this.problems.push({
        kind: 'parse',
        patchLine: headerLine,
        message: `patch line ${headerLine}: both sides are /dev/null.`,
      });
      return false;
    }
    if (hunks.length === 0 && !(oldRaw === null || newRaw === null)) {
      this.problems.push({
        kind: 'parse',
        patchLine: headerLine,
        message: `patch line ${headerLine}: file header without any @@ hunk.`,
      });
      return false;
    }
    if (oldRaw === null) {
      const p = this.checkPath(newRaw!, headerLine);
      if (p) this.files.push(this.creation(p, hunks, headerLine));
      return true;
    }
    if (newRaw === null) {
      const p = this.checkPath(oldRaw, headerLine);
      // The removed lines stay: the resolver checks them against the file before it goes.
      if (p) this.files.push({ path: p, op: 'delete', hunks, sequential: false, createIfMissing: false });
      return true;
    }
    const from = this.checkPath(oldRaw, headerLine);
    const to = this.checkPath(newRaw, headerLine);
    if (!from || !to) return false;
    const renamed = from !== to;
    const existing = this.files.find((f) => f.path === from && f.op === 'update' && !renamed);
    if (existing) existing.hunks.push(...hunks);
    else {
      // `--- a/x` over a file that is not there, with hunks that only add from line 0: a
      // creation written without /dev/null.
      const onlyAdds = hunks.every((h) => h.old.length === 0 && (h.oldStart ?? 0) === 0);
      this.files.push({
        path: from,
        op: renamed ? 'rename' : 'update',
        newPath: renamed ? to : undefined,
        hunks,
        sequential: false,
        createIfMissing: !renamed && onlyAdds,
      });
    }
    return true;
  }

  /** A new file: every hunk's new lines, in one hunk that adds them all. */
  private creation(path: string, hunks: Hunk[], headerLine: number): FileEdit {
    const last = hunks[hunks.length - 1];
    return {
      path,
      op: 'create',
      hunks: [
        {
          old: [],
          new: hunks.flatMap((h) => h.new),
          anchors: [],
          atEof: false,
          newEndsWithoutEol: last?.newEndsWithoutEol ?? false,
          oldEndsWithoutEol: false,
          block: hunks[0]?.block ?? this.block,
          patchLine: headerLine,
        },
      ],
      sequential: false,
      createIfMissing: false,
    };
  }

  private checkPath(p: string, at: number): string | undefined {
    const norm = normalizeEditPath(p);
    if (!norm.ok) {
      this.problems.push({ kind: 'path', patchLine: at, message: `patch line ${at}: ${norm.reason}.` });
      return undefined;
    }
    return norm.path;
  }

  /** A `diff --git` section with no ---/+++ (pure rename, or empty new/deleted file). */
  private flushGitOnly(at: number): void {
    if (!this.pendingGit) return;
    const g = this.pendingGit;
    this.pendingGit = undefined;
    const rename = this.pendingRename;
    if (rename.from && rename.to) {
      const from = this.checkPath(rename.from, at);
      const to = this.checkPath(rename.to, at);
      if (from && to)
        this.files.push({
          path: from,
          op: 'rename',
          newPath: to,
          hunks: [],
          sequential: false,
          createIfMissing: false,
        });
    } else if (g.newFile && g.b) {
      const p = this.checkPath(g.b, at);
      if (p) this.files.push({ path: p, op: 'create', hunks: [], sequential: false, createIfMissing: false });
    } else if (g.deleted && g.a) {
      const p = this.checkPath(g.a, at);
      if (p) this.files.push({ path: p, op: 'delete', hunks: [], sequential: false, createIfMissing: false });
    }
    this.pendingRename = {};
  }
}
