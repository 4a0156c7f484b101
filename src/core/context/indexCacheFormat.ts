// The index cache's bytes: "SYIX", a format version, a small JSON header, then sections — NUL-joined
// UTF-8 string columns and typed-array columns, each 8-byte aligned — that load as views on the
// file's buffer: no number passes through JSON, and what the index would otherwise recompute on
// every load (each term's document frequency, each file's length) is stored. History paths and
// import targets are numbers into the file list. What is derived from a path (language, role, path
// terms) is stored too: bump VERSION whenever the rules deriving anything stored change. Loading
// makes one small object per file and nothing per term: every file's term ids stay in one array
// (FileEntry's `t`), and the vocabulary stays one string until a term is added (TermDict).
import type { Definition } from './definitions';
import type { FileEntry } from './fileEntry';
import type { History } from './gitHistory';
import { LANGS, ROLES } from './languages';
import type { IndexStats, RepoIndex } from './repoIndex';
import { TermDict } from './termDict';

const MAGIC = 0x58495953; // "SYIX" little-endian
/** 7: path terms as term ids in the files' term runs, language and role as numbers, the vocabulary with its starts. */
export const CACHE_VERSION = 8;
/** Separates records in a joined column: never in a path git lists, nor in a term or a specifier. */
const SEP = '\0';

const STRINGS = ['root', 'terms', 'dirs', 'paths', 'specs', 'otherPaths', 'defs'] as const;
const U32 = [
  'termStarts',
  'kinds',
  'counts',
  'defCounts',
  'pathCounts',
  'lengths',
  'terms32',
  'df',
  'imports',
  'importCounts',
  'parsed',
  'historyPaths',
  'historyCommits',
  'commitFiles',
  'commitSizes',
] as const;
const F64 = ['sizes', 'mtimes', 'ranks', 'dirMtimes', 'historyLast'] as const;
type StringCol = (typeof STRINGS)[number];
type U32Col = (typeof U32)[number];
type F64Col = (typeof F64)[number];

interface Header {
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
  /** Each file's import specifiers (FileEntry's specs), made when first asked for. */
  specs: () => Map<string, string>;
  /** The import graph, made when first asked for (the warm path seldom needs it). */
  imports: () => Map<string, string[]>;
  rank: Map<string, number>;
  history: History;
  dirMtimes: Map<string, number>;
  stats: IndexStats;
}

type Columns = { [K in StringCol]: string } & { [K in U32Col]: Uint32Array } & { [K in F64Col]: Float64Array };

const align8 = (n: number) => (n + 7) & ~7;
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

const isNumbers = (v: unknown): boolean => typeof v === 'object' && v !== null && Object.values(v).every(isCount);
const isCount = (x: unknown) => typeof x === 'number' && Number.isInteger(x) && x >= 0;

/** The header's shape, checked by hand (zod alone would cost more to load than a warm answer may take). */
function asHeader(v: unknown, dataBytes: number): Header | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const h = v as Record<string, unknown>;
  if (typeof h.newest !== 'number' || (h.head !== undefined && typeof h.head !== 'string')) return undefined;
  if (h.listedBy !== 'git' && h.listedBy !== 'walk') return undefined;
  if (!isNumbers(h.skipped) || typeof h.at !== 'object' || h.at === null) return undefined;
  const at = h.at as Record<string, unknown>;
  for (const k of [...STRINGS, ...U32, ...F64]) {
    const s = at[k];
    if (!Array.isArray(s) || s.length !== 2 || !s.every(isCount) || s[0] + s[1] > dataBytes) return undefined;
    if (
      s[0] % 8 !== 0 ||
      ((U32 as readonly string[]).includes(k) ? s[1] % 4 : F64.includes(k as F64Col) ? s[1] % 8 : 0)
    )
      return undefined;
  }
  return h as unknown as Header;
}

/** The sections as strings and views (a copy first when the buffer is not 8-byte aligned). */
function sections(bytes: Buffer, h: Header, dataAt: number): Columns {
  const base = (bytes.byteOffset + dataAt) % 8 === 0 ? bytes : Buffer.from(Uint8Array.prototype.slice.call(bytes));
  const start = base.byteOffset + dataAt;
  const out: Record<string, unknown> = {};
  for (const k of STRINGS) out[k] = base.toString('utf8', dataAt + h.at[k]![0], dataAt + h.at[k]![0] + h.at[k]![1]);
  for (const k of U32) out[k] = new Uint32Array(base.buffer, start + h.at[k]![0], h.at[k]![1] / 4);
  for (const k of F64) out[k] = new Float64Array(base.buffer, start + h.at[k]![0], h.at[k]![1] / 8);
  return out as Columns;
}

const split = (s: string) => (s ? s.split(SEP) : []);
/** A column known to hold `n` records, some of which may be empty strings. */
const splitN = (s: string, n: number) => (n ? s.split(SEP) : []);
const sum = (a: Uint32Array) => a.reduce((n, x) => n + x, 0);
const within = (a: Uint32Array, max: number) => a.every((x) => x < max);

/** The cache's content, or undefined when the bytes are not a cache of this version or do not add up. */
export function decodeCache(bytes: Buffer): CacheData | undefined {
  if (bytes.length < 12 || bytes.readUInt32LE(0) !== MAGIC || bytes.readUInt32LE(4) !== CACHE_VERSION) return undefined;
  const jsonLength = bytes.readUInt32LE(8);
  if (12 + jsonLength > bytes.length) return undefined;
  const dataAt = align8(12 + jsonLength);
  let h: Header | undefined;
  try {
    h = asHeader(JSON.parse(bytes.toString('utf8', 12, 12 + jsonLength)), bytes.length - dataAt);
  } catch {
    return undefined;
  }
  if (!h) return undefined;
  const c = sections(bytes, h, dataAt);
  const paths = split(c.paths);
  const n = paths.length;
  const perFile = [c.kinds, c.sizes, c.mtimes, c.counts, c.defCounts, c.pathCounts, c.lengths, c.ranks];
  if (perFile.some((col) => col.length !== n) || c.importCounts.length !== n) return undefined;
  const terms = c.termStarts.length;
  if (c.df.length !== terms || !vocabularyFits(c.terms, c.termStarts)) return undefined;
  if (c.terms32.length !== 2 * sum(c.counts) + sum(c.defCounts) + sum(c.pathCounts)) return undefined;
  const allPaths = [...paths, ...split(c.otherPaths)];
  if (!within(c.imports, n) || !within(c.parsed, n) || sum(c.importCounts) !== c.imports.length) return undefined;
  if (!within(c.commitFiles, allPaths.length) || !within(c.historyPaths, allPaths.length)) return undefined;
  if (sum(c.commitSizes) !== c.commitFiles.length || c.historyCommits.length !== c.historyPaths.length)
    return undefined;
  if (c.historyLast.length !== c.historyPaths.length) return undefined;
  const defs = split(c.defs);
  if (defs.length !== c.parsed.length) return undefined;
  const files = filesOf(c, paths, terms, defs);
  if (!files) return undefined;
  const dirs = splitN(c.dirs, c.dirMtimes.length);
  if (dirs.length !== c.dirMtimes.length) return undefined;
  return {
    root: c.root,
    files,
    dict: TermDict.fromJoined(c.terms, c.termStarts),
    df: c.df,
    imports: () => importsOf(c, paths),
    specs: () => specsOf(c, paths),
    rank: ranksOf(c, paths),
    history: historyOf(c, h, allPaths),
    dirMtimes: new Map(dirs.map((d, i) => [d, c.dirMtimes[i]!])),
    stats: { files: n, skipped: h.skipped, listedBy: h.listedBy, buildMs: 0 },
  };
}

/** The joined vocabulary starts and ends with a separator, and every name starts inside it, in order. */
function vocabularyFits(joined: string, starts: Uint32Array): boolean {
  if (joined.length < 2 || joined[0] !== SEP || joined[joined.length - 1] !== SEP) return starts.length === 0;
  if (!starts.length) return joined.length === 2;
  return (
    starts[0] === 1 && starts[starts.length - 1]! < joined.length && joined[starts[starts.length - 1]! - 1] === SEP
  );
}

function filesOf(c: Columns, paths: string[], terms: number, defs: string[]): FileEntry[] | undefined {
  const parsed = new Map<number, Definition[]>();
  try {
    c.parsed.forEach((i, k) => parsed.set(i, JSON.parse(defs[k]!) as Definition[]));
  } catch {
    return undefined;
  }
  const t = c.terms32;
  const files: FileEntry[] = [];
  let at = 0;
  for (let i = 0; i < paths.length; i++) {
    const n = c.counts[i]!;
    const nd = c.defCounts[i]!;
    const np = c.pathCounts[i]!;
    const kind = c.kinds[i]!;
    const lang = LANGS[kind & 0xff];
    const role = ROLES[(kind >>> 8) & 0xff];
    const nameTerms = kind >>> 16;
    // The id runs ascend, so their last ids bound them; an id outside the vocabulary means damage.
    if (!lang || !role || nameTerms > np || (n && t[at + n - 1]! >= terms) || (nd && t[at + 2 * n + nd - 1]! >= terms))
      return undefined;
    for (let k = at + 2 * n + nd; k < at + 2 * n + nd + np; k++) if (t[k]! >= terms) return undefined;
    const defsOf = parsed.get(i);
    files.push({
      path: paths[i]!,
      size: c.sizes[i]!,
      mtimeMs: c.mtimes[i]!,
      lang,
      role,
      t,
      at,
      n,
      nd,
      np,
      nameTerms,
      length: c.lengths[i]!,
      ...(defsOf ? { defs: defsOf } : {}),
    });
    at += 2 * n + nd + np;
  }
  return files;
}

function importsOf(c: Columns, paths: string[]): Map<string, string[]> {
  const imports = new Map<string, string[]>();
  let from = 0;
  for (let i = 0; i < c.importCounts.length; i++) {
    const count = c.importCounts[i]!;
    if (!count) continue;
    const targets = new Array<string>(count);
    for (let k = 0; k < count; k++) targets[k] = paths[c.imports[from + k]!]!;
    imports.set(paths[i]!, targets);
    from += count;
  }
  return imports;
}

function specsOf(c: Columns, paths: string[]): Map<string, string> {
  const out = new Map<string, string>();
  const specs = splitN(c.specs, paths.length);
  // A column that does not add up (damage) counts as no imports rather than someone else's.
  if (specs.length !== paths.length) return out;
  for (let i = 0; i < paths.length; i++) if (specs[i]) out.set(paths[i]!, specs[i]!);
  return out;
}

function ranksOf(c: Columns, paths: string[]): Map<string, number> {
  const rank = new Map<string, number>();
  for (let i = 0; i < paths.length; i++) rank.set(paths[i]!, c.ranks[i]!);
  return rank;
}

/** History as the cache holds it; each commit's files are made into paths only when first asked for. */
function historyOf(c: Columns, h: Header, allPaths: string[]): History {
  const files = new Map<string, { commits: number; lastChange: number }>();
  for (let k = 0; k < c.historyPaths.length; k++)
    files.set(allPaths[c.historyPaths[k]!]!, { commits: c.historyCommits[k]!, lastChange: c.historyLast[k]! });
  let commits: string[][] | undefined;
  const decodeCommits = (): string[][] => {
    const out: string[][] = [];
    let from = 0;
    for (const size of c.commitSizes) {
      out.push(Array.from(c.commitFiles.subarray(from, from + size), (j) => allPaths[j]!));
      from += size;
    }
    return out;
  };
  return {
    head: h.head,
    newest: h.newest,
    files,
    get commits() {
      return (commits ??= decodeCommits());
    },
  };
}
