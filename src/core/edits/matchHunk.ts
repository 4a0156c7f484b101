// Finds where a hunk's old lines sit in a file. Tolerant of what models get wrong — trailing
// whitespace, a uniform indentation shift, line numbers — and strict about the rest: every
// place the text could go is found, and when the evidence cannot single one out the caller gets
// all of them, never a pick. Lines are indexed once by their trimmed text, and a hunk is only
// checked at the places its rarest line occurs, so a 50,000-line file costs what its matches cost.

/**
 * Finds lines by their trimmed text. Most hunks need one scan for one line (a substring test per
 * line, no allocation); the full map of every line is only built when something needs many
 * look-ups (the "closest text" of a rejection), and then kept.
 */
export class LineIndex {
  private map: Map<string, number[]> | undefined;
  constructor(readonly lines: readonly string[]) {}

  positions(key: string): number[] {
    if (this.map) return this.map.get(key) ?? [];
    const out: number[] = [];
    const lines = this.lines;
    if (key === '') {
      for (let i = 0; i < lines.length; i++) if (lines[i].trim() === '') out.push(i);
      return out;
    }
    for (let i = 0; i < lines.length; i++) {
      const l = lines[i];
      if (l.length >= key.length && l.includes(key) && l.trim() === key) out.push(i);
    }
    return out;
  }

  byKey(): Map<string, number[]> {
    if (!this.map) {
      const map = new Map<string, number[]>();
      for (let i = 0; i < this.lines.length; i++) {
        const key = this.lines[i].trim();
        const list = map.get(key);
        if (list) list.push(i);
        else map.set(key, [i]);
      }
      this.map = map;
    }
    return this.map;
  }
}

export function indexLines(lines: readonly string[]): LineIndex {
  return new LineIndex(lines);
}

/** How loosely a place matched: 0 exactly, 1 up to trailing whitespace, 2 with re-indentation. */
export type Tier = 0 | 1 | 2;

/**
 * How the quote's indentation relates to the file's: a uniform prefix added or removed, or
 * (mode 'width') the same indentation written with tabs on one side and spaces on the other.
 */
export type Indent = { mode: 'add' | 'remove'; unit: string } | { mode: 'width'; tabWidth: number; tabs: boolean };

export interface Placement {
  start: number;
  tier: Tier;
  indent?: Indent;
}

function leading(s: string): string {
  const m = /^[ \t]*/.exec(s);
  return m ? m[0] : '';
}

/** Every place `old` matches (in file order), each with the loosest tolerance it needed. */
export function findPlacements(index: LineIndex, old: readonly string[]): Placement[] {
  const k = old.length;
  const n = index.lines.length;
  if (k === 0 || k > n) return [];
  const keys = old.map((l) => l.trim());
  // The longest line is the likeliest to be rare; it is the one scanned for. Every other line
  // is then checked only at the places the pivot was found.
  let pivot = -1;
  for (let j = 0; j < k; j++) if (keys[j] !== '' && (pivot === -1 || keys[j].length > keys[pivot].length)) pivot = j;
  let occurrences: number[];
  if (pivot === -1) {
    pivot = 0;
    occurrences = index.positions('');
  } else occurrences = index.positions(keys[pivot]);
  const out: Placement[] = [];
  for (const p of occurrences) {
    const s = p - pivot;
    if (s < 0 || s + k > n) continue;
    const placed = checkAt(index.lines, old, keys, s);
    if (placed) out.push(placed);
  }
  return out;
}

function checkAt(
  lines: readonly string[],
  old: readonly string[],
  keys: readonly string[],
  s: number,
): Placement | undefined {
  let tier: Tier = 0;
  for (let i = 0; i < old.length; i++) {
    const f = lines[s + i];
    const o = old[i];
    if (f === o) continue;
    if (f.trim() !== keys[i]) return undefined;
    if (tier < 1 && f.trimEnd() === o.trimEnd()) tier = 1;
    else if (f.trimEnd() !== o.trimEnd()) tier = 2;
  }
  if (tier < 2) return { start: s, tier };
  const indent = uniformShift(lines, old, s) ?? tabsAsSpaces(lines, old, s);
  if (!indent) return undefined;
  return indent.mode !== 'width' && indent.unit === '' ? { start: s, tier: 1 } : { start: s, tier: 2, indent };
}

/** Columns a run of leading whitespace takes with tab stops every `tabWidth`. */
function widthOf(ws: string, tabWidth: number): number {
  let w = 0;
  for (const ch of ws) w += ch === '\t' ? tabWidth - (w % tabWidth) : 1;
  return w;
}

/**
 * Tabs on one side, spaces on the other (models often expand a file's tabs): a match when, for
 * one tab width, every non-blank line is indented to the same column on both sides. Only an
 * exact conversion counts; a conversion plus a shift is too loose to be sure of.
 */
function tabsAsSpaces(lines: readonly string[], old: readonly string[], s: number): Indent | undefined {
  for (const tabWidth of [4, 2, 8]) {
    let ok = true;
    let tabs = false;
    for (let i = 0; i < old.length && ok; i++) {
      if (old[i].trim() === '') continue;
      const fi = leading(lines[s + i]);
      if (fi.includes('\t')) tabs = true;
      ok = widthOf(fi, tabWidth) === widthOf(leading(old[i]), tabWidth);
    }
    if (ok) return { mode: 'width', tabWidth, tabs };
  }
  return undefined;
}

/**
 * The one indentation difference shared by every non-blank line (file = unit + patch, or
 * patch = unit + file), or undefined when the differences are not uniform — then the text only
 * looks alike and is not a match.
 */
function uniformShift(lines: readonly string[], old: readonly string[], s: number): Indent | undefined {
  let add: string | undefined;
  let remove: string | undefined;
  let addOk = true;
  let removeOk = true;
  for (let i = 0; i < old.length; i++) {
    const o = old[i];
    if (o.trim() === '') continue;
    const fi = leading(lines[s + i]);
    const pi = leading(o);
    if (addOk) {
      if (fi.length >= pi.length && fi.endsWith(pi)) {
        const unit = fi.slice(0, fi.length - pi.length);
        if (add === undefined) add = unit;
        else if (add !== unit) addOk = false;
      } else addOk = false;
    }
    if (removeOk) {
      if (pi.length >= fi.length && pi.endsWith(fi)) {
        const unit = pi.slice(0, pi.length - fi.length);
        if (remove === undefined) remove = unit;
        else if (remove !== unit) removeOk = false;
      } else removeOk = false;
    }
    if (!addOk && !removeOk) return undefined;
  }
  if (addOk && add) return { mode: 'add', unit: add };
  if (removeOk && remove) return { mode: 'remove', unit: remove };
  // Same indentation everywhere: the difference was trailing whitespace only.
  if ((addOk && add === '') || (removeOk && remove === '')) return { mode: 'add', unit: '' };
  return undefined;
}

/** Shift a new line the way the matched old lines were shifted. */
export function reindent(line: string, indent: Indent | undefined): string {
  if (!indent || line.trim() === '') return line;
  if (indent.mode === 'width') {
    const lead = leading(line);
    const w = widthOf(lead, indent.tabWidth);
    const ws = indent.tabs
      ? '\t'.repeat(Math.floor(w / indent.tabWidth)) + ' '.repeat(w % indent.tabWidth)
      : ' '.repeat(w);
    return ws + line.slice(lead.length);
  }
  if (indent.unit === '') return line;
  if (indent.mode === 'add') return indent.unit + line;
  if (line.startsWith(indent.unit)) return line.slice(indent.unit.length);
  // Less indented than the shift itself: drop what leading whitespace there is.
  const lead = leading(line);
  let common = 0;
  while (common < lead.length && common < indent.unit.length && lead[common] === indent.unit[common]) common++;
  return line.slice(common);
}

/** The place in the file most like `old`, for an error message; undefined when nothing is alike. */
export function closestText(
  index: LineIndex,
  old: readonly string[],
): { line: number; text: string; expected: string; whitespaceOnly: boolean } | undefined {
  const votes = new Map<number, number>();
  for (let j = 0; j < old.length; j++) {
    const key = old[j].trim();
    if (key === '') continue;
    const occ = index.byKey().get(key);
    if (!occ) continue;
    // A line that occurs everywhere says nothing about where the block belongs.
    if (occ.length > 64) continue;
    for (const p of occ) votes.set(p - j, (votes.get(p - j) ?? 0) + 1);
  }
  let best: number | undefined;
  let bestVotes = 0;
  for (const [s, v] of votes) {
    if (v > bestVotes || (v === bestVotes && best !== undefined && s < best)) {
      best = s;
      bestVotes = v;
    }
  }
  if (best === undefined) return undefined;
  const n = index.lines.length;
  // First a line whose text differs; failing that, one whose whitespace does (uneven re-indent).
  for (const loose of [true, false]) {
    for (let j = 0; j < old.length; j++) {
      const at = best + j;
      const fileLine = at >= 0 && at < n ? index.lines[at] : undefined;
      const same =
        fileLine !== undefined && (loose ? fileLine.trim() === old[j].trim() : fileLine.trimEnd() === old[j].trimEnd());
      if (!same) {
        const shown = Math.min(Math.max(at, 0), n - 1);
        return { line: shown + 1, text: index.lines[shown] ?? '', expected: old[j], whitespaceOnly: !loose };
      }
    }
  }
  const start = Math.max(best, 0);
  return { line: start + 1, text: index.lines[start] ?? '', expected: old[0] ?? '', whitespaceOnly: true };
}
