// The locator's signals that come from a file's neighbours rather than its own text: the test that
// matches the task lends to the source file it tests, and the files git saw changing with the best
// matches share in their score. Also the shape of a file's score while the locator ranks it.
import type { FileEntry } from './fileEntry';
import type { SubjectMatch } from './historySubjects';
import type { RepoIndex } from './repoIndex';
import { W } from './locateWeights';

export interface Scored {
  e: FileEntry;
  score: number;
  /** Reasons from the file's own match: written only for the files shown (see explain). */
  why?: string[];
  /** Reasons from the editor, shown first; from a matching test, shown last. */
  lead?: string[];
  tail?: string[];
  /** What the file's earlier commits said of the task's words (historySubjects). */
  said?: SubjectMatch;
  symbols?: string[];
}

/** The name a test file tests: test_termui.py → termui, router_test.go → router, FooTest.java → Foo. */
export function testedName(path: string): string | undefined {
  const base = path.slice(path.lastIndexOf('/') + 1).replace(/\.[A-Za-z0-9]+$/, '');
  const m = /^test_(.+)$|^(.+?)[._-](test|spec|tests)$|^(.+?)Tests?$/.exec(base);
  const name = m?.[1] ?? m?.[2] ?? m?.[4];
  return name && name.length > 1 ? name : undefined;
}

/**
 * The source files a test's tested name points at: those with that base name, else those with the
 * longest base name the tested name starts with, up to a word boundary (ProcessBulkImportUsersCronJob
 * → ProcessBulkImportUsers, client_auth → client). Names shorter than four characters never match.
 */
export function twinsOf(byName: ReadonlyMap<string, string[]>, name: string): string[] {
  const exact = byName.get(name);
  if (exact) return exact;
  for (let i = name.length - 1; i >= 4; i--) {
    if (!/[A-Z_.-]/.test(name[i]!)) continue;
    const found = byName.get(name.slice(0, i));
    if (found) return found;
  }
  return [];
}

/**
 * A test that matches the task points at the code it tests: tests often say a feature's words more
 * plainly than the code. The source file with the tested name inherits part of the test's score.
 */
export function applyTestTwins(index: RepoIndex, scored: Scored[]): void {
  const byName = index.sourcesByBaseName();
  const byPath = new Map(scored.map((s) => [s.e.path, s]));
  for (const t of scored.filter((x) => x.e.role === 'test')) {
    const name = testedName(t.e.path);
    const twins = name ? twinsOf(byName, name) : [];
    if (twins.length === 0 || twins.length > 3) continue;
    for (const p of twins) {
      let s = byPath.get(p);
      if (!s) {
        const e = index.files.get(p)!;
        s = { e, score: 0 };
        scored.push(s);
        byPath.set(p, s);
      }
      s.score += t.score * W.testTwin;
      (s.tail ??= []).push(`its test ${t.e.path} matches the task`);
    }
  }
}

/**
 * Files that git history shows changing together with the best matches share in their score: a
 * change to one completion script usually touches its siblings. Only the few best matches lend,
 * only partners seen with them in two commits or more, in proportion to how often.
 */
export function applyCoChange(index: RepoIndex, scored: Scored[]): void {
  if (!W.coChange || !index.history.commits.length) return;
  const top = [...scored].sort((a, b) => b.score - a.score).slice(0, W.coChangeFrom);
  const byPath = new Map(scored.map((s) => [s.e.path, s]));
  for (const t of top) {
    const seen = index.history.files.get(t.e.path)?.commits ?? 0;
    if (seen < 2) continue;
    for (const c of index.coChanged(t.e.path, 8)) {
      const e = index.files.get(c.path);
      if (c.times < 2 || !e || e.role !== 'source') continue;
      let s = byPath.get(c.path);
      if (!s) {
        s = { e, score: 0 };
        scored.push(s);
        byPath.set(c.path, s);
      }
      s.score += t.score * W.coChange * (c.times / seen);
      (s.tail ??= []).push(`changes together with ${t.e.path} (${c.times} commits)`);
    }
  }
}
