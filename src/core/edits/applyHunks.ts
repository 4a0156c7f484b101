// Places one file's hunks and builds its new text. Unified-diff and apply_patch hunks are all
// placed against the original (in any order, line numbers used only as tie-breakers);
// search/replace blocks are placed one after another on the text so far. Lines a hunk keeps
// unchanged keep the file's own bytes; new lines take the file's line ending and indentation.
import type { EditProblem, FileEdit, Hunk, Tolerance } from './editPlan';
import { type FileLines, joinFileText, splitFileText } from './fileText';
import { diffLines } from './lineDiff';
import { type Placement, indexLines, reindent } from './matchHunk';
import { type Attempt, ambiguousProblem, label, place } from './placeHunk';

export type ContentResult =
  { ok: true; after: string; tolerances: Tolerance[] } | { ok: false; problems: EditProblem[] };

function tierTolerances(p: Placement): Tolerance[] {
  if (p.tier === 2) return ['indentation'];
  if (p.tier === 1) return ['trailing-whitespace'];
  return [];
}

/** Replace lines [start, start + old.length) of `file` by the hunk's new lines. */
function splice(file: FileLines, h: Hunk, p: Placement): { lines: string[]; eols: string[] } {
  const ops = diffLines(h.old, h.new);
  const lines: string[] = [];
  const eols: string[] = [];
  for (const op of ops) {
    if (op.kind === '=') {
      lines.push(file.lines[p.start + op.a]);
      eols.push(file.eols[p.start + op.a]);
    } else if (op.kind === '+') {
      lines.push(reindent(h.new[op.b], p.indent));
      eols.push(file.eol);
    }
  }
  return { lines, eols };
}

/** Only the last line may lack a terminator; whether it does is the file's, unless a hunk says. */
function finishEols(file: FileLines, noFinalEol: boolean): void {
  const last = file.lines.length - 1;
  for (let i = 0; i < last; i++) if (file.eols[i] === '') file.eols[i] = file.eol;
  if (last >= 0) file.eols[last] = noFinalEol ? '' : file.eols[last] || file.eol;
}

export function applyHunks(path: string, text: string, edit: FileEdit): ContentResult {
  const file = splitFileText(text);
  const endedWithoutEol = file.lines.length > 0 && file.eols[file.eols.length - 1] === '';
  const tol = new Set<Tolerance>();
  const problems: EditProblem[] = [];
  let forceNoEol = false;
  let forceEol = false;

  for (const h of edit.hunks) {
    if (
      (h.claimedOldCount !== undefined && h.claimedOldCount !== h.old.length) ||
      (h.claimedNewCount !== undefined && h.claimedNewCount !== h.new.length)
    ) {
      tol.add('hunk-counts');
    }
  }

  if (edit.sequential) {
    for (const h of edit.hunks) {
      if (file.lines.length > 0 && h.old.length === 0) {
        problems.push({
          kind: 'not-found',
          path,
          block: h.block,
          patchLine: h.patchLine,
          message: `${label(path, h)}: the SEARCH part is empty but the file already has content; quote the lines to replace (an empty SEARCH only creates a new file).`,
        });
        continue;
      }
      const attempt = place(path, indexLines(file.lines), h, [], undefined);
      if (attempt.kind === 'problem') {
        problems.push(attempt.problem);
        continue;
      }
      if (attempt.kind === 'ambiguous') {
        problems.push(ambiguousProblem(path, h, attempt.candidates, file.lines));
        continue;
      }
      const p = attempt.placed.placement;
      const hh = attempt.placed.hunk ?? h;
      for (const t of [...attempt.placed.tolerances, ...tierTolerances(p)]) tol.add(t);
      const repl = splice(file, hh, p);
      file.lines.splice(p.start, hh.old.length, ...repl.lines);
      file.eols.splice(p.start, hh.old.length, ...repl.eols);
    }
  } else {
    const index = indexLines(file.lines);
    const results: Array<Attempt | undefined> = edit.hunks.map(() => undefined);
    const taken: Array<[number, number]> = [];
    // Pass 1: hunks whose text places them on its own. Repeated while it helps: a hunk that
    // matched twice may have only one place left once another hunk has claimed the other.
    for (let progress = true; progress;) {
      progress = false;
      edit.hunks.forEach((h, i) => {
        if (results[i] !== undefined && results[i]!.kind !== 'ambiguous') return;
        const a = place(path, index, h, taken, undefined);
        results[i] = a;
        if (a.kind === 'placed') {
          taken.push([a.placed.placement.start, a.placed.placement.start + (a.placed.hunk ?? h).old.length]);
          progress = true;
        }
      });
    }
    // Pass 2: ambiguous hunks, with their line numbers corrected by how far off the numbers of
    // the nearest placed hunk were (models are usually off by the same amount within a file).
    edit.hunks.forEach((h, i) => {
      const a = results[i]!;
      if (a.kind !== 'ambiguous' || h.oldStart === undefined) return;
      let delta = 0;
      for (let d = 1; d < edit.hunks.length; d++) {
        const near = [results[i - d], results[i + d]].map((r, side) => ({
          r,
          h: edit.hunks[side === 0 ? i - d : i + d],
        }));
        // A neighbour placed from part of its quote (edge lines set aside) says less: skip it.
        const found = near.find((x) => x.r?.kind === 'placed' && !x.r.placed.hunk && x.h?.oldStart !== undefined);
        if (found && found.r?.kind === 'placed') {
          delta = found.r.placed.placement.start - (found.h.oldStart! - 1);
          break;
        }
      }
      const again = place(path, index, h, taken, Math.max(0, h.oldStart - 1 + delta));
      results[i] = again;
      if (again.kind === 'placed')
        taken.push([again.placed.placement.start, again.placed.placement.start + (again.placed.hunk ?? h).old.length]);
    });
    const placed: Array<{ h: Hunk; p: Placement; order: number }> = [];
    edit.hunks.forEach((h, i) => {
      const a = results[i]!;
      if (a.kind === 'problem') problems.push(a.problem);
      else if (a.kind === 'ambiguous') problems.push(ambiguousProblem(path, h, a.candidates, file.lines));
      else {
        placed.push({ h: a.placed.hunk ?? h, p: a.placed.placement, order: i });
        for (const t of [...a.placed.tolerances, ...tierTolerances(a.placed.placement)]) tol.add(t);
        if (
          !a.placed.hunk &&
          h.oldStart !== undefined &&
          h.old.length > 0 &&
          a.placed.placement.start !== Math.max(0, h.oldStart - 1)
        )
          tol.add('line-numbers');
      }
    });
    if (problems.length === 0) {
      placed.sort((a, b) => a.p.start - b.p.start || a.order - b.order);
      if (placed.some((x, i) => i > 0 && x.order < placed[i - 1].order)) tol.add('out-of-order');
      for (let i = 1; i < placed.length; i++) {
        const prev = placed[i - 1];
        if (placed[i].p.start < prev.p.start + prev.h.old.length) {
          problems.push({
            kind: 'overlap',
            path,
            block: placed[i].h.block,
            patchLine: placed[i].h.patchLine,
            message: `${label(path, placed[i].h)}: it changes lines that block ${prev.h.block} also changes (from line ${placed[i].p.start + 1}); merge the two hunks.`,
          });
        }
      }
    }
    if (problems.length === 0) {
      const lines: string[] = [];
      const eols: string[] = [];
      let at = 0;
      for (const { h, p } of placed) {
        for (; at < p.start; at++) {
          lines.push(file.lines[at]);
          eols.push(file.eols[at]);
        }
        const repl = splice(file, h, p);
        lines.push(...repl.lines);
        eols.push(...repl.eols);
        at = p.start + h.old.length;
        if (at === file.lines.length && h.newEndsWithoutEol) forceNoEol = true;
        else if (at === file.lines.length && h.oldEndsWithoutEol) forceEol = true;
      }
      for (; at < file.lines.length; at++) {
        lines.push(file.lines[at]);
        eols.push(file.eols[at]);
      }
      file.lines = lines;
      file.eols = eols;
    }
  }
  if (problems.length) return { ok: false, problems };
  finishEols(file, forceNoEol || (endedWithoutEol && !forceEol));
  if (edit.hunks.length && file.eol === '\r\n') tol.add('line-endings');
  if (edit.hunks.length && file.bom) tol.add('bom');
  return { ok: true, after: joinFileText(file), tolerances: [...tol] };
}

/** The text of a new file from its lines (LF, final newline unless the patch said otherwise). */
export function newFileText(lines: readonly string[], endsWithoutEol: boolean): string {
  if (lines.length === 0) return '';
  return lines.join('\n') + (endsWithoutEol ? '' : '\n');
}
