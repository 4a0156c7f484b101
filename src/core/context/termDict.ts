// The index's vocabulary: every term gets a small integer id, so a file's terms are two typed arrays
// (ids, counts) rather than a Map of strings — a tenth of the memory, a cache that loads as a few
// views on one buffer, and scoring by binary search. Also remembers, per distinct identifier, the
// term ids it yields, since code repeats its identifiers endlessly: in an open-addressing table
// keyed by a hash the tokenizer computes as it scans, so an identifier seen before costs neither a
// substring nor a string hash. A vocabulary restored from a cache stays one string until it must grow.
import { identTerm, splitSubwords } from './tokenize';

const NO_TERMS: readonly number[] = [];
/** Distinct identifiers remembered before the memo starts over (a bound on memory, not on results). */
const MAX_IDENTS = 400_000;
/** Separates the names in a joined vocabulary (never in a term). */
export const TERM_SEP = '\0';

export class TermDict {
  private ids: Map<string, number> | undefined;
  private list: string[] | undefined;
  /**
   * A vocabulary restored from a cache: its names joined by TERM_SEP (one leading, one trailing)
   * and where each starts. It is looked up a few dozen times per query, so it is searched as it is
   * and split into names only when a term is added or the names are asked for.
   */
  private joined: string | undefined;
  private starts: Uint32Array | undefined;
  private found: Map<string, number | undefined> | undefined;
  /** The memo: slot → hash and identifier number + 1 (0: empty); identifiers and their term ids. */
  private slotHash = new Int32Array(1 << 14);
  private slotIdent = new Int32Array(1 << 14);
  private identText: string[] = [];
  private identIds: Array<readonly number[]> = [];
  /** Scratch counts indexed by term id, all zero between calls (see tokenize's fileTerms). */
  private scratch = new Int32Array(4096);

  constructor(names: string[] = []) {
    this.list = names;
  }

  /** A vocabulary from joinedNames' string (as a cache stores it) and the start of every name in it. */
  static fromJoined(joined: string, starts: Uint32Array): TermDict {
    const dict = new TermDict();
    dict.list = undefined;
    dict.joined = joined;
    dict.starts = starts;
    return dict;
  }

  /** The names joined as fromJoined takes them, and where each starts. */
  joinedNames(): { joined: string; starts: Uint32Array } {
    if (this.joined !== undefined && this.starts) return { joined: this.joined, starts: this.starts };
    const names = this.names;
    const starts = new Uint32Array(names.length);
    let at = 1;
    for (let i = 0; i < names.length; i++) {
      starts[i] = at;
      at += names[i]!.length + 1;
    }
    return { joined: TERM_SEP + names.join(TERM_SEP) + TERM_SEP, starts };
  }

  get names(): string[] {
    if (!this.list) {
      const j = this.joined ?? TERM_SEP + TERM_SEP;
      this.list = j.length > 2 ? j.slice(1, -1).split(TERM_SEP) : [];
      this.joined = undefined;
      this.starts = undefined;
      this.found = undefined;
    }
    return this.list;
  }

  private get byName(): Map<string, number> {
    if (!this.ids) {
      const names = this.names;
      this.ids = new Map();
      for (let i = 0; i < names.length; i++) this.ids.set(names[i]!, i);
    }
    return this.ids;
  }

  get size(): number {
    return this.list ? this.list.length : this.starts!.length;
  }

  /** The term's id, adding it when new. */
  id(term: string): number {
    let id = this.byName.get(term);
    if (id === undefined) {
      id = this.names.length;
      this.names.push(term);
      this.byName.set(term, id);
    }
    return id;
  }

  /** The term's id, or undefined when no file has ever held it. */
  get(term: string): number | undefined {
    if (this.joined === undefined || !this.starts) return this.byName.get(term);
    this.found ??= new Map();
    if (this.found.has(term)) return this.found.get(term);
    const at = term.includes(TERM_SEP) ? -1 : this.joined.indexOf(TERM_SEP + term + TERM_SEP);
    const k = at < 0 ? -1 : sortedIndexOf(this.starts, 0, this.starts.length, at + 1);
    const id = k < 0 ? undefined : k;
    this.found.set(term, id);
    return id;
  }

  /** Term ids of one identifier: its subwords, and the whole of it when it has more than one. */
  identTerms(ident: string): readonly number[] {
    const hash = identHash(ident);
    const mask = this.slotHash.length - 1;
    let slot = hash & mask;
    for (let k = this.slotIdent[slot]!; k !== 0; k = this.slotIdent[slot]!) {
      if (this.slotHash[slot] === hash && this.identText[k - 1] === ident) return this.identIds[k - 1]!;
      slot = (slot + 1) & mask;
    }
    return this.remember(ident, hash, slot);
  }

  /**
   * identTerms of the ASCII identifier in bytes[start, end), whose identHash the caller computed
   * as it scanned: a known identifier costs no string at all.
   */
  identTermsAt(bytes: Uint8Array, start: number, end: number, hash: number): readonly number[] {
    const mask = this.slotHash.length - 1;
    const len = end - start;
    let slot = hash & mask;
    for (let k = this.slotIdent[slot]!; k !== 0; k = this.slotIdent[slot]!) {
      if (this.slotHash[slot] === hash) {
        const known = this.identText[k - 1]!;
        if (known.length === len && sameBytes(known, bytes, start)) return this.identIds[k - 1]!;
      }
      slot = (slot + 1) & mask;
    }
    return this.remember(String.fromCharCode.apply(null, Array.from(bytes.subarray(start, end))), hash, slot);
  }

  private remember(ident: string, hash: number, slot: number): readonly number[] {
    if (this.identText.length >= MAX_IDENTS) {
      // The memo is full: start it over (a bound on memory, not on results).
      this.slotHash.fill(0);
      this.slotIdent.fill(0);
      this.identText = [];
      this.identIds = [];
      return this.identTerms(ident);
    }
    const out = this.termsOf(ident);
    this.identText.push(ident);
    this.identIds.push(out);
    this.slotHash[slot] = hash;
    this.slotIdent[slot] = this.identText.length;
    if (this.identText.length * 2 > this.slotHash.length) this.grow();
    return out;
  }

  private termsOf(ident: string): readonly number[] {
    const parts = splitSubwords(ident);
    if (parts.length === 0) return NO_TERMS;
    const ids = parts.map((p) => this.id(p));
    const whole = parts.length > 1 ? identTerm(ident) : undefined;
    if (whole && !parts.includes(whole)) ids.push(this.id(whole));
    return ids;
  }

  private grow(): void {
    const hashes = this.slotHash;
    const idents = this.slotIdent;
    this.slotHash = new Int32Array(hashes.length * 2);
    this.slotIdent = new Int32Array(hashes.length * 2);
    const mask = this.slotHash.length - 1;
    for (let i = 0; i < hashes.length; i++) {
      if (idents[i] === 0) continue;
      let slot = hashes[i]! & mask;
      while (this.slotIdent[slot] !== 0) slot = (slot + 1) & mask;
      this.slotHash[slot] = hashes[i]!;
      this.slotIdent[slot] = idents[i]!;
    }
  }

  /** A zeroed counter array covering every id; callers must zero what they touched before returning. */
  counters(): Int32Array {
    if (this.scratch.length < this.size) {
      const bigger = new Int32Array(Math.max(this.size * 2, 4096));
      bigger.set(this.scratch);
      this.scratch = bigger;
    }
    return this.scratch;
  }
}

/** The hash the memo is keyed by: FNV-1a over the identifier's (ASCII) char codes. */
export function identHash(ident: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < ident.length; i++) h = Math.imul(h ^ ident.charCodeAt(i), 0x01000193);
  return h;
}

/** Where the value sits in the ascending run ids[from, to), or -1 (a binary search). */
export function sortedIndexOf(ids: Uint32Array, from: number, to: number, value: number): number {
  let lo = from;
  let hi = to - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = ids[mid]!;
    if (v === value) return mid;
    if (v < value) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

function sameBytes(known: string, bytes: Uint8Array, start: number): boolean {
  for (let i = 0; i < known.length; i++) if (known.charCodeAt(i) !== bytes[start + i]) return false;
  return true;
}
