// The locator: ranks the workspace's files (and the symbols in them) for a task, before any model
// runs. Deterministic and explainable: every file comes with the reasons it ranks where it does.
// Signals: BM25 over identifier subwords; the same over path segments, stronger for the part of the
// code base a commit-style subject names up front (`fix(complete): …`); paths, file names and
// identifiers the task names; names the file defines (quickOutline, read for every file when it is
// indexed) that the task says or names; import-graph centrality (PageRank); how often and how lately
// git saw the file change; the tests that match (their source files share in the score); files that
// change together with the best matches; and the editor (the active file, open files, their imports,
// what changes together with them); the subjects of the commits that changed each file (historySubjects).
import { closeSync, constants, fstatSync, openSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { definedName, defines, inPath, MAX_INDEX_BYTES, termCount, type FileEntry } from './fileEntry';
import { quickOutline, type QuickDef } from './quickOutline';
import { subjectMatches } from './historySubjects';
import { applyCoChange, applyTestTwins, type Scored } from './locateNeighbours';
import { queryTerms, type QueryTerms } from './queryTerms';
import type { RepoIndex } from './repoIndex';
import { compoundTerm, subwords } from './tokenize';
import { W } from './locateWeights';

export interface EditorContext {
  /** Workspace-relative path of the file in the active editor. */
  activeFile?: string;
  openFiles?: readonly string[];
}

export interface LocateOptions {
  editor?: EditorContext;
  limit?: number;
}

export interface Located {
  path: string;
  score: number;
  why: string[];
  /** Definitions in the file that match the task, best first ("Router.handle"). */
  symbols: string[];
}

export async function locate(index: RepoIndex, task: string, opts: LocateOptions = {}): Promise<Located[]> {
  const q = queryTerms(task);
  const limit = opts.limit ?? 20;
  const query: Query = {
    q,
    qts: queryTermsFor(index, q),
    named: namedIds(index, q.identifiers),
    capitalised: namedIds(index, q.capitalised),
    used: usedIds(index, q),
  };
  const scored: Scored[] = [];
  for (const e of index.files.values()) {
    const s = scoreFile(index, query, e);
    if (s) {
      s.score += definitionScore(query, e);
      scored.push(s);
    }
  }
  applyTestTwins(index, scored);
  applySubjects(index, q, scored);
  applyCoChange(index, scored);
  applyEditor(index, scored, opts.editor);
  scored.sort((a, b) => b.score - a.score);
  const head = scored.slice(0, limit);
  for (const s of head) s.why = scoreFile(index, query, s.e, true)?.why ?? [];
  // The files shown say which of their definitions match: read from these few files only.
  for (const s of head) explainDefinitions(s, q, outlineOf(index, s.e), index);
  return head.map((s) => ({
    path: s.e.path,
    score: Math.round(s.score * 1000) / 1000,
    why: reasons(s),
    symbols: (s.symbols ?? []).slice(0, 8),
  }));
}

function idf(df: number, n: number): number {
  return Math.log(1 + (n - df + 0.5) / (df + 0.5));
}

/** A task term with what scoring needs of it, looked up once per query rather than once per file. */
interface QueryTerm {
  term: string;
  /** The term as the task wrote it, for the reasons shown ("streaming", not the stem "stream"). */
  shown: string;
  weight: number;
  id: number | undefined;
  idf: number;
  pathIdf: number;
}

function queryTermsFor(index: RepoIndex, q: QueryTerms): QueryTerm[] {
  const n = index.files.size;
  // A term no file holds matches nothing: it is left out rather than looked for in every file.
  return [...q.terms].flatMap(([term, weight]) => {
    const id = index.dict.get(term);
    if (id === undefined) return [];
    const shown = q.written.get(term) ?? term;
    return [{ term, shown, weight, id, idf: idf(index.docFreqById(id), n), pathIdf: idf(index.pathDocFreq(term), n) }];
  });
}

/** The task as scoring needs it, worked out once per query rather than once per file. */
interface Query {
  q: QueryTerms;
  qts: QueryTerm[];
  /** Ids of the identifiers the task names (their last part). */
  named: number[];
  /** Exact-name ids of the task's capitalised words (a class the task mentions in passing). */
  capitalised: number[];
  /** Ids of the compound identifiers the task names, whole (parseHeader → parseheader). */
  used: number[];
}

function usedIds(index: RepoIndex, q: QueryTerms): number[] {
  const out: number[] = [];
  for (const ident of q.identifiers) {
    const last = ident.split('.').pop()!;
    const whole = compoundTerm(last);
    const id = whole ? index.dict.get(whole) : undefined;
    if (id !== undefined) out.push(id);
  }
  return out;
}

function reasons(s: Scored): string[] {
  const n = s.said?.commits ?? 0;
  const words = s.said && [...new Set(s.said.words)].slice(0, 4).join(', ');
  const said = words && [`its earlier commits say ${words} (${n} commit${n === 1 ? '' : 's'})`];
  const all = [...(s.lead ?? []), ...(s.why ?? []), ...(said ?? []), ...(s.tail ?? [])];
  return all.length ? all : ['weak match'];
}

/** A file's score for the query; with `explain`, also the reasons (written for the files shown only). */
function scoreFile(index: RepoIndex, query: Query, e: FileEntry, explain = false): Scored | undefined {
  const { q, qts } = query;
  let content = 0;
  let pathScore = 0;
  const matched: Array<[string, number]> | undefined = explain ? [] : undefined;
  const pathHits: string[] | undefined = explain ? [] : undefined;
  const norm = 1 - W.b + (W.b * e.length) / index.avgLength;
  for (const qt of qts) {
    const tf = termCount(e, qt.id);
    if (tf > 0) {
      content += (qt.weight * qt.idf * tf * (W.k1 + 1)) / (tf + W.k1 * norm);
      matched?.push([qt.shown, tf]);
    }
    const where = inPath(e, qt.id);
    if (where) {
      // The scope names a part of the code base: its folders weigh most; a file named like it, less so.
      const scoped = q.scope.has(qt.term);
      const name = where === 'name';
      pathScore +=
        qt.weight *
        qt.pathIdf *
        (scoped ? (name ? W.scopeName : W.dirTerm * W.scopePath) : name ? W.fileNameTerm : W.dirTerm);
      pathHits?.push(qt.shown);
    }
  }
  const why: string[] | undefined = explain ? [] : undefined;
  const mention = mentionScore(query, e, why);
  if (content === 0 && pathScore === 0 && mention === 0) return undefined;
  if (pathHits?.length) why?.push(`path matches: ${pathHits.join(', ')}`);
  if (matched?.length) {
    matched.sort((a, b) => b[1] - a[1]);
    const top = matched.slice(0, 4).map(([t, c]) => `${t} ×${c}`);
    why?.push(`mentions ${top.join(', ')}`);
  }
  let score = (content + pathScore) * roleFactor(q, e) * prior(index, e, why) + mention;
  if (!Number.isFinite(score)) score = 0;
  return why ? { e, score, why } : { e, score };
}

/** Paths and compound identifiers the task names, in the file; reasons into `why` when given. */
function mentionScore({ q, used }: Query, e: FileEntry, why?: string[]): number {
  if (!q.paths.length && !used.length) return 0;
  let score = 0;
  const say = (reason: string) => why?.push(reason);
  const base = q.paths.length ? e.path.slice(e.path.lastIndexOf('/') + 1) : '';
  for (const p of q.paths) {
    const clean = p.replace(/^\.?\//, '');
    if (e.path === clean || e.path.endsWith('/' + clean)) {
      score += W.pathNamed;
      say(`named in the task (${p})`);
    } else if (!clean.includes('/') && base === clean) {
      score += W.fileNameNamed;
      say(`file name named in the task (${p})`);
    } else if (clean.includes('/') && !/\.[a-z]+$/i.test(clean) && e.path.startsWith(clean + '/')) {
      score += W.dirNamed;
      say(`in a folder the task names (${p})`);
    }
  }
  for (const id of used) if (termCount(e, id) > 0) score += W.identifierUsed;
  return score;
}

function roleFactor(q: QueryTerms, e: FileEntry): number {
  switch (e.role) {
    case 'source':
      return 1;
    case 'test':
      return q.aboutTests ? W.testWhenAsked : W.test;
    case 'docs':
      return q.aboutDocs ? W.docsWhenAsked : W.docs;
    case 'config':
      return W.config;
    default:
      return W.data;
  }
}

/** Centrality and history as a multiplier on the lexical score, with a reason when either is notable. */
function prior(index: RepoIndex, e: FileEntry, why?: string[]): number {
  const rank = index.rank.get(e.path) ?? 0;
  if (why && rank > 0.2) {
    const importers = index.importedBy.get(e.path)?.length ?? 0;
    if (importers >= 3) why.push(`central: imported by ${importers} files`);
  }
  const h = index.history.files.get(e.path);
  let recent = 0;
  if (h) {
    const ageDays = Math.max(0, (index.history.newest - h.lastChange) / 86_400);
    recent = Math.log1p(h.commits) / Math.log1p(50) + 1 / (1 + ageDays / 90);
    if (why && h.commits >= 5) why.push(`changed in ${h.commits} recent commits`);
  }
  return 1 + W.rank * Math.sqrt(rank) + W.history * Math.min(2, recent);
}

function applyEditor(index: RepoIndex, scored: Scored[], editor?: EditorContext): void {
  if (!editor?.activeFile && !editor?.openFiles?.length) return;
  const byPath = new Map(scored.map((s) => [s.e.path, s]));
  const top = scored.reduce((m, s) => Math.max(m, s.score), 1);
  const bump = (p: string, amount: number, reason: string) => {
    let s = byPath.get(p);
    const e = index.files.get(p);
    if (!s && e) {
      s = { e, score: 0 };
      scored.push(s);
      byPath.set(p, s);
    }
    if (!s) return;
    s.score += top * amount;
    (s.lead ??= []).unshift(reason);
  };
  const active = editor.activeFile;
  if (active) {
    bump(active, W.activeFile, 'the active file in the editor');
    for (const p of index.imports.get(active) ?? []) bump(p, W.activeNeighbour, 'imported by the active file');
    for (const p of index.importedBy.get(active) ?? []) bump(p, W.activeNeighbour / 2, 'imports the active file');
    for (const c of index.coChanged(active, 5)) {
      if (c.times >= 2) bump(c.path, W.activeNeighbour, `changes together with the active file (${c.times} commits)`);
    }
  }
  for (const p of editor.openFiles ?? []) if (p !== active) bump(p, W.openFile, 'open in the editor');
}

/** Exact-name term ids of the identifiers the task names (their last part: Router.handle → handle). */
function namedIds(index: RepoIndex, words: readonly string[]): number[] {
  return words.flatMap((w) => index.dict.get(definedName(w.split('.').pop()!)) ?? []);
}

/** Defining what the task names, or names made of the task's words, adds to a file's score. */
function definitionScore({ qts, named, capitalised }: Query, e: FileEntry): number {
  if (!e.nd) return 0;
  for (const id of named) if (defines(e, id)) return W.definesNamed;
  let score = 0;
  for (const qt of qts) if (defines(e, qt.id)) score += qt.weight * qt.idf * W.defTerm;
  const capital = capitalised.some((id) => defines(e, id)) ? W.definesCapitalised : 0;
  return Math.min(W.defCap, score) + capital;
}

/**
 * The file's definitions, read again for the few files shown (none when it cannot be read as
 * indexed). Synchronous: ten small reads cost less than the promises around them would.
 */
function outlineOf(index: RepoIndex, e: FileEntry): QuickDef[] {
  if (!e.nd) return [];
  let fd: number | undefined;
  try {
    // Never through a symlink: the index never follows one, and neither does this.
    fd = openSync(path.join(index.root, e.path), constants.O_RDONLY | constants.O_NOFOLLOW);
    const st = fstatSync(fd);
    if (!st.isFile() || st.size > MAX_INDEX_BYTES) return [];
    return quickOutline(readFileSync(fd, 'utf8'), e.lang);
  } catch {
    return [];
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function explainDefinitions(s: Scored, q: QueryTerms, defs: readonly QuickDef[], index: RepoIndex): void {
  const n = index.files.size;
  const wanted = new Set(q.identifiers.map((i) => i.split('.').pop()!.toLowerCase()));
  const hits: Array<{ label: string; score: number }> = [];
  for (const d of defs) {
    const label = d.container ? `${d.container}.${d.name}` : d.name;
    let score = 0;
    if (wanted.has(d.name.toLowerCase())) score += W.definesNamed;
    for (const t of new Set(subwords(d.name))) {
      const w = q.terms.get(t);
      if (w) score += w * idf(index.docFreq(t), n) * W.defTerm * (d.kind === 'method' ? 0.5 : 1);
    }
    if (score > 0) hits.push({ label, score });
  }
  if (!hits.length) return;
  hits.sort((a, b) => b.score - a.score);
  const named = hits.filter((h) => h.score >= W.definesNamed);
  s.symbols = [...new Set(hits.map((h) => h.label))];
  (s.why ??= []).unshift(
    named.length
      ? `defines ${named
          .map((h) => h.label)
          .slice(0, 3)
          .join(', ')} (named in the task)`
      : `defines ${hits
          .map((h) => h.label)
          .slice(0, 3)
          .join(', ')}`,
  );
}

/** Files whose earlier commits' subjects say the task's words gain W.subjects of that BM25 score (historySubjects.ts). */
function applySubjects(index: RepoIndex, q: QueryTerms, scored: Scored[]): void {
  if (!W.subjects || !index.history.subjects.length) return;
  const byPath = new Map(scored.map((s) => [s.e.path, s]));
  for (const [p, m] of subjectMatches(index.history, q.terms, { k1: W.subjectK1, b: W.subjectB })) {
    const e = index.files.get(p);
    if (!e) continue;
    let s = byPath.get(p);
    if (!s) scored.push((s = { e, score: 0 }));
    s.score += W.subjects * m.score * roleFactor(q, e);
    s.said = m;
  }
}
