// The index cache's bytes: "SYIX", a format version, a small JSON header, then sections — NUL-joined
// UTF-8 string columns and typed-array columns, each 8-byte aligned — that load as views on the
// file's buffer: no number passes through JSON, and what the index would otherwise recompute on
// every load (each term's document frequency, each file's length) is stored. History paths and
// import targets are numbers into the file list. What is derived from a path (language, role, path
// terms) is stored too: bump VERSION whenever the rules deriving anything stored change. Loading
// makes one small object per file and nothing per term: every file's term ids stay in one array
// (FileEntry's `t`), and the vocabulary stays one string until a term is added (TermDict).
// This file lays the format out and writes it; indexCacheRead.ts reads it.
import type { FileEntry } from './fileEntry';
import type { History } from './gitHistory';
import { LANGS, ROLES } from './languages';
import type { IndexStats, RepoIndex } from './repoIndex';
import { TermDict } from './termDict';

export const MAGIC = 0x58495953; // "SYIX" little-endian
/**
 * 9: the tokenizer also keeps digit-ended word parts whole (oauth2), so older term ids are stale;
 * 8: each term's path document frequency stored; 7: path terms as term ids, the vocabulary with its starts.
 */
export const CACHE_VERSION = 9;
/** Separates records in a joined column: never in a path git lists, nor in a term or a specifier. */
export const SEP = '\0';

export const STRINGS = ['root', 'terms', 'dirs', 'paths', 'specs', 'otherPaths', 'defs'] as const;
export const U32 = [
  'termStarts',
  'kinds',
  'counts',
  'defCounts',
  'pathCounts',
  'lengths',
  'terms32',
  'df',
  'pathDf',
  'imports',
  'importCounts',
  'parsed',
  'historyPaths',
  'historyCommits',
  'commitFiles',
  'commitSizes',
] as const;
export const F64 = ['sizes', 'mtimes', 'ranks', 'dirMtimes', 'historyLast'] as const;
export type StringCol = (typeof STRINGS)[number];
export type U32Col = (typeof U32)[number];
export type F64Col = (typeof F64)[number];

export interface Header {
  head?: string;
  newest: number;
  listedBy: 'git' | 'walk';
  skipped: Record<string, number>;
  /** Byte offset and length of every section, by name. */
  at: Record<string, [number, number]>;
}

export interface CacheData {
  root: string;
  files: FileEntry[];
  dict: TermDict;
  /** Content-term document frequency by term id, as the files above add up to. */
  df: Uint32Array;
  /** Path-term document frequency by term id (a term twice in one path counts once). */
  pathDf: Uint32Array;
  /** Each file's import specifiers (FileEntry's specs), made when first asked for. */
  specs: () => Map<string, string>;
  /** The import graph, made when first asked for (the warm path seldom needs it). */
  imports: () => Map<string, string[]>;
  rank: Map<string, number>;
  history: History;
  dirMtimes: Map<string, number>;
  stats: IndexStats;
}

export type Columns = { [K in StringCol]: string } & { [K in U32Col]: Uint32Array } & { [K in F64Col]: Float64Array };

export const align8 = (n: number) => (n + 7) & ~7;
/** How many numbers a file's run of term ids holds (FileEntry's `t`). */
const runLength = (e: FileEntry) => 2 * e.n + e.nd + e.np;

function columnsOf(index: RepoIndex): Columns {
  const files = [...index.files.values()];
  const number = new Map(files.map((e, i) => [e.path, i]));
  const otherPaths: string[] = [];
  const num = (p: string): number => {
    let n = number.get(p);
    if (n === undefined) {
      n = files.length + otherPaths.length;
      otherPaths.push(p);
      number.set(p, n);
    }
    return n;
  };
  const imports: number[] = [];
  const importCounts = files.map((e) => {
    const targets = (index.imports.get(e.path) ?? []).flatMap((t) => number.get(t) ?? []);
    imports.push(...targets);
    return targets.length;
  });
  const terms32 = new Uint32Array(files.reduce((n, e) => n + runLength(e), 0));
  let at = 0;
  for (const e of files) {
    terms32.set(e.t.subarray(e.at, e.at + runLength(e)), at);
    at += runLength(e);
  }
  const { joined, starts } = index.dict.joinedNames();
  const history = [...index.history.files];
  const df = new Uint32Array(index.dict.size);
  for (let id = 0; id < df.length; id++) df[id] = index.docFreqById(id);
  const pathDf = Uint32Array.from(index.pathDocFreqs().subarray(0, df.length));
  return {
    root: index.root,
    terms: joined,
    dirs: [...index.dirMtimes.keys()].join(SEP),
    paths: files.map((e) => e.path).join(SEP),
    specs: files.map((e) => index.specsOf(e)).join(SEP),
    defs: files.flatMap((e) => (e.defs ? [JSON.stringify(e.defs)] : [])).join(SEP),
    termStarts: starts,
    kinds: Uint32Array.from(files, (e) => LANGS.indexOf(e.lang) | (ROLES.indexOf(e.role) << 8) | (e.nameTerms << 16)),
    counts: Uint32Array.from(files, (e) => e.n),
    defCounts: Uint32Array.from(files, (e) => e.nd),
    pathCounts: Uint32Array.from(files, (e) => e.np),
    lengths: Uint32Array.from(files, (e) => e.length),
    terms32,
    df,
    pathDf,
    imports: Uint32Array.from(imports),
    importCounts: Uint32Array.from(importCounts),
    parsed: Uint32Array.from(files.flatMap((e, i) => (e.defs ? [i] : []))),
    historyPaths: Uint32Array.from(history, ([p]) => num(p)),
    historyCommits: Uint32Array.from(history, ([, h]) => h.commits),
    commitFiles: Uint32Array.from(index.history.commits.flatMap((c) => c.map(num))),
    commitSizes: Uint32Array.from(index.history.commits, (c) => c.length),
    // Numbered last: history and commits may add paths that are not indexed files.
    otherPaths: otherPaths.join(SEP),
    sizes: Float64Array.from(files, (e) => e.size),
    mtimes: Float64Array.from(files, (e) => e.mtimeMs),
    ranks: Float64Array.from(files, (e) => index.rank.get(e.path) ?? 0),
    dirMtimes: Float64Array.from(index.dirMtimes.values()),
    historyLast: Float64Array.from(history, ([, h]) => h.lastChange),
  };
}

export function encodeCache(index: RepoIndex): Buffer {
  const cols = columnsOf(index);
  const parts: Array<[string, Uint8Array]> = [
    ...STRINGS.map((k): [string, Uint8Array] => [k, Buffer.from(cols[k], 'utf8')]),
    ...[...U32, ...F64].map((k): [string, Uint8Array] => {
      const a = cols[k];
      return [k, new Uint8Array(a.buffer, a.byteOffset, a.byteLength)];
    }),
  ];
  const at: Header['at'] = {};
  let offset = 0;
  for (const [k, bytes] of parts) {
    at[k] = [offset, bytes.length];
    offset = align8(offset + bytes.length);
  }
  const header: Header = {
    ...(index.history.head ? { head: index.history.head } : {}),
    newest: index.history.newest,
    listedBy: index.stats.listedBy,
    skipped: index.stats.skipped,
    at,
  };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const dataAt = align8(12 + json.length);
  const out = Buffer.alloc(dataAt + offset);
  out.writeUInt32LE(MAGIC, 0);
  out.writeUInt32LE(CACHE_VERSION, 4);
  out.writeUInt32LE(json.length, 8);
  json.copy(out, 12);
  for (const [k, bytes] of parts) out.set(bytes, dataAt + at[k]![0]);
  return out;
}
