// Glob matching without regular expressions, in time bounded by the pattern's and the path's sizes.
// A regular expression built from a glob backtracks: "**/" ten times before "x" against a path forty
// folders deep ran for over a minute, and "*a*a…*b" grows exponentially — in the extension host that
// froze the editor on a pattern from a repository's policy. Here a path is matched segment by segment
// with the classic greedy wildcard walk (remember the last star; on a mismatch let it take one more
// item), once over segments with "**" as the star and once inside each segment with "*" as the star.
// Each walk is O(pattern × subject) at worst, so no input can make it stall.

const GLOBSTAR = Symbol('**');
type Segment = string | typeof GLOBSTAR;

/** Splits a glob into segments; a segment that is exactly "**" matches any number of folders (none too). */
function compile(glob: string): Segment[] {
  const out: Segment[] = [];
  for (const part of glob.split('/')) {
    if (part === '') continue;
    const seg: Segment = part === '**' ? GLOBSTAR : part.replace(/\*{2,}/g, '*');
    // "**/**/**" is one "**": consecutive globstars add nothing but work.
    if (seg === GLOBSTAR && out[out.length - 1] === GLOBSTAR) continue;
    out.push(seg);
  }
  return out;
}

/**
 * The greedy wildcard walk over any sequence: `star` items match any run (none included), every
 * other item matches exactly one element for which `one` holds. On a mismatch the last star takes one
 * more element; earlier stars never need revisiting, so the walk is O(pattern × subject) at worst.
 */
function wildcardMatch<P, S>(
  pattern: ArrayLike<P>,
  subject: ArrayLike<S>,
  isStar: (p: P) => boolean,
  one: (p: P, s: S) => boolean,
): boolean {
  let p = 0;
  let n = 0;
  let star = -1;
  let starN = 0;
  while (n < subject.length) {
    if (p < pattern.length && isStar(pattern[p]!)) {
      star = p++;
      starN = n;
    } else if (p < pattern.length && one(pattern[p]!, subject[n]!)) {
      p++;
      n++;
    } else if (star >= 0) {
      p = star + 1;
      n = ++starN;
    } else return false;
  }
  while (p < pattern.length && isStar(pattern[p]!)) p++;
  return p === pattern.length;
}

/** One name: "*" is any run of characters, "?" exactly one; everything else is literal. */
const nameMatches = (pattern: string, name: string): boolean =>
  wildcardMatch(
    pattern,
    name,
    (c) => c === '*',
    (c, ch) => c === '?' || c === ch,
  );

/** A path's folders and name: "**" is any run of them, each other segment one name. */
const segmentsMatch = (pattern: readonly Segment[], parts: readonly string[]): boolean =>
  wildcardMatch(
    pattern,
    parts,
    (seg) => seg === GLOBSTAR,
    (seg, part) => seg !== GLOBSTAR && nameMatches(seg, part),
  );

export type GlobMatcher = (path: string) => boolean;

/**
 * A matcher for one glob over relative POSIX paths: `**` (any folders, including none, so "dir/**"
 * covers "dir" itself), `*` and `?` within a name. `foldCase` compares case-insensitively.
 */
export function globMatcher(glob: string, opts: { foldCase?: boolean } = {}): GlobMatcher {
  const fold = (s: string) => (opts.foldCase ? s.toLowerCase() : s);
  const pattern = compile(fold(glob));
  return (path) => segmentsMatch(pattern, fold(path).split('/').filter(Boolean));
}
