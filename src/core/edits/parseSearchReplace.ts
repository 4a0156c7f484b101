// Parses search/replace blocks (the format aider popularised): a line naming the file, then
//   <<<<<<< SEARCH / old lines / ======= / new lines / >>>>>>> REPLACE
// Several blocks and files per patch; markdown fences around blocks are ignored; a block
// without its own path line belongs to the previous block's file. Blocks of one file apply in
// order, each to the result of the one before, because that is how models write them.
import { type EditPlan, type FileEdit, type Hunk, PatchParseError, type EditProblem } from './editPlan';
import { splitPatchLines } from './fileText';
import { normalizeEditPath } from './safePath';

const SEARCH = /^\s*<{5,9} ?SEARCH\b.*$/;
const DIVIDER = /^\s*={5,9}\s*$/;
const REPLACE = /^\s*>{5,9} ?REPLACE\b.*$/;
const FENCE = /^\s*(```|~~~)/;

export function looksLikeSearchReplace(text: string): boolean {
  return /^\s*<{5,9} ?SEARCH\b/m.test(text) && /^\s*>{5,9} ?REPLACE\b/m.test(text);
}

/** The file name on a path line, without the decoration models add (`**x**`, `x:`, "File: x"). */
export function cleanPathLine(line: string): string {
  let s = line.trim();
  s = s.replace(/^#+\s*/, '').replace(/^[-*]\s+/, '');
  s = s.replace(/^(file|path|filename)\s*:\s*/i, '');
  s = s.replace(/^[*_`'"]+|[*_`'"]+$/g, '');
  s = s.replace(/:$/, '');
  s = s.trim();
  if (/\s/.test(s)) {
    // Prose before the block ("Edit src/a.ts as follows"): keep a path-looking last word, if any.
    const last = s
      .split(/\s+/)
      .pop()!
      .replace(/^[*_`'"]+|[*_`'":,]+$/g, '');
    return /\/|\.[A-Za-z0-9]+$/.test(last) ? last : s;
  }
  return s;
}

/** Whether a cleaned path line can name a file at all (prose is not a path). */
function plausiblePath(p: string): boolean {
  return p !== '' && !/\s/.test(p);
}

export function parseSearchReplace(text: string): EditPlan {
  const lines = splitPatchLines(text);
  const problems: EditProblem[] = [];
  const byPath = new Map<string, FileEdit>();
  let lastPathLine: string | undefined;
  let currentPath: string | undefined;
  let block = 0;
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    if (!SEARCH.test(line)) {
      if (REPLACE.test(line)) {
        // A block whose SEARCH line is missing: applying the others alone would be half the change.
        problems.push({
          kind: 'parse',
          patchLine: i + 1,
          message: `patch line ${i + 1}: ">>>>>>> REPLACE" without its "<<<<<<< SEARCH"; every block needs all three markers.`,
        });
      } else if (line.trim() !== '' && !FENCE.test(line)) lastPathLine = line;
      i++;
      continue;
    }
    block++;
    const startLine = i + 1;
    if (lastPathLine !== undefined && !plausiblePath(cleanPathLine(lastPathLine)) && currentPath !== undefined) {
      // Prose between two blocks ("Now the second function:"): the block stays with the file before.
      lastPathLine = undefined;
    } else if (lastPathLine !== undefined && !plausiblePath(cleanPathLine(lastPathLine))) {
      problems.push({
        kind: 'parse',
        block,
        patchLine: startLine,
        message: `block ${block} (patch line ${startLine}): the line above it (${JSON.stringify(lastPathLine.trim().slice(0, 60))}) is not a file path; put the file's path alone on the line before <<<<<<< SEARCH.`,
      });
      lastPathLine = undefined;
      currentPath = undefined;
    } else if (lastPathLine !== undefined) {
      const cleaned = cleanPathLine(lastPathLine);
      const norm = normalizeEditPath(cleaned);
      if (!norm.ok) {
        problems.push({
          kind: 'path',
          block,
          patchLine: startLine,
          message: `block ${block} (patch line ${startLine}): ${norm.reason}.`,
        });
        currentPath = undefined;
      } else currentPath = norm.path;
      lastPathLine = undefined;
    }
    // Collect SEARCH ... ======= ... >>>>>>> REPLACE.
    const old: string[] = [];
    const neu: string[] = [];
    let j = i + 1;
    while (j < lines.length && !DIVIDER.test(lines[j])) {
      if (SEARCH.test(lines[j]) || REPLACE.test(lines[j])) break;
      old.push(lines[j]);
      j++;
    }
    if (j >= lines.length || !DIVIDER.test(lines[j])) {
      problems.push({
        kind: 'parse',
        block,
        patchLine: startLine,
        message: `block ${block} (patch line ${startLine}): SEARCH has no "=======" line before the next marker; close each block with ======= and >>>>>>> REPLACE.`,
      });
      i = j;
      continue;
    }
    j++;
    while (j < lines.length && !REPLACE.test(lines[j])) {
      if (SEARCH.test(lines[j]) || DIVIDER.test(lines[j])) break;
      neu.push(lines[j]);
      j++;
    }
    if (j >= lines.length || !REPLACE.test(lines[j])) {
      problems.push({
        kind: 'parse',
        block,
        patchLine: startLine,
        message: `block ${block} (patch line ${startLine}): no ">>>>>>> REPLACE" line ends it; close each block with >>>>>>> REPLACE.`,
      });
      i = j;
      continue;
    }
    i = j + 1;
    if (currentPath === undefined) {
      if (!problems.some((p) => p.block === block)) {
        problems.push({
          kind: 'parse',
          block,
          patchLine: startLine,
          message: `block ${block} (patch line ${startLine}): no file path line before <<<<<<< SEARCH; put the file's path on the line above the block.`,
        });
      }
      continue;
    }
    const hunk: Hunk = {
      // A SEARCH of blank lines only is an empty SEARCH: there is nothing to find.
      old: old.every((l) => l.trim() === '') ? [] : old,
      new: neu,
      anchors: [],
      atEof: false,
      newEndsWithoutEol: false,
      oldEndsWithoutEol: false,
      block,
      patchLine: startLine,
    };
    let edit = byPath.get(currentPath);
    if (!edit) {
      edit = { path: currentPath, op: 'update', hunks: [], sequential: true, createIfMissing: hunk.old.length === 0 };
      byPath.set(currentPath, edit);
    }
    edit.hunks.push(hunk);
  }
  if (block === 0) {
    problems.push({ kind: 'parse', patchLine: 1, message: 'no <<<<<<< SEARCH block found in the patch.' });
  }
  if (problems.length) throw new PatchParseError(problems);
  return { format: 'search-replace', files: [...byPath.values()] };
}
