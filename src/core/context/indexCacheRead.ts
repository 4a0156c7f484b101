// Reads the index cache (see indexCacheFormat.ts for the layout): in two steps, so that whether the
// cache is still current can be told from a few columns before anything per file is made, and every
// count and id checked against the columns it points into: a damaged cache reads as no cache.
import type { Definition } from './definitions';
import type { FileEntry } from './fileEntry';
import type { History } from './gitHistory';
import {
  CACHE_VERSION,
  F64,
  MAGIC,
  SEP,
  STRINGS,
  U32,
  align8,
  type CacheData,
  type Columns,
  type F64Col,
  type Header,
  type StringCol,
} from './indexCacheFormat';
import { LANGS, ROLES } from './languages';
import { TermDict } from './termDict';

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

/** Columns read only when asked for: the warm path seldom needs them. */
const LAZY: ReadonlySet<StringCol> = new Set<StringCol>(['specs', 'defs']);

/** The sections as strings and views (a copy first when the buffer is not 8-byte aligned). */
function sections(bytes: Buffer, h: Header, dataAt: number): Columns {
  const base = (bytes.byteOffset + dataAt) % 8 === 0 ? bytes : Buffer.from(Uint8Array.prototype.slice.call(bytes));
  const start = base.byteOffset + dataAt;
  const out: Record<string, unknown> = {};
  for (const k of STRINGS) {
    const from = dataAt + h.at[k]![0];
    const to = from + h.at[k]![1];
    if (!LAZY.has(k)) out[k] = base.toString('utf8', from, to);
    else {
      let text: string | undefined;
      Object.defineProperty(out, k, { get: () => (text ??= base.toString('utf8', from, to)) });
    }
  }
  for (const k of U32) out[k] = new Uint32Array(base.buffer, start + h.at[k]![0], h.at[k]![1] / 4);
  for (const k of F64) out[k] = new Float64Array(base.buffer, start + h.at[k]![0], h.at[k]![1] / 8);
  return out as Columns;
}

const split = (s: string) => (s ? s.split(SEP) : []);
/** A column known to hold `n` records, some of which may be empty strings. */
const splitN = (s: string, n: number) => (n ? s.split(SEP) : []);
/** Plain loops: a warm `locate` runs these once, before any of it is optimised. */
function sum(a: Uint32Array): number {
  let n = 0;
  for (let i = 0; i < a.length; i++) n += a[i]!;
  return n;
}
function within(a: Uint32Array, max: number): boolean {
  for (let i = 0; i < a.length; i++) if (a[i]! >= max) return false;
  return true;
}

/**
 * A cache opened: its header and columns, checked to add up, and what tells whether it is still
 * current (root, HEAD, folders, paths, sizes and mtimes) — before anything per file is made, so
 * the check runs while the heap is still small (see indexCache's cacheCurrent).
 */
export interface OpenedCache {
  root: string;
  head: string | undefined;
  paths: string[];
  sizes: Float64Array;
  mtimes: Float64Array;
  dirs: string[];
  dirMtimes: Float64Array;
  /** The rest, for decodeOpened. */
  readonly columns: Columns;
  readonly header: Header;
}

/** The cache's columns, or undefined when the bytes are not a cache of this version or do not add up. */
export function openCache(bytes: Buffer): OpenedCache | undefined {
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
  if (c.df.length !== terms || c.pathDf.length !== terms || !vocabularyFits(c.terms, c.termStarts)) return undefined;
  if (c.terms32.length !== 2 * sum(c.counts) + sum(c.defCounts) + sum(c.pathCounts)) return undefined;
  if (!within(c.imports, n) || !within(c.parsed, n) || sum(c.importCounts) !== c.imports.length) return undefined;
  if (sum(c.commitSizes) !== c.commitFiles.length || c.historyCommits.length !== c.historyPaths.length)
    return undefined;
  if (c.historyLast.length !== c.historyPaths.length) return undefined;
  const dirs = splitN(c.dirs, c.dirMtimes.length);
  if (dirs.length !== c.dirMtimes.length) return undefined;
  return {
    root: c.root,
    head: h.head,
    paths,
    sizes: c.sizes,
    mtimes: c.mtimes,
    dirs,
    dirMtimes: c.dirMtimes,
    columns: c,
    header: h,
  };
}

/** Everything an opened cache holds, or undefined when its per-file runs do not add up. */
export function decodeOpened(o: OpenedCache): CacheData | undefined {
  const { columns: c, header: h, paths } = o;
  const n = paths.length;
  const terms = c.termStarts.length;
  const allPaths = paths.concat(split(c.otherPaths));
  if (!within(c.commitFiles, allPaths.length) || !within(c.historyPaths, allPaths.length)) return undefined;
  const defs = c.parsed.length ? split(c.defs) : [];
  if (defs.length !== c.parsed.length) return undefined;
  const files = filesOf(c, paths, terms, defs);
  if (!files) return undefined;
  const dirMtimes = new Map<string, number>();
  for (let i = 0; i < o.dirs.length; i++) dirMtimes.set(o.dirs[i]!, o.dirMtimes[i]!);
  return {
    root: c.root,
    files,
    dict: TermDict.fromJoined(c.terms, c.termStarts),
    df: c.df,
    pathDf: c.pathDf,
    imports: () => importsOf(c, paths),
    specs: () => specsOf(c, paths),
    rank: ranksOf(c, paths),
    history: historyOf(c, h, allPaths),
    dirMtimes,
    stats: { files: n, skipped: h.skipped, listedBy: h.listedBy, buildMs: 0 },
  };
}

/** The cache's content, or undefined when the bytes are not a cache of this version or do not add up. */
export function decodeCache(bytes: Buffer): CacheData | undefined {
  const opened = openCache(bytes);
  return opened && decodeOpened(opened);
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
    const entry: FileEntry = {
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
    };
    const defsOf = parsed.get(i);
    if (defsOf) entry.defs = defsOf;
    files.push(entry);
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
  let subjects: string[] | undefined;
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
    // Read when first asked for (the column stays undecoded until then); one per commit, or none.
    get subjects() {
      if (subjects) return subjects;
      const all = splitN(c.subjects, c.commitSizes.length);
      return (subjects = all.length === c.commitSizes.length ? all : []);
    },
  };
}
