// What a task says, for the locator: its words as the same stemmed subwords the index holds, the
// identifiers it names (`parseHeader`, snake_case, Foo.bar, backticked code), and the paths and
// file names it names (src/x.ts, router.go). Each kind weighs differently when files are ranked.
import { compoundTerm, splitSubwords, STOP, stem, subwords } from './tokenize';

export interface QueryTerms {
  /** Stemmed subwords with weights (repeated words count more, up to a point). */
  terms: Map<string, number>;
  /** A term as the task first wrote it ("authent" → "authentication"), for the reasons shown. */
  written: Map<string, string>;
  /** Identifiers the task names, as written. */
  identifiers: string[];
  /** Capitalised words after the first (`Command`, `Element`): often the name of a class. */
  capitalised: string[];
  /** Path-like mentions (with a slash or a file extension), as written. */
  paths: string[];
  /** The task talks about tests, so test files are not held back. */
  aboutTests: boolean;
  /** The task talks about documentation. */
  aboutDocs: boolean;
  /**
   * Terms of the part of the code base the subject names up front: a conventional commit's scope
   * (`fix(complete): …` → complet) or a leading component (`ignore: …`, `completions: …`).
   */
  scope: Set<string>;
}

/** Commit types that say what kind of change, not where (`fix: …`, `feat(x): …`). */
const KINDS = new Set(
  'fix fixes feat feature chore docs doc refactor test tests perf style build ci revert release deps bump wip hotfix breaking'.split(
    ' ',
  ),
);
const PREFIX = /^\s*([A-Za-z][\w.-]*)(?:\(([^)]{1,60})\))?!?:\s/;

/** The scope's terms: what is in a conventional commit's parentheses, else a leading name that is not a kind. */
function scopeTerms(task: string): Set<string> {
  const m = PREFIX.exec(task);
  const named = m?.[2] ?? (m && !KINDS.has(m[1]!.toLowerCase()) ? m[1] : undefined);
  const out = new Set<string>();
  for (const w of named?.match(/[A-Za-z_$][A-Za-z0-9_$]*/g) ?? []) for (const s of subwords(w)) out.add(s);
  return out;
}

const CODE_SPAN = /`([^`\n]{1,120})`/g;
const PATHISH =
  /(?:^|[\s("'`[])((?:[\w.-]+\/)*[\w-]+\.[A-Za-z][A-Za-z0-9]{0,7}|(?:[\w.-]+\/)+[\w.-]+)(?=$|[\s)"'`,:;!?\]]|\.(?:\s|$))/g;
const WORD = /[A-Za-z_$][A-Za-z0-9_$]*(?:\.[A-Za-z_$][A-Za-z0-9_$]*)*(?:\(\))?/g;
const NOT_FILES = /^(e\.g|i\.e|etc|vs|v\d.*|\d+(\.\d+)*)$/i;

/** Looks like code rather than English: camelCase, snake_case, a call, a dotted name, an acronym with lower case. */
function looksLikeIdentifier(w: string): boolean {
  return /[a-z][A-Z]|[A-Z]{2,}[a-z]|_|\(\)$|\.[a-z_]/.test(w) || /^[A-Z][a-z]+[A-Z]/.test(w);
}

export function queryTerms(task: string): QueryTerms {
  const terms = new Map<string, number>();
  const identifiers = new Set<string>();
  const paths = new Set<string>();
  const written = new Map<string, string>();
  const add = (t: string, w: number) => terms.set(t, Math.min(3, (terms.get(t) ?? 0) + w));

  for (const m of task.matchAll(PATHISH)) {
    const p = m[1]!.replace(/[.]+$/, '');
    if (!NOT_FILES.test(p) && /[/]|\.[a-z]{1,5}$/i.test(p) && !/^[a-z]+\.[a-z]+\(/.test(p)) paths.add(p);
  }
  for (const m of task.matchAll(CODE_SPAN)) {
    for (const w of m[1]!.matchAll(WORD)) identifiers.add(w[0].replace(/\(\)$/, ''));
  }
  // A conventional commit's type (`feat(ui): …`, `docs: …`) says what kind of change, not where: not a term.
  const kind = PREFIX.exec(task);
  const body =
    kind && KINDS.has(kind[1]!.toLowerCase()) ? ' '.repeat(kind[1]!.length) + task.slice(kind[1]!.length) : task;
  for (const m of body.matchAll(WORD)) {
    const raw = m[0].replace(/\(\)$/, '');
    if (looksLikeIdentifier(m[0]) && !paths.has(raw)) identifiers.add(raw);
    for (const part of raw.split('.')) {
      const subs = splitSubwords(part, written);
      for (const s of subs) add(s, 1);
      // A plain word that is not a stop word but splits to nothing (e.g. "io") still counts.
      if (subs.length === 0 && part.length >= 2 && !STOP.has(part.toLowerCase())) add(stem(part.toLowerCase()), 1);
    }
  }
  for (const id of identifiers) {
    for (const part of id.split('.')) {
      const whole = compoundTerm(part);
      if (whole) add(whole, 2);
    }
  }
  return {
    terms,
    written,
    identifiers: [...identifiers].filter((i) => !paths.has(i)),
    capitalised: [...new Set([...task.matchAll(/(?<=\s)[A-Z][a-z0-9]{2,}\b/g)].map((m) => m[0]))],
    paths: [...paths],
    aboutTests: /\b(tests?|spec|specs|testing|unit test|coverage|flaky)\b/i.test(task),
    aboutDocs: /\b(docs?|documentation|readme|changelog)\b/i.test(task),
    scope: scopeTerms(task),
  };
}
