// Parses the patch format of OpenAI's apply_patch tool:
//   *** Begin Patch
//   *** Add File: PATH      (+ lines)
//   *** Delete File: PATH
//   *** Update File: PATH   [*** Move to: PATH]  then hunks: `@@ context` anchors, ' '/'-'/'+' lines,
//                           [*** End of File]
//   *** End Patch
// Anchors say which line the hunk sits under (a class, a function); hunks carry no numbers.
import { type EditPlan, type FileEdit, type Hunk, PatchParseError, type EditProblem, emptyHunk } from './editPlan';
import { splitPatchLines } from './fileText';
import { normalizeEditPath } from './safePath';

const BEGIN = /^\*\*\* Begin Patch\s*$/;
const END = /^\*\*\* End Patch\s*$/;
const ADD = /^\*\*\* Add File:\s*(.+?)\s*$/;
const DEL = /^\*\*\* Delete File:\s*(.+?)\s*$/;
const UPD = /^\*\*\* Update File:\s*(.+?)\s*$/;
const MOVE = /^\*\*\* Move to:\s*(.+?)\s*$/;
const EOF_MARK = /^\*\*\* End of File\s*$/;
const FILE_OP = /^\*\*\* (Add|Delete|Update) File:/;

export function looksLikeApplyPatch(text: string): boolean {
  return /^\s*\*\*\* Begin Patch\s*$/m.test(text);
}

export function parseApplyPatch(text: string): EditPlan {
  const all = splitPatchLines(text);
  const begin = all.findIndex((l) => BEGIN.test(l.trim()));
  if (begin === -1)
    throw new PatchParseError([{ kind: 'parse', patchLine: 1, message: 'no "*** Begin Patch" line found.' }]);
  const r = new PatchReader(all, begin + 1);
  let ended = false;
  while (r.i < all.length) {
    const line = all[r.i];
    const at = r.i + 1;
    if (END.test(line.trim())) {
      ended = true;
      break;
    }
    let m: RegExpExecArray | null;
    if ((m = ADD.exec(line))) r.addFile(m[1], at);
    else if ((m = DEL.exec(line))) {
      const p = r.checkPath(m[1], at);
      if (p) r.files.push({ path: p, op: 'delete', hunks: [], sequential: false, createIfMissing: false });
      r.i++;
    } else if ((m = UPD.exec(line))) r.updateFile(m[1], at);
    else {
      if (line.trim() !== '')
        r.problem(
          at,
          `expected "*** Add File:", "*** Update File:", "*** Delete File:" or "*** End Patch", got "${line.slice(0, 60)}".`,
        );
      r.i++;
    }
  }
  if (!ended)
    r.problems.push({
      kind: 'parse',
      patchLine: all.length || 1,
      message: 'the patch has no "*** End Patch" line; it may be cut off.',
    });
  if (r.problems.length) throw new PatchParseError(r.problems);
  return { format: 'patch', files: r.files };
}

/** The patch's lines with a cursor (`i`), and what has been read so far: files, problems, hunk count. */
class PatchReader {
  readonly problems: EditProblem[] = [];
  readonly files: FileEdit[] = [];
  private block = 0;

  constructor(
    private readonly all: readonly string[],
    public i: number,
  ) {}

  problem(patchLine: number, message: string): void {
    this.problems.push({ kind: 'parse', patchLine, message: `patch line ${patchLine}: ${message}` });
  }

  checkPath(raw: string, at: number): string | undefined {
    const norm = normalizeEditPath(raw);
    if (norm.ok) return norm.path;
    this.problems.push({ kind: 'path', patchLine: at, message: `patch line ${at}: ${norm.reason}.` });
    return undefined;
  }

  /** `*** Add File: PATH` and its "+" lines, up to the next `*** ` line. */
  addFile(raw: string, at: number): void {
    const { all } = this;
    const content: string[] = [];
    this.i++;
    for (; this.i < all.length && !all[this.i].startsWith('*** '); this.i++) {
      const l = all[this.i];
      if (l.startsWith('+')) content.push(l.slice(1));
      else if (l === '') content.push('');
      else this.problem(this.i + 1, 'lines of an added file must start with "+".');
    }
    const hunk = { ...emptyHunk(++this.block, at), new: content };
    const path = this.checkPath(raw, at);
    if (path) this.files.push({ path, op: 'create', hunks: [hunk], sequential: false, createIfMissing: false });
  }

  /** `*** Update File: PATH`, an optional `*** Move to:`, then its hunks up to the next file or the end. */
  updateFile(raw: string, at: number): void {
    const { all } = this;
    const path = this.checkPath(raw, at);
    this.i++;
    const mv = this.i < all.length ? MOVE.exec(all[this.i]) : null;
    const newPath = mv ? this.checkPath(mv[1], ++this.i) : undefined;
    const hunks = this.readHunks();
    if (!path) return;
    if (hunks.length === 0 && !newPath) this.problem(at, `"Update File: ${raw}" has no changes.`);
    const moved = newPath && newPath !== path ? newPath : undefined;
    this.files.push({
      path,
      op: moved ? 'rename' : 'update',
      newPath: moved,
      hunks: hunks.filter((h) => h.old.length || h.new.length),
      sequential: false,
      createIfMissing: false,
    });
  }

  private readHunks(): Hunk[] {
    const { all } = this;
    const hunks: Hunk[] = [];
    let cur: Hunk | undefined;
    let curHasLines = false;
    // Bare empty lines at a hunk's end are spacing the model added, not blank context.
    const trailingBare = new Map<Hunk, number>();
    const start = (lineNo: number): Hunk => {
      cur = emptyHunk(++this.block, lineNo);
      curHasLines = false;
      hunks.push(cur);
      return cur;
    };
    for (; this.i < all.length && !FILE_OP.test(all[this.i]) && !END.test(all[this.i].trim()); this.i++) {
      const l = all[this.i];
      if (l.startsWith('@@')) {
        const anchor = l.replace(/^@@\s?/, '').replace(/\s*@@\s*$/, '');
        // Consecutive @@ lines nest (class, then method); one after lines starts a new hunk.
        const h = !cur || curHasLines ? start(this.i + 1) : cur;
        if (anchor.trim() !== '') h.anchors.push(anchor);
      } else if (EOF_MARK.test(l)) {
        if (cur) cur.atEof = true;
      } else if (l.startsWith('*** ')) {
        this.problem(this.i + 1, `unexpected "${l.slice(0, 40)}" inside an Update File section.`);
      } else {
        const h = cur ?? start(this.i + 1);
        const c = l[0];
        const body = l.slice(1);
        trailingBare.set(h, l === '' ? (trailingBare.get(h) ?? 0) + 1 : 0);
        if (c === ' ' || l === '') {
          h.old.push(body);
          h.new.push(body);
        } else if (c === '-') h.old.push(body);
        else if (c === '+') h.new.push(body);
        else this.problem(this.i + 1, `a hunk line must start with " ", "-" or "+" (got "${l.slice(0, 40)}").`);
        curHasLines = true;
      }
    }
    for (const h of hunks) {
      // The format's own rule (as OpenAI's reference implementation applies it): a hunk with
      // nothing to find and no anchor adds its lines at the end of the file.
      if (h.old.length === 0 && h.anchors.length === 0) h.atEof = true;
    }
    for (const [h, n] of trailingBare) {
      h.old.splice(h.old.length - n, n);
      h.new.splice(h.new.length - n, n);
    }
    return hunks;
  }
}
