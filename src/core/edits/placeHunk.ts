// Decides where one hunk goes in a file, or says why it cannot: every place its old text matches
// (see matchHunk.ts), narrowed only by real evidence — an apply_patch anchor, an End of File
// marker, an exact line number among few look-alikes, other hunks' places, or (for a quote that
// skipped a line or two at its edges) the skipped lines really being there. Never a pick.
import type { EditProblem, Hunk, Tolerance } from './editPlan';
import { type Indent, type LineIndex, type Placement, closestText, findPlacements, reindent } from './matchHunk';

/**
 * With more look-alike places than this, a line number that happens to hit one of them is too
 * likely a coincidence (model line numbers are often off) to count as evidence.
 */
const MAX_CANDIDATES_FOR_LINE_HINT = 3;

/** `hunk`, when set, is the part of the hunk that was placed (edge context lines dropped). */
export type Placed = { placement: Placement; tolerances: Tolerance[]; hunk?: Hunk };
export type Attempt =
  | { kind: 'placed'; placed: Placed }
  | { kind: 'ambiguous'; candidates: Placement[] }
  | { kind: 'problem'; problem: EditProblem };

export function label(path: string, h: Hunk): string {
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
    const key = anchor.trim();
    let occ = index.positions(key);
    // Models often shorten an anchor ("def run" for "def run(self, args):"); a line that starts
    // with it is still that anchor.
    if (occ.length === 0 && key.length >= 3) {
      occ = [];
      for (let i = 0; i < index.lines.length; i++) if (index.lines[i].trimStart().startsWith(key)) occ.push(i);
    }
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

export function place(
  path: string,
  index: LineIndex,
  h: Hunk,
  taken: ReadonlyArray<readonly [number, number]>,
  expected: number | undefined,
): Attempt {
  const k = h.old.length;
  const n = index.lines.length;
  const tolerances: Tolerance[] = [];
  const fail = (kind: EditProblem['kind'], message: string, extra: Partial<EditProblem> = {}): Attempt => ({
    kind: 'problem',
    problem: { kind, path, block: h.block, patchLine: h.patchLine, message, ...extra },
  });
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
    return fail(
      'not-found',
      `${label(path, h)}: the block has no old or context lines, so nothing says where ${preview(h.new)} goes; include a few unchanged lines around it.`,
    );
  }
  let cands = findPlacements(index, h.old);
  if (cands.length === 0 && !h.atEof) {
    const gapped = placeWithGaps(index, h, taken);
    if (gapped) return gapped;
  }
  if (cands.length === 0) {
    // Applying the same patch twice is a common slip: say so rather than point at near misses.
    // Only meaningful when the new side brings lines of its own (not just a subset of the old).
    const brings = h.new.some((l) => l.trim() !== '' && !h.old.includes(l));
    const done = brings ? findPlacements(index, h.new) : [];
    if (done.length > 0) {
      return fail(
        'not-found',
        `${label(path, h)}: the old text was not found, but the new text is already at line ${done[0].start + 1}; the change looks applied already.`,
        { closest: { line: done[0].start + 1, text: index.lines[done[0].start] ?? '' } },
      );
    }
    const near = closestText(index, h.old);
    return fail(
      'not-found',
      near
        ? near.whitespaceOnly
          ? `${label(path, h)}: the old text is at line ${near.line} only with different indentation, and not shifted evenly: the file has ${JSON.stringify(near.text)} where the block has ${JSON.stringify(near.expected)}. Copy the lines with their exact indentation.`
          : `${label(path, h)}: the old text was not found. Closest: line ${near.line} reads ${JSON.stringify(near.text.trim())} where the block expects ${JSON.stringify(near.expected.trim())}.`
        : `${label(path, h)}: the old text was not found; no line of it (${preview(h.old)}) occurs in the file. Re-read the file and quote it exactly.`,
      { closest: near ? { line: near.line, text: near.text } : undefined },
    );
  }
  if (h.atEof) {
    cands = cands.filter((c) => c.start + k === n);
    if (cands.length === 0) {
      return fail('not-found', `${label(path, h)}: marked "End of File" but its old text does not end the file.`);
    }
  }
  const free = cands.filter((c) => !overlaps(taken, c.start, c.start + k));
  if (free.length === 0) {
    return fail(
      'overlap',
      `${label(path, h)}: its old text only occurs at line ${cands[0].start + 1}, which another hunk of this patch already changes; merge the two hunks.`,
    );
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
    // A blank context line says nothing about the place: one the file lacks there is no evidence
    // against it (models pad their quotes with blank lines).
    if (q.trim() === '' && !(pos >= 0 && pos < lines.length && lines[pos].trim() === '')) continue;
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
export function preferStrict(cands: Placement[]): Placement[] {
  if (cands.some((c) => c.tier === 2) && cands.some((c) => c.tier < 2)) return cands;
  const best = Math.min(...cands.map((c) => c.tier));
  return cands.filter((c) => c.tier === best);
}

export function ambiguousProblem(path: string, h: Hunk, cands: Placement[], lines: readonly string[]): EditProblem {
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
