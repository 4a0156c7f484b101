// Path globs (rules.residency paths, rules.protectedPaths), matched in linear time. Regex-based matchers (picomatch,
// minimatch) backtrack: "**/a*a*a*a*b" against a 250-character name takes seconds, and both the
// pattern (a workspace policy) and the path (a task, a model's findings) can come from someone
// else. Here a pattern compiles to a short list of items and a path is matched by carrying the set
// of live items along it (a Thompson-style simulation): at most (path length + 1) × (items + 2) steps.
//
// Syntax, on workspace-relative paths with "/" separators: `*` any run of characters within a
// segment, `?` one character, `[abc]` `[a-z]` `[!x]` `[^x]` one character of a class, `{a,b}`
// alternatives (nested allowed), `**` as a whole segment any number of segments (none included;
// "dir/**" also matches "dir"), `\` escapes the next character. Wildcards match dotfiles. Anything
// else is literal.

type CharTest = (c: string) => boolean;

type Item =
  | { kind: 'one'; test: CharTest; lit?: string } // exactly one character (`lit` when it is a literal)
  | { kind: 'many'; test: CharTest } // zero or more characters
  | { kind: 'segments' } // `**/`: nothing, or anything that ends with "/"
  | { kind: 'rest' }; // `/**` at the end: nothing, or "/" and anything

const notSlash: CharTest = (c) => c !== '/';
const anyChar: CharTest = () => true;
const MAX_ALTERNATIVES = 256;

export interface GlobOptions {
  /** Compare case-insensitively (file systems that fold case). */
  nocase?: boolean;
}

/** Why a pattern cannot be used (too many alternatives), or undefined when it can: for the policy schema. */
export function globProblem(pattern: string): string | undefined {
  try {
    expandBraces(pattern);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

/** Expands `{a,b}` alternatives (nested, escaped braces left alone); an unbalanced brace is literal. */
export function expandBraces(pattern: string): string[] {
  let depth = 0;
  let open = -1;
  const commas: number[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') i++;
    else if (c === '{') {
      if (depth++ === 0) open = i;
    } else if (c === ',' && depth === 1) commas.push(i);
    else if (c === '}' && depth > 0 && --depth === 0) {
      if (commas.length === 0) {
        commas.length = 0;
        continue; // "{a}" stays literal, as in shells
      }
      const head = pattern.slice(0, open);
      const tail = pattern.slice(i + 1);
      const bounds = [open, ...commas, i];
      const out: string[] = [];
      for (let k = 0; k + 1 < bounds.length; k++) {
        for (const alt of expandBraces(head + pattern.slice(bounds[k]! + 1, bounds[k + 1]) + tail)) {
          if (out.length >= MAX_ALTERNATIVES)
            throw new Error(`"${pattern}" expands to more than ${MAX_ALTERNATIVES} patterns`);
          out.push(alt);
        }
      }
      return out;
    }
  }
  return [pattern];
}

/** `[...]` at `start`: the class test and where it ends, or undefined when it is not a class (then "[" is literal). */
function charClass(p: string, start: number, fold: (s: string) => string): { test: CharTest; end: number } | undefined {
  let i = start + 1;
  const negate = p[i] === '!' || p[i] === '^';
  if (negate) i++;
  const ranges: Array<[string, string]> = [];
  let first = true;
  for (; i < p.length; i++) {
    let c = p[i]!;
    if (c === ']' && !first) {
      const test: CharTest = (ch) => {
        if (ch === '/') return false;
        const hit = ranges.some(([lo, hi]) => ch >= lo && ch <= hi);
        return negate ? !hit : hit;
      };
      return { test, end: i };
    }
    first = false;
    if (c === '\\' && i + 1 < p.length) c = p[++i]!;
    if (p[i + 1] === '-' && p[i + 2] !== undefined && p[i + 2] !== ']') {
      ranges.push([fold(c), fold(p[i + 2]!)]);
      i += 2;
    } else ranges.push([fold(c), fold(c)]);
  }
  return undefined;
}

function compile(raw: string, fold: (s: string) => string): Item[] {
  const items: Item[] = [];
  // "./src/x" is "src/x"; "src/payments/" means everything under it.
  const pattern = raw.replace(/^(\.\/)+/, '').replace(/\/$/, '/**');
  const segments = pattern.split('/');
  segments.forEach((seg, s) => {
    const last = s === segments.length - 1;
    if (seg === '**') {
      if (segments.length === 1) items.push({ kind: 'many', test: anyChar });
      else if (last) {
        // "a/**": the "/" before it belongs to the optional tail.
        if (items.length && items[items.length - 1]!.kind === 'one') items.pop();
        items.push({ kind: 'rest' });
      } else items.push({ kind: 'segments' });
      return;
    }
    let cls: ReturnType<typeof charClass>;
    for (let i = 0; i < seg.length; i++) {
      const c = seg[i]!;
      if (c === '*') {
        while (seg[i + 1] === '*') i++;
        items.push({ kind: 'many', test: notSlash });
      } else if (c === '?') items.push({ kind: 'one', test: notSlash });
      else if (c === '[' && (cls = charClass(seg, i, fold))) {
        items.push({ kind: 'one', test: cls.test });
        i = cls.end;
      } else {
        const lit = fold(c === '\\' && i + 1 < seg.length ? seg[++i]! : c);
        items.push({ kind: 'one', test: (ch) => ch === lit, lit });
      }
    }
    if (!last) items.push({ kind: 'one', test: (ch) => ch === '/', lit: '/' });
  });
  return items;
}

/**
 * The set of live items while a path is read: a list plus a generation mark per item, so adding,
 * testing and clearing are O(1) and nothing is allocated per character. Item `n` (= items.length)
 * is "matched"; item `n + 1` is the tail of a trailing `/**`, where everything matches.
 */
class LiveSet {
  readonly list: Int32Array;
  size = 0;
  private readonly mark: Int32Array;
  private gen = 1;
  constructor(states: number) {
    this.list = new Int32Array(states);
    this.mark = new Int32Array(states);
  }
  has(i: number): boolean {
    return this.mark[i] === this.gen;
  }
  add(i: number): boolean {
    if (this.mark[i] === this.gen) return false;
    this.mark[i] = this.gen;
    this.list[this.size++] = i;
    return true;
  }
  clear(): void {
    this.gen++;
    this.size = 0;
  }
}

/** Adds `from` and every item reachable from it without reading a character. */
function close(items: readonly Item[], live: LiveSet, from: number): void {
  for (let i = from; i <= items.length && live.add(i); i++) {
    const kind = items[i]?.kind;
    // `many`, `segments` and `rest` may match nothing; `one` and the end may not be skipped.
    if (kind !== 'many' && kind !== 'segments' && kind !== 'rest') return;
  }
}

/** One compiled pattern: its items, the literal text every match starts and ends with (a cheap first test), and its two live sets. */
interface Compiled {
  items: Item[];
  prefix: string;
  suffix: string;
  sets: [LiveSet, LiveSet];
}

function literalRun(items: readonly Item[]): string {
  let out = '';
  for (const item of items) {
    if (item.kind !== 'one' || item.lit === undefined) break;
    out += item.lit;
  }
  return out;
}

function compiled(items: Item[]): Compiled {
  return {
    items,
    prefix: literalRun(items),
    suffix: [...literalRun([...items].reverse())].reverse().join(''),
    sets: [new LiveSet(items.length + 2), new LiveSet(items.length + 2)],
  };
}

function matchItems(c: Compiled, path: string, steps?: { count: number }): boolean {
  const { items } = c;
  if (!path.startsWith(c.prefix) || !path.endsWith(c.suffix)) return false;
  const end = items.length;
  const restBody = end + 1;
  let [live, next] = c.sets;
  live.clear();
  close(items, live, 0);
  for (const ch of path) {
    next.clear();
    for (let k = 0; k < live.size; k++) {
      const i = live.list[k]!;
      if (steps) steps.count++;
      if (i === restBody) {
        next.add(restBody);
        continue;
      }
      const item = items[i];
      if (!item) continue; // the end consumes nothing
      if (item.kind === 'one') {
        if (item.test(ch)) close(items, next, i + 1);
      } else if (item.kind === 'many') {
        if (item.test(ch)) {
          next.add(i);
          close(items, next, i + 1);
        }
      } else if (item.kind === 'segments') {
        next.add(i);
        if (ch === '/') close(items, next, i + 1);
      } else if (ch === '/') next.add(restBody);
    }
    if (next.size === 0) return false;
    [live, next] = [next, live];
  }
  return live.has(end) || live.has(restBody);
}

export interface GlobMatcher {
  (path: string): boolean;
  /** For tests: how many state steps the last call took. */
  readonly lastSteps: number;
}

/** A matcher for any of `patterns` (braces expanded) on normalised workspace-relative paths. */
export function globMatcher(patterns: readonly string[], opts: GlobOptions = {}): GlobMatcher {
  const fold = opts.nocase ? (s: string) => s.toLowerCase() : (s: string) => s;
  const all = patterns.flatMap((p) => expandBraces(p)).map((p) => compiled(compile(p, fold)));
  const steps = { count: 0 };
  const match = (path: string): boolean => {
    steps.count = 0;
    // Patterns were folded when compiled; the path is folded once here.
    const folded = fold(path);
    return all.some((c) => matchItems(c, folded, steps));
  };
  Object.defineProperty(match, 'lastSteps', { get: () => steps.count });
  return match as GlobMatcher;
}
