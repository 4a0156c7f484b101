// The index cache's bytes: "SYIX", a format version, a JSON header (paths, sizes, mtimes, imports,
// definitions, history, the term dictionary) and then every file's term ids and counts as one block
// of 32-bit integers, which loads as views on the file's buffer instead of millions of parsed
// numbers. History paths and import targets are numbers into the file list, so no path repeats.
import { z } from 'zod';
import type { Definition } from './definitions';
import type { RepoIndex } from './repoIndex';

const MAGIC = 0x58495953; // "SYIX" little-endian
const VERSION = 3;

const DefSchema = z.tuple([z.string(), z.string(), z.number(), z.number(), z.string().optional()]);

const HeaderSchema = z.object({
  root: z.string(),
  head: z.string().optional(),
  newest: z.number(),
  listedBy: z.enum(['git', 'walk']),
  skipped: z.record(z.string(), z.number()),
  terms: z.array(z.string()),
  dirs: z.array(z.tuple([z.string(), z.number()])),
  files: z.array(
    z.object({
      p: z.string(),
      s: z.number(),
      m: z.number(),
      /** How many distinct terms: the file's share of the integer block is n ids then n counts. */
      n: z.number().int().nonnegative(),
      i: z.array(z.string()),
      /** Files it imports, as numbers into `files`. */
      g: z.array(z.number().int()),
      r: z.number(),
      d: z.array(DefSchema).optional(),
    }),
  ),
  /** History paths that are not indexed files, numbered after the files. */
  otherPaths: z.array(z.string()),
  history: z.array(z.tuple([z.number().int(), z.number(), z.number()])),
  commits: z.array(z.array(z.number().int())),
});

type Header = z.infer<typeof HeaderSchema>;

export interface CacheData extends Omit<Header, 'files'> {
  files: Array<Omit<Header['files'][number], 'd'> & { d?: Definition[] }>;
  termData: Uint32Array;
  /** Where each file's ids start in termData. */
  termOffsets: number[];
}

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
  const header: Header = {
    root: index.root,
    ...(index.history.head ? { head: index.history.head } : {}),
    newest: index.history.newest,
    listedBy: index.stats.listedBy,
    skipped: index.stats.skipped,
    terms: index.dict.names,
    dirs: [...index.dirMtimes],
    files: files.map((e) => ({
      p: e.path,
      s: e.size,
      m: e.mtimeMs,
      n: e.tids.length,
      i: e.specs,
      g: (index.imports.get(e.path) ?? []).map((t) => number.get(t)).filter((i): i is number => i !== undefined),
      r: index.rank.get(e.path) ?? 0,
      ...(e.defs
        ? { d: e.defs.map((d) => [d.name, d.kind, d.line, d.endLine, ...(d.container ? [d.container] : [])]) }
        : {}),
    })) as Header['files'],
    history: [...index.history.files].map(([p, h]) => [num(p), h.commits, h.lastChange]),
    commits: index.history.commits.map((c) => c.map(num)),
    otherPaths,
  };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const dataAt = align4(12 + json.length);
  let ints = 0;
  for (const e of files) ints += 2 * e.tids.length;
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
  const parsed = HeaderSchema.safeParse(JSON.parse(bytes.toString('utf8', 12, 12 + jsonLength)));
  if (!parsed.success) return undefined;
  const h = parsed.data;
  const dataAt = align4(12 + jsonLength);
  const ints = (bytes.length - dataAt) / 4;
  const termOffsets: number[] = [];
  let need = 0;
  for (const f of h.files) {
    termOffsets.push(need);
    need += 2 * f.n;
  }
  if (need !== ints) return undefined;
  // Views need 4-byte alignment in the underlying buffer; a pooled Buffer may not give it.
  const aligned = (bytes.byteOffset + dataAt) % 4 === 0;
  const termData = aligned
    ? new Uint32Array(bytes.buffer, bytes.byteOffset + dataAt, ints)
    : new Uint32Array(Uint8Array.from(bytes.subarray(dataAt)).buffer);
  // Ids come first in each file's share; one outside the dictionary means the cache is damaged.
  for (let i = 0; i < h.files.length; i++) {
    const at = termOffsets[i]!;
    for (let k = at; k < at + h.files[i]!.n; k++) if (termData[k]! >= h.terms.length) return undefined;
  }
  const files = h.files.map((f) => ({ ...f, d: f.d?.map(defOf) }));
  return { ...h, files, termData, termOffsets };
}

function defOf([name, kind, line, endLine, container]: z.infer<typeof DefSchema>): Definition {
  return { name, kind: kind as Definition['kind'], line, endLine, ...(container ? { container } : {}) };
}

function align4(n: number): number {
  return (n + 3) & ~3;
}
