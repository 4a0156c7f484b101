// Places one file's hunks and builds its new text. Unified-diff and apply_patch hunks are all
// placed against the original (in any order, line numbers used only as tie-breakers);
// search/replace blocks are placed one after another on the text so far. Lines a hunk keeps
// unchanged keep the file's own bytes; new lines take the file's line ending and indentation.
import type { EditProblem, FileEdit, Hunk, Tolerance } from './editPlan';
import { type FileLines, joinFileText, splitFileText } from './fileText';
import { diffLines } from './lineDiff';
import {
  type Indent,
  type LineIndex,
  type Placement,
  closestText,
  findPlacements,
  indexLines,
  reindent,
} from './matchHunk';

export type ContentResult =
  { ok: true; after: string; tolerances: Tolerance[] } | { ok: false; problems: EditProblem[] };

/**
 * With more look-alike places than this, a line number that happens to hit one of them is too
 * likely a coincidence (model line numbers are often off) to count as evidence.
 */
const MAX_CANDIDATES_FOR_LINE_HINT = 3;

/** `hunk`, when set, is the part of the hunk that was placed (edge context lines dropped). */
type Placed = { placement: Placement; tolerances: Tolerance[]; hunk?: Hunk };
type Attempt =
  | { kind: 'placed'; placed: Placed }
  | { kind: 'ambiguous'; candidates: Placement[] }
  | { kind: 'problem'; problem: EditProblem };

function label(path: string, h: Hunk): string {
  return `${path}, block ${h.block} (patch line ${h.patchLine})`;
}

function preview(lines: readonly string[]): string {
  const first = lines.find((l) => l.trim() !== '') ?? lines[0] ?? '';
  return JSON.stringify(first.trim().slice(0, 80));
}

/** Where a run of anchors (outermost first) can end: the line index after each chain. */
function anchorEnds(index: LineIndex, anchors: readonly string[]): number[] {
  let ends = [0];
  for (const anchor of anchors) {
    const occ = index.positions(anchor.trim());
    const next = new Set<number>();
    for (const from of ends) {
      const hit = occ.find((p) => p >= from);
      if (hit !== undefined) next.add(hit + 1);
    }
    ends = [...next].sort((a, b) => a - b);
    if (ends.length === 0) return [];
  }
  return ends;
}

function overlaps(taken: ReadonlyArray<readonly [number, number]>, s: number, e: number): boolean {
  // Two edits may touch (end == start) but not share a line; pure insertions never overlap.
  return taken.some(([a, b]) => s < b && a < e);
}

function place(
  path: string,
  index: LineIndex,
  h: Hunk,
  taken: ReadonlyArray<readonly [number, number]>,
  expected: number | undefined,
): Attempt {
  const k = h.old.length;
  const n = index.lines.length;
  const tolerances: Tolerance[] = [];
  if (k === 0) {
    // A pure insertion has no text to find; only an empty file, an EOF marker or anchors place it.
    if (n === 0) return { kind: 'placed', placed: { placement: { start: 0, tier: 0 }, tolerances } };
    if (h.anchors.length) {
      const ends = anchorEnds(index, h.anchors);
      if (ends.length === 1)
        return {
          kind: 'placed',
          placed: { placement: { start: ends[0], tier: 0 }, tolerances: ['disambiguated-by-anchor'] },
        };
    }
    if (h.atEof) return { kind: 'placed', placed: { placement: { start: n, tier: 0 }, tolerances } };
    return {
      kind: 'problem',
      problem: {
        kind: 'not-found',
        path,
        block: h.block,
        patchLine: h.patchLine,
        message: `${label(path, h)}: the block has no old or context lines, so nothing says where ${preview(h.new)} goes; include a few unchanged lines around it.`,
      },
    };
  }
  let cands = findPlacements(index, h.old);
  if (cands.length === 0 && !h.atEof) {
    const gapped = placeWithGaps(index, h, taken);
    if (gapped) return gapped;
  }
  if (cands.length === 0) {
    const near = closestText(index, h.old);
    return {
      kind: 'problem',
      problem: {
        kind: 'not-found',
        path,
        block: h.block,
        patchLine: h.patchLine,
        message: near
          ? near.whitespaceOnly
            ? `${label(path, h)}: the old text is at line ${near.line} only with different indentation, and not shifted evenly: the file has ${JSON.stringify(near.text)} where the block has ${JSON.stringify(near.expected)}. Copy the lines with their exact indentation.`
            : `${label(path, h)}: the old text was not found. Closest: line ${near.line} reads ${JSON.stringify(near.text.trim())} where the block expects ${JSON.stringify(near.expected.trim())}.`
          : `${label(path, h)}: the old text was not found; no line of it (${preview(h.old)}) occurs in the file. Re-read the file and quote it exactly.`,
        closest: near ? { line: near.line, text: near.text } : undefined,
      },
    };
  }
  if (h.atEof) {
    cands = cands.filter((c) => c.start + k === n);
    if (cands.length === 0) {
      return {
        kind: 'problem',
        problem: {
          kind: 'not-found',
          path,
          block: h.block,
          patchLine: h.patchLine,
          message: `${label(path, h)}: marked "End of File" but its old text does not end the file.`,
        },
      };
    }
  }
  const free = cands.filter((c) => !overlaps(taken, c.start, c.start + k));
  if (free.length === 0) {
    return {
      kind: 'problem',
      problem: {
        kind: 'overlap',
        path,
        block: h.block,
        patchLine: h.patchLine,
        message: `${label(path, h)}: its old text only occurs at line ${cands[0].start + 1}, which another hunk of this patch already changes; merge the two hunks.`,
      },
    };
  }
  cands = free;
  if (h.anchors.length) {
    const ends = anchorEnds(index, h.anchors);
    const anchored = new Set<Placement>();
    for (const e of ends) {
      const first = cands.find((c) => c.start >= e);
      if (first) anchored.add(first);
    }
    if (anchored.size === 0) tolerances.push('anchor-not-found');
    else {
      if (anchored.size === 1 && cands.length > 1) tolerances.push('disambiguated-by-anchor');
      cands = cands.filter((c) => anchored.has(c));
    }
  }
  cands = preferStrict(cands);
  if (cands.length === 1) return { kind: 'placed', placed: { placement: cands[0], tolerances } };
  if (expected !== undefined && cands.length <= MAX_CANDIDATES_FOR_LINE_HINT) {
    // Line numbers are the weakest evidence models give: only an exact hit (after correcting by
    // how far off the neighbouring hunks' numbers were) singles a place out, and only on a place
    // whose text matches as well as the best one (a number pointing at a re-indented look-alike
    // while the quote matches elsewhere exactly is a contradiction, not a hint).
    const bestTier = Math.min(...cands.map((c) => c.tier));
    const hit = cands.filter((c) => c.start === expected && c.tier === bestTier);
    if (hit.length === 1) {
      return {
        kind: 'placed',
        placed: { placement: hit[0], tolerances: [...tolerances, 'disambiguated-by-line-number'] },
      };
    }
  }
  return { kind: 'ambiguous', candidates: cands };
}

/** How many lines at each end of a hunk are context (identical on both sides). */
function contextEdges(h: Hunk): { lead: number; trail: number } {
  let lead = 0;
  while (lead < h.old.length && lead < h.new.length && h.old[lead] === h.new[lead]) lead++;
  let trail = 0;
  while (
    trail < h.old.length - lead &&
    trail < h.new.length - lead &&
    h.old[h.old.length - 1 - trail] === h.new[h.new.length - 1 - trail]
  ) {
    trail++;
  }
  return { lead, trail };
}

/** At most this many context lines at each end of a hunk may sit apart from the rest... */
const MAX_SET_ASIDE = 2;
/** ...and across at most this many file lines the quote skipped. */
const MAX_GAP = 2;

/**
 * Whether `quoted` lines occur in order right before `at` (dir -1) or from `at` on (dir +1),
 * skipping at most MAX_GAP file lines in all. They must read as the placed lines do: same
 * indentation shift, trailing whitespace aside.
 */
function quotedNear(
  lines: readonly string[],
  quoted: readonly string[],
  at: number,
  dir: 1 | -1,
  indent: Indent | undefined,
): boolean {
  const same = (fileLine: string, q: string) =>
    q.trim() === '' ? fileLine.trim() === '' : fileLine.trimEnd() === reindent(q, indent).trimEnd();
  let gap = 0;
  let pos = dir === -1 ? at - 1 : at;
  const order = dir === -1 ? [...quoted].reverse() : quoted;
  for (const q of order) {
    while (pos >= 0 && pos < lines.length && !same(lines[pos], q) && gap < MAX_GAP) {
      gap++;
      pos += dir;
    }
    if (pos < 0 || pos >= lines.length || !same(lines[pos], q)) return false;
    pos += dir;
  }
  return true;
}

/**
 * For a quote that is found nowhere as written: models often skip a line or two of the context
 * they copy. Set aside up to two context lines at either end, find the rest, and accept a place
 * only if the set-aside lines are really there too, in order, with at most two file lines
 * between them and the rest. Wrong text is never forgiven here, only missing lines; and the
 * place must still be the only one.
 */
function placeWithGaps(
  index: LineIndex,
  h: Hunk,
  taken: ReadonlyArray<readonly [number, number]>,
): Attempt | undefined {
  const { lead, trail } = contextEdges(h);
  const k = h.old.length;
  const options: Array<[number, number]> = [];
  for (let a = 0; a <= Math.min(MAX_SET_ASIDE, lead); a++) {
    for (let b = 0; b <= Math.min(MAX_SET_ASIDE, trail); b++) if (a + b > 0 && a + b < k) options.push([a, b]);
  }
  options.sort((x, y) => x[0] + x[1] - (y[0] + y[1]));
  for (const [a, b] of options) {
    const core = h.old.slice(a, k - b);
    if (core.every((l) => l.trim() === '')) continue;
    const found = findPlacements(index, core).filter(
      (c) =>
        !overlaps(taken, c.start, c.start + core.length) &&
        quotedNear(index.lines, h.old.slice(0, a), c.start, -1, c.indent) &&
        quotedNear(index.lines, h.old.slice(k - b), c.start + core.length, 1, c.indent),
    );
    const best = found.length ? preferStrict(found) : [];
    if (best.length > 1) return { kind: 'ambiguous', candidates: best };
    if (best.length === 1) {
      const hunk: Hunk = { ...h, old: core, new: h.new.slice(a, h.new.length - b) };
      return { kind: 'placed', placed: { placement: best[0], tolerances: ['missing-context-lines'], hunk } };
    }
  }
  return undefined;
}

/**
 * An exact match beats one that differs only in trailing whitespace. A re-indented match never
 * loses to an exact one, though: a model that shifted its quote may well have meant that place.
 */
function preferStrict(cands: Placement[]): Placement[] {
  if (cands.some((c) => c.tier === 2) && cands.some((c) => c.tier < 2)) return cands;
  const best = Math.min(...cands.map((c) => c.tier));
  return cands.filter((c) => c.tier === best);
}

function ambiguousProblem(path: string, h: Hunk, cands: Placement[], lines: readonly string[]): EditProblem {
  const where = cands.slice(0, 6).map((c) => c.start + 1);
  const more = cands.length > 6 ? ` and ${cands.length - 6} more` : '';
  return {
    kind: 'ambiguous',
    path,
    block: h.block,
    patchLine: h.patchLine,
    message: `${label(path, h)}: the old text ${preview(h.old)} matches ${cands.length} places (lines ${where.join(', ')}${more}) and nothing in the patch singles one out; include more surrounding lines so it is unique.`,
    closest: { line: cands[0].start + 1, text: lines[cands[0].start] ?? '' },
  };
}

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

function finishEols(file: FileLines, originalEndedWithoutEol: boolean, forceNoEol: boolean): void {
  const last = file.lines.length - 1;
  for (let i = 0; i < last; i++) if (file.eols[i] === '') file.eols[i] = file.eol;
  if (last >= 0) file.eols[last] = originalEndedWithoutEol || forceNoEol ? '' : file.eols[last] || file.eol;
}

export function applyHunks(path: string, text: string, edit: FileEdit): ContentResult {
  const file = splitFileText(text);
  const endedWithoutEol = file.lines.length > 0 && file.eols[file.eols.length - 1] === '';
  const tol = new Set<Tolerance>();
  const problems: EditProblem[] = [];
  let forceNoEol = false;

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
    // Pass 1: hunks whose text places them on its own.
    edit.hunks.forEach((h, i) => {
      const a = place(path, index, h, taken, undefined);
      results[i] = a;
      if (a.kind === 'placed')
        taken.push([a.placed.placement.start, a.placed.placement.start + (a.placed.hunk ?? h).old.length]);
    });
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
        const found = near.find((x) => x.r?.kind === 'placed' && x.h?.oldStart !== undefined);
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
        if (h.newEndsWithoutEol && at === file.lines.length) forceNoEol = true;
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
  finishEols(file, endedWithoutEol, forceNoEol);
  if (edit.hunks.length && file.eol === '\r\n') tol.add('line-endings');
  if (edit.hunks.length && file.bom) tol.add('bom');
  return { ok: true, after: joinFileText(file), tolerances: [...tol] };
}

/** The text of a new file from its lines (LF, final newline unless the patch said otherwise). */
export function newFileText(lines: readonly string[], endsWithoutEol: boolean): string {
  if (lines.length === 0) return '';
  return lines.join('\n') + (endsWithoutEol ? '' : '\n');
}
