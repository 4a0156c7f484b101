// What earlier commits said about each file. A commit's subject describes its change in the words a
// task uses ("fix(oauth2): handle SameSite=Strict"), and the files it changed are where such a change
// went. Each file's subjects (of the commits git read that changed it) make a small document of its
// own, ranked for the task with BM25 like file contents: a file whose past commits say the task's
// words lends the locator a reason to rank it even when its code does not say them.
// Work per query: one pass over the subjects of the SUBJECT_COMMITS newest commits, cutting into
// subwords (memoised) only those that can hold a term of the task, with maps only for the task's terms.
import type { History } from './gitHistory';
import { subwords } from './tokenize';

const WORD = /[A-Za-z_$][A-Za-z0-9_$]*/g;
/** Only the newest commits' subjects count: on the tune split the older half of HISTORY_COMMITS added nothing, and the pass costs half. */
export const SUBJECT_COMMITS = 500;

export interface SubjectMatch {
  score: number;
  /** How many of the file's commits say one of the task's words. */
  commits: number;
  /** The task's terms its commits say, most telling first. */
  terms: string[];
  /** The words of the subjects that said them, as written, in the same order. */
  words: string[];
}

export interface SubjectParams {
  k1: number;
  b: number;
}

const idf = (df: number, n: number) => Math.log(1 + (n - df + 0.5) / (df + 0.5));

/** BM25 of each file's commit subjects for the task's terms (term → weight); files none of whose subjects match are left out. */
export function subjectMatches(
  history: Pick<History, 'commits' | 'subjects'>,
  terms: ReadonlyMap<string, number>,
  p: SubjectParams,
): Map<string, SubjectMatch> {
  const { commits, subjects } = history;
  const length = new Map<string, number>();
  /** term → file → commits of the file whose subject says the term. */
  const tf = new Map<string, Map<string, number>>();
  const hitCommits = new Map<string, number>();
  /** term → the first subject word that said it. */
  const spelled = new Map<string, string>();
  // A term is a stem of the words that say it, so a subject that holds none of the terms' first
  // letters cannot say one: most subjects are passed over without being cut into subwords.
  const probes = [...terms.keys()].map((t) => t.slice(0, 4));
  for (let k = 0; k < Math.min(subjects.length, commits.length, SUBJECT_COMMITS); k++) {
    const subject = subjects[k]!;
    const lower = subject.toLowerCase();
    const hits = probes.some((p) => lower.includes(p)) ? termsSaid(subject, terms, spelled) : [];
    // The subject's length in words, as BM25 wants it, counted by its spaces (cheaper than cutting it up).
    const words = 1 + spaces(subject);
    for (const f of commits[k]!) {
      length.set(f, (length.get(f) ?? 0) + words);
      if (!hits.length) continue;
      hitCommits.set(f, (hitCommits.get(f) ?? 0) + 1);
      for (const t of hits) {
        let byFile = tf.get(t);
        if (!byFile) tf.set(t, (byFile = new Map()));
        byFile.set(f, (byFile.get(f) ?? 0) + 1);
      }
    }
  }
  const out = new Map<string, SubjectMatch>();
  if (!tf.size) return out;
  let total = 0;
  for (const v of length.values()) total += v;
  const avg = total / length.size || 1;
  const n = length.size;
  const parts: Array<[string, string, number]> = [];
  for (const [t, byFile] of tf) {
    const w = idf(byFile.size, n) * terms.get(t)!;
    for (const [f, count] of byFile) {
      const norm = 1 - p.b + (p.b * length.get(f)!) / avg;
      parts.push([f, t, (w * count * (p.k1 + 1)) / (count + p.k1 * norm)]);
    }
  }
  parts.sort((a, b) => b[2] - a[2]);
  for (const [f, t, s] of parts) {
    const m = out.get(f);
    if (m) {
      m.score += s;
      m.terms.push(t);
      m.words.push(spelled.get(t)!);
    } else out.set(f, { score: s, commits: hitCommits.get(f)!, terms: [t], words: [spelled.get(t)!] });
  }
  return out;
}

/** The task's terms among the subwords of a subject's words, each once. */
function termsSaid(subject: string, terms: ReadonlyMap<string, number>, spelled: Map<string, string>): string[] {
  const out = new Set<string>();
  for (const w of subject.match(WORD) ?? []) {
    for (const t of subwords(w)) {
      if (!terms.has(t)) continue;
      out.add(t);
      if (!spelled.has(t)) spelled.set(t, w);
    }
  }
  return [...out];
}

function spaces(s: string): number {
  let n = 0;
  for (let i = s.indexOf(' '); i >= 0; i = s.indexOf(' ', i + 1)) n++;
  return n;
}
