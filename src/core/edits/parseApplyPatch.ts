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
  const problems: EditProblem[] = [];
  const files: FileEdit[] = [];
  let i = all.findIndex((l) => BEGIN.test(l.trim()));
  if (i === -1)
    throw new PatchParseError([{ kind: 'parse', patchLine: 1, message: 'no "*** Begin Patch" line found.' }]);
  i++;
  let ended = false;
  let block = 0;
  const checkPath = (raw: string, at: number) => {
    const norm = normalizeEditPath(raw);
    if (!norm.ok) {
      problems.push({ kind: 'path', patchLine: at, message: `patch line ${at}: ${norm.reason}.` });
      return undefined;
    }
    return norm.path;
  };
  while (i < all.length) {
    const line = all[i];
    const at = i + 1;
    if (END.test(line.trim())) {
      ended = true;
      break;
    }
    let m: RegExpExecArray | null;
    if ((m = ADD.exec(line))) {
      const content: string[] = [];
      i++;
      while (i < all.length && !all[i].startsWith('*** ')) {
        const l = all[i];
        if (l.startsWith('+')) content.push(l.slice(1));
        else if (l === '') content.push('');
        else {
          problems.push({
            kind: 'parse',
            patchLine: i + 1,
            message: `patch line ${i + 1}: lines of an added file must start with "+".`,
          });
        }
        i++;
      }
      block++;
      const p = checkPath(m[1], at);
      if (p) {
        files.push({
          path: p,
          op: 'create',
          hunks: [
            {
              old: [],
              new: content,
              anchors: [],
              atEof: false,
              newEndsWithoutEol: false,
              oldEndsWithoutEol: false,
              block,
              patchLine: at,
            },
          ],
          sequential: false,
          createIfMissing: false,
        });
      }
      continue;
    }
    if ((m = DEL.exec(line))) {
      const p = checkPath(m[1], at);
      if (p) files.push({ path: p, op: 'delete', hunks: [], sequential: false, createIfMissing: false });
      i++;
      continue;
    }
    if ((m = UPD.exec(line))) {
      const path = checkPath(m[1], at);
      i++;
      let newPath: string | undefined;
      const mv = i < all.length ? MOVE.exec(all[i]) : null;
      if (mv) {
        newPath = checkPath(mv[1], i + 1);
        i++;
      }
      const hunks: Hunk[] = [];
      let cur: Hunk | undefined;
      let curHasLines = false;
      // Bare empty lines at a hunk's end are spacing the model added, not blank context.
      const trailingBare = new Map<Hunk, number>();
      const start = (lineNo: number) => {
        block++;
        cur = emptyHunk(block, lineNo);
        curHasLines = false;
        hunks.push(cur);
      };
      while (i < all.length && !FILE_OP.test(all[i]) && !END.test(all[i].trim())) {
        const l = all[i];
        if (l.startsWith('@@')) {
          const anchor = l.replace(/^@@\s?/, '').replace(/\s*@@\s*$/, '');
          // Consecutive @@ lines nest (class, then method); one after lines starts a new hunk.
          if (!cur || curHasLines) start(i + 1);
          if (anchor.trim() !== '') cur!.anchors.push(anchor);
        } else if (EOF_MARK.test(l)) {
          if (cur) cur.atEof = true;
        } else if (l.startsWith('*** ')) {
          problems.push({
            kind: 'parse',
            patchLine: i + 1,
            message: `patch line ${i + 1}: unexpected "${l.slice(0, 40)}" inside an Update File section.`,
          });
        } else {
          if (!cur) start(i + 1);
          const c = l[0];
          const body = l.slice(1);
          trailingBare.set(cur!, l === '' ? (trailingBare.get(cur!) ?? 0) + 1 : 0);
          if (c === ' ' || l === '') {
            cur!.old.push(body);
            cur!.new.push(body);
          } else if (c === '-') cur!.old.push(body);
          else if (c === '+') cur!.new.push(body);
          else {
            problems.push({
              kind: 'parse',
              patchLine: i + 1,
              message: `patch line ${i + 1}: a hunk line must start with " ", "-" or "+" (got "${l.slice(0, 40)}").`,
            });
          }
          curHasLines = true;
        }
        i++;
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
      if (path) {
        if (hunks.length === 0 && !newPath) {
          problems.push({
            kind: 'parse',
            patchLine: at,
            message: `patch line ${at}: "Update File: ${m[1]}" has no changes.`,
          });
        }
        files.push({
          path,
          op: newPath && newPath !== path ? 'rename' : 'update',
          newPath: newPath && newPath !== path ? newPath : undefined,
          hunks: hunks.filter((h) => h.old.length || h.new.length),
          sequential: false,
          createIfMissing: false,
        });
      }
      continue;
    }
    if (line.trim() !== '') {
      problems.push({
        kind: 'parse',
        patchLine: at,
        message: `patch line ${at}: expected "*** Add File:", "*** Update File:", "*** Delete File:" or "*** End Patch", got "${line.slice(0, 60)}".`,
      });
    }
    i++;
  }
  if (!ended)
    problems.push({
      kind: 'parse',
      patchLine: all.length || 1,
      message: 'the patch has no "*** End Patch" line; it may be cut off.',
    });
  if (problems.length) throw new PatchParseError(problems);
  return { format: 'patch', files };
}
