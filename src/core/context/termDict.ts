// The index's vocabulary: every term gets a small integer id, so a file's terms are two typed arrays
// (ids, counts) rather than a Map of strings — a tenth of the memory, a cache that loads as a few
// views on one buffer, and scoring by binary search. Also remembers, per distinct identifier, the
// term ids it yields, since code repeats its identifiers endlessly.
import { identTerm, splitSubwords } from './tokenize';

const NO_TERMS: readonly number[] = [];
/** Distinct identifiers remembered before the memo starts over (a bound on memory, not on results). */
const MAX_IDENTS = 400_000;

export class TermDict {
  private readonly ids: Map<string, number>;
  readonly names: string[];
  private readonly idents = new Map<string, readonly number[]>();
  /** Scratch counts indexed by term id, all zero between calls (see tokenize's fileTerms). */
  private scratch = new Int32Array(4096);

  constructor(names: string[] = []) {
    this.names = names;
    this.ids = new Map();
    for (let i = 0; i < names.length; i++) this.ids.set(names[i]!, i);
  }

  get size(): number {
    return this.names.length;
  }

  /** The term's id, adding it when new. */
  id(term: string): number {
    let id = this.ids.get(term);
    if (id === undefined) {
      id = this.names.length;
      this.names.push(term);
      this.ids.set(term, id);
    }
    return id;
  }

  /** The term's id, or undefined when no file has ever held it. */
  get(term: string): number | undefined {
    return this.ids.get(term);
  }

  /** Term ids of one identifier: its subwords, and the whole of it when it has more than one. */
  identTerms(ident: string): readonly number[] {
    let out = this.idents.get(ident);
    if (out) return out;
    const parts = splitSubwords(ident);
    if (parts.length === 0) out = NO_TERMS;
    else {
      const ids = parts.map((p) => this.id(p));
      if (parts.length > 1) ids.push(this.id(identTerm(ident)));
      out = ids;
    }
    if (this.idents.size >= MAX_IDENTS) this.idents.clear();
    this.idents.set(ident, out);
    return out;
  }

  /** A zeroed counter array covering every id; callers must zero what they touched before returning. */
  counters(): Int32Array {
    if (this.scratch.length < this.names.length) {
      const bigger = new Int32Array(Math.max(this.names.length * 2, 4096));
      bigger.set(this.scratch);
      this.scratch = bigger;
    }
    return this.scratch;
  }
}
