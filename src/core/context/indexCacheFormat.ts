// The index cache's bytes: "SYIX", a format version, a JSON header and then every file's term ids
// and counts as one block of 32-bit integers, which loads as views on the file's buffer. The header
// is columnar — one joined string or one number array per field, not an object per file — so it
// parses and validates in a few milliseconds for thousands of files; history paths and import
// targets are numbers into the file list. What is derived from a path (language, role, path terms)
// is stored too: bump VERSION whenever the rules deriving it change.
import type { Definition } from './definitions';
import type { FileEntry } from './fileEntry';
import type { History } from './gitHistory';
import type { FileRole, LangId } from './languages';
import type { IndexStats, RepoIndex } from './repoIndex';

const MAGIC = 0x58495953; // "SYIX" little-endian
const VERSION = 4;
/** Separates records in a joined column: never in a path git lists, nor in a term or a specifier. */
const SEP = '\0';

type Def = [number, string, string, number, number] | [number, string, string, number, number, string];

interface Header {
  root: string;
  head?: string;
  newest: number;
  listedBy: 'git' | 'walk';
  skipped: Record<string, number>;
  terms: string;
  dirs: string;
  dirMtimes: number[];
  paths: string;
  /** Per file: "lang role nameTerms pathTerm pathTerm …". */
  derived: string;
  sizes: number[];
  mtimes: number[];
  /** Distinct terms per file: its share of the integer block is that many ids, then as many counts. */
  counts: number[];
  ranks: number[];
  /** Per file: its import specifiers joined by newlines. */
  specs: string;
  /** Imported files (numbers into paths), all files' lists one after another; importCounts splits them. */
  imports: number[];
  importCounts: number[];
  /** Parsed definitions: [file number, name, kind, line, endLine, container?]. */
  defs: Def[];
  /** Files whose definitions were parsed (some have none). */
  parsed: number[];
  /** History paths that are not indexed files, numbered after the files. */
  otherPaths: string;
  /** [path number, commits, last change] flattened. */
  history: number[];
  /** Each commit's files (path numbers), one after another; commitSizes splits them. */
  commitFiles: number[];
  commitSizes: number[];
}

const STRINGS = ['root', 'terms', 'dirs', 'paths', 'derived', 'specs', 'otherPaths'] as const;
const NUMBER_ARRAYS = [
  'dirMtimes',
  'sizes',
  'mtimes',
  'counts',
  'ranks',
  'imports',
  'importCounts',
  'history',
  'commitFiles',
  'commitSizes',
  'parsed',
] as const;

const isNumbers = (v: unknown): v is number[] => Array.isArray(v) && v.every((x) => typeof x === 'number');

/**
 * The header's shape, checked by hand rather than with zod: this file is the CLI's own, read on
 * every `locate`, and loading zod alone costs more than the whole warm answer may take.
 */
function asHeader(v: unknown): Header | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const h = v as Record<string, unknown>;
  if (STRINGS.some((k) => typeof h[k] !== 'string') || NUMBER_ARRAYS.some((k) => !isNumbers(h[k]))) return undefined;
  if (typeof h.newest !== 'number' || (h.head !== undefined && typeof h.head !== 'string')) return undefined;
  if (h.listedBy !== 'git' && h.listedBy !== 'walk') return undefined;
  if (typeof h.skipped !== 'object' || h.skipped === null || !isNumbers(Object.values(h.skipped))) return undefined;
  const defOk = (d: unknown) =>
    Array.isArray(d) &&
    (d.length === 5 || (d.length === 6 && typeof d[5] === 'string')) &&
    typeof d[0] === 'number' &&
    typeof d[1] === 'string' &&
    typeof d[2] === 'string' &&
    typeof d[3] === 'number' &&
    typeof d[4] === 'number';
  if (!Array.isArray(h.defs) || !h.defs.every(defOk)) return undefined;
  return h as unknown as Header;
}

export interface CacheData {
  root: string;
  files: FileEntry[];
  dict: string[];
  imports: Map<string, string[]>;
  rank: Map<string, number>;
  history: History;
  dirMtimes: Map<string, number>;
  stats: IndexStats;
}

const join = (xs: readonly string[]) => xs.join(SEP);
const split = (s: string) => (s ? s.split(SEP) : []);
/** A column known to hold `n` records, some of which may be empty strings. */
const splitN = (s: string, n: number) => (n ? s.split(SEP) : []);

export function encodeCache(index: RepoIndex): Buffer {
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
  const defs: Header['defs'] = files.flatMap((e, i) =>
    (e.defs ?? []).map((d): Def =>
      d.container ? [i, d.name, d.kind, d.line, d.endLine, d.container] : [i, d.name, d.kind, d.line, d.endLine],
    ),
  );
  const history = [...index.history.files].flatMap(([p, h]) => [num(p), h.commits, h.lastChange]);
  const header: Header = {
    root: index.root,
    ...(index.history.head ? { head: index.history.head } : {}),
    newest: index.history.newest,
    listedBy: index.stats.listedBy,
    skipped: index.stats.skipped,
    terms: join(index.dict.names),
    dirs: join([...index.dirMtimes.keys()]),
    dirMtimes: [...index.dirMtimes.values()],
    paths: join(files.map((e) => e.path)),
    derived: join(files.map((e) => [e.lang, e.role, e.nameTerms, ...e.pathTerms].join(' '))),
    sizes: files.map((e) => e.size),
    mtimes: files.map((e) => e.mtimeMs),
    counts: files.map((e) => e.tids.length),
    ranks: files.map((e) => index.rank.get(e.path) ?? 0),
    specs: join(files.map((e) => e.specs.join('\n'))),
    imports,
    importCounts,
    defs,
    parsed: files.flatMap((e, i) => (e.defs ? [i] : [])),
    otherPaths: '',
    history,
    commitFiles: index.history.commits.flatMap((c) => c.map(num)),
    commitSizes: index.history.commits.map((c) => c.length),
  };
  // Numbered last: history and commits may add paths that are not indexed files.
  header.otherPaths = join(otherPaths);
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const dataAt = align4(12 + json.length);
  const ints = 2 * header.counts.reduce((n, c) => n + c, 0);
  const out = Buffer.alloc(dataAt + ints * 4);
  out.writeUInt32LE(MAGIC, 0);
  out.writeUInt32LE(VERSION, 4);
  out.writeUInt32LE(json.length, 8);
  json.copy(out, 12);
  const data = new Uint32Array(out.buffer, out.byteOffset + dataAt, ints);
  let at = 0;
  for (const e of files) {
    data.set(e.tids, at);
    data.set(e.tfs, at + e.tids.length);
    at += 2 * e.tids.length;
  }
  return out;
}

/** The cache's content, or undefined when the bytes are not a cache of this version or do not add up. */
export function decodeCache(bytes: Buffer): CacheData | undefined {
  if (bytes.length < 12 || bytes.readUInt32LE(0) !== MAGIC || bytes.readUInt32LE(4) !== VERSION) return undefined;
  const jsonLength = bytes.readUInt32LE(8);
  if (12 + jsonLength > bytes.length) return undefined;
  const h = asHeader(JSON.parse(bytes.toString('utf8', 12, 12 + jsonLength)));
  if (!h) return undefined;
  const paths = split(h.paths);
  const n = paths.length;
  const dict = split(h.terms);
  const derived = splitN(h.derived, n);
  const specs = splitN(h.specs, n);
  const columns = [derived, specs, h.sizes, h.mtimes, h.counts, h.ranks, h.importCounts];
  if (columns.some((c) => c.length !== n)) return undefined;
  const dataAt = align4(12 + jsonLength);
  const ints = (bytes.length - dataAt) / 4;
  if (ints !== 2 * h.counts.reduce((s, c) => s + c, 0)) return undefined;
  // Views need 4-byte alignment in the underlying buffer; a pooled Buffer may not give it.
  const data =
    (bytes.byteOffset + dataAt) % 4 === 0
      ? new Uint32Array(bytes.buffer, bytes.byteOffset + dataAt, ints)
      : new Uint32Array(Uint8Array.from(bytes.subarray(dataAt)).buffer);
  const defs = new Map<number, Definition[]>(h.parsed.map((i) => [i, []]));
  for (const [i, name, kind, line, endLine, container] of h.defs) {
    const list = defs.get(i) ?? [];
    list.push({ name, kind: kind as Definition['kind'], line, endLine, ...(container ? { container } : {}) });
    defs.set(i, list);
  }
  const files: FileEntry[] = [];
  let at = 0;
  for (let i = 0; i < n; i++) {
    const count = h.counts[i]!;
    const tids = data.subarray(at, at + count);
    const tfs = data.subarray(at + count, at + 2 * count);
    at += 2 * count;
    let length = 0;
    for (let k = 0; k < count; k++) {
      // An id outside the dictionary means the cache is damaged.
      if (tids[k]! >= dict.length) return undefined;
      length += tfs[k]!;
    }
    const [lang, role, nameTerms, ...pathTerms] = derived[i]!.split(' ');
    files.push({
      path: paths[i]!,
      size: h.sizes[i]!,
      mtimeMs: h.mtimes[i]!,
      lang: lang as LangId,
      role: role as FileRole,
      pathTerms,
      nameTerms: Number(nameTerms),
      tids,
      tfs,
      length,
      specs: specs[i] ? specs[i]!.split('\n') : [],
      ...(defs.has(i) ? { defs: defs.get(i) } : {}),
    });
  }
  const allPaths = [...paths, ...split(h.otherPaths)];
  const outside = (xs: number[], max: number) => xs.some((x) => !(x >= 0 && x < max));
  if (
    outside(h.imports, n) ||
    outside(h.commitFiles, allPaths.length) ||
    outside(
      h.defs.map((d) => d[0]),
      n,
    )
  )
    return undefined;
  if (h.history.some((x, k) => k % 3 === 0 && !(x >= 0 && x < allPaths.length))) return undefined;
  const imports = new Map<string, string[]>();
  let from = 0;
  h.importCounts.forEach((c, i) => {
    if (c)
      imports.set(
        paths[i]!,
        h.imports.slice(from, from + c).map((j) => paths[j]!),
      );
    from += c;
  });
  const historyFiles = new Map<string, { commits: number; lastChange: number }>();
  for (let k = 0; k + 2 < h.history.length; k += 3) {
    historyFiles.set(allPaths[h.history[k]!]!, { commits: h.history[k + 1]!, lastChange: h.history[k + 2]! });
  }
  const commits: string[][] = [];
  from = 0;
  for (const c of h.commitSizes) {
    commits.push(h.commitFiles.slice(from, from + c).map((j) => allPaths[j]!));
    from += c;
  }
  const dirs = splitN(h.dirs, h.dirMtimes.length);
  if (dirs.length !== h.dirMtimes.length) return undefined;
  return {
    root: h.root,
    files,
    dict,
    imports,
    rank: new Map(paths.map((p, i) => [p, h.ranks[i]!])),
    history: { head: h.head, newest: h.newest, files: historyFiles, commits },
    dirMtimes: new Map(dirs.map((d, i) => [d, h.dirMtimes[i]!])),
    stats: { files: n, skipped: h.skipped, listedBy: h.listedBy, buildMs: 0 },
  };
}

function align4(n: number): number {
  return (n + 3) & ~3;
}
