// The workspace index: every indexable file's terms, path terms and imports, the import graph with
// its PageRank, document frequencies for BM25, and git history. Built in chunks that yield to the
// event loop, so the extension host never stalls; kept fresh by `update()` (the extension's file
// watchers call it) or by `refresh()` (re-lists and re-reads only files whose size or mtime moved —
// how the CLI revalidates a cached index). Definitions are parsed by tree-sitter on demand and kept.
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { definitionsOf, type Definition } from './definitions';
import { contentIds, readEntry, termCount, type FileEntry } from './fileEntry';
import { listWorkspaceFiles, skipByName } from './fileList';
import { folderMtimes, rootBase, sameEntries, sameFile } from './freshness';
import { coChanged, readHead, readHistory, type History } from './gitHistory';
import { goModuleOf, ImportResolver } from './imports';
import { grammarOf } from './languages';
import { pageRank } from './pageRank';
import { TermDict } from './termDict';

export interface IndexOptions {
  /** The host's rule for secret-looking paths (pipeline/workspaceReader's looksSecret): never indexed. */
  isSecret: (relPath: string) => boolean;
  /** Most files indexed (the rest are counted as skipped). */
  maxFiles?: number;
  /** Commits of history read. */
  historyCommits?: number;
}

export interface IndexStats {
  files: number;
  skipped: Record<string, number>;
  listedBy: 'git' | 'walk';
  buildMs: number;
}

/** Synchronous reading runs in slices this long (ms), with a turn for the event loop between them. */
const SLICE_MS = 12;
const yieldToLoop = () => new Promise<void>((r) => setImmediate(r));

export class RepoIndex {
  readonly files = new Map<string, FileEntry>();
  /** The vocabulary the files' term ids refer to (replaced wholesale when a cache is restored). */
  dict = new TermDict();
  /** Content-term document frequency, by term id. */
  private dfById = new Int32Array(4096);
  /** Path-term document frequency by term id, counted in one pass when first asked for after files changed (or restored). */
  private pathDfs: Int32Array | undefined;
  private graph: { imports: Map<string, string[]>; importedBy: Map<string, string[]> } | undefined = {
    imports: new Map(),
    importedBy: new Map(),
  };
  /** Import specifiers of restored entries (see FileEntry's specs), read when first needed. */
  private restoredSpecs: (() => ReadonlyMap<string, string>) | undefined;
  private specsByPath: ReadonlyMap<string, string> | undefined;
  /** Where a restored graph comes from until it is first asked for. */
  private restoredImports: (() => Map<string, string[]>) | undefined;
  rank = new Map<string, number>();
  history: History = { head: undefined, newest: 0, files: new Map(), commits: [], subjects: [] };
  stats: IndexStats = { files: 0, skipped: {}, listedBy: 'walk', buildMs: 0 };
  private totalLength = 0;
  /** Bumped by every change (files, definitions, history): tells a cache whether it is stale. */
  generation = 0;
  /** Files came or went or changed since the graph was built. */
  private dirty = true;
  private readonly goModules = new Map<string, string>();
  /**
   * Every folder holding a listed file, with its mtime when it was listed: a file added, removed or
   * renamed changes its folder's mtime, so an unchanged set of folders means an unchanged listing
   * (how the CLI's cache is trusted without running git). Empty when unknown.
   */
  dirMtimes = new Map<string, number>();

  constructor(
    readonly root: string,
    readonly options: IndexOptions,
  ) {}

  get avgLength(): number {
    return this.files.size ? this.totalLength / this.files.size : 1;
  }

  /** How many files hold the term. */
  docFreq(term: string): number {
    const id = this.dict.get(term);
    return id === undefined ? 0 : (this.dfById[id] ?? 0);
  }

  /** How many files hold the term (by id). */
  docFreqById(id: number): number {
    return this.dfById[id] ?? 0;
  }

  /** How many files' paths hold the term (counted for the terms asked about, until files change). */
  pathDocFreq(term: string): number {
    const id = this.dict.get(term);
    return id === undefined ? 0 : (this.pathDocFreqs()[id] ?? 0);
  }

  /** Path-term document frequency by term id (as a cache stores it). */
  pathDocFreqs(): Int32Array {
    if (!this.pathDfs || this.pathDfs.length < this.dict.size) {
      const df = new Int32Array(this.dict.size);
      // The file that last counted each term: a term twice in one path counts once.
      const last = new Int32Array(this.dict.size).fill(-1);
      let i = 0;
      for (const e of this.files.values()) {
        const from = e.at + 2 * e.n + e.nd;
        for (let k = from; k < from + e.np; k++) {
          const t = e.t[k]!;
          if (last[t] !== i) {
            last[t] = i;
            df[t]!++;
          }
        }
        i++;
      }
      this.pathDfs = df;
    }
    return this.pathDfs;
  }

  /** How often the file's identifiers hold the term. */
  termCount(e: FileEntry, term: string): number {
    return termCount(e, this.dict.get(term));
  }

  get head(): string | undefined {
    return this.history.head;
  }

  static async build(root: string, options: IndexOptions): Promise<RepoIndex> {
    const index = new RepoIndex(path.resolve(root), options);
    await index.refresh();
    return index;
  }

  /**
   * Re-lists the workspace and (re)reads files that are new or whose size or mtime changed; drops
   * files that went away; re-reads history when HEAD moved. A fresh index reads everything.
   */
  async refresh(): Promise<void> {
    const t0 = performance.now();
    const [listing, head] = await Promise.all([
      listWorkspaceFiles(this.root, (this.options.maxFiles ?? 20_000) * 2),
      readHead(this.root),
    ]);
    const historyWanted = head !== this.history.head || this.history.newest === 0;
    const historyRead = historyWanted ? readHistory(this.root, this.options.historyCommits) : undefined;
    const skipped: Record<string, number> = {};
    const wanted: string[] = [];
    for (const rel of listing.files) {
      const why = skipByName(rel, this.options.isSecret);
      if (why) skipped[why] = (skipped[why] ?? 0) + 1;
      else wanted.push(rel);
    }
    const dirs = folderMtimes(this.root, listing.files);
    if (!sameEntries(dirs, this.dirMtimes)) this.generation++;
    this.dirMtimes = dirs;
    const max = this.options.maxFiles ?? 20_000;
    if (wanted.length > max) skipped['over the file limit'] = wanted.length - max;
    const keep = new Set(wanted.slice(0, max));
    for (const p of [...this.files.keys()]) if (!keep.has(p)) this.remove(p);
    await Promise.all([this.readAll([...keep], true, skipped), this.readGoMods([...keep])]);
    if (historyRead) {
      this.history = await historyRead;
      this.generation++;
    }
    this.rebuildGraph();
    this.stats = { files: this.files.size, skipped, listedBy: listing.source, buildMs: performance.now() - t0 };
  }

  /** Re-reads the given paths (created, changed or deleted), then the graph. For file watchers. */
  async update(paths: readonly string[]): Promise<void> {
    const skipped: Record<string, number> = {};
    const readable = paths.filter((p) => !skipByName(p, this.options.isSecret));
    for (const p of readable) this.remove(p);
    // The listing moved under the folder mtimes: a cache saved now must revalidate with git.
    this.dirMtimes = new Map();
    await Promise.all([this.readAll(readable, false, skipped), this.readGoMods(readable)]);
    const head = await readHead(this.root);
    if (head !== this.history.head) this.history = await readHistory(this.root, this.options.historyCommits);
    this.rebuildGraph();
    this.stats = { ...this.stats, files: this.files.size };
  }

  private async readAll(paths: readonly string[], reuse: boolean, skipped: Record<string, number>): Promise<void> {
    const toRead = reuse ? await this.changedSince(paths) : paths;
    let sliceStart = performance.now();
    for (const rel of toRead) {
      const r = readEntry(this.root, rel, this.dict);
      if (r.ok) this.add(r.entry);
      else {
        this.remove(rel);
        skipped[r.reason] = (skipped[r.reason] ?? 0) + 1;
      }
      // Reading and tokenizing is CPU work: give the event loop a turn every slice.
      if (performance.now() - sliceStart > SLICE_MS) {
        await yieldToLoop();
        sliceStart = performance.now();
      }
    }
  }

  /**
   * The paths not held, or held with another size or mtime (an entry from a cache is kept when both
   * match). lstat runs synchronously in slices: thousands of async stats cost far more in overhead.
   */
  private async changedSince(paths: readonly string[]): Promise<string[]> {
    const out: string[] = [];
    const base = rootBase(this.root);
    for (let i = 0; i < paths.length; i++) {
      const rel = paths[i]!;
      const have = this.files.get(rel);
      if (!have || !sameFile(base, have)) out.push(rel);
      if (i % 512 === 511) await yieldToLoop();
    }
    return out;
  }

  add(entry: FileEntry): void {
    this.remove(entry.path);
    this.dirty = true;
    this.generation++;
    this.files.set(entry.path, entry);
    this.totalLength += entry.length;
    if (this.dfById.length < this.dict.size) {
      const bigger = new Int32Array(Math.max(this.dict.size * 2, 4096));
      bigger.set(this.dfById);
      this.dfById = bigger;
    }
    for (const t of contentIds(entry)) this.dfById[t]!++;
    this.pathDfs = undefined;
  }

  /**
   * Takes files as a cache saved them, with their vocabulary and document frequencies of content
   * and path terms (which the cache stores rather than have every load count them again). Only on
   * an empty index.
   */
  restoreFiles(
    files: readonly FileEntry[],
    dict: TermDict,
    df: Uint32Array,
    pathDf: Uint32Array,
    specs: () => ReadonlyMap<string, string>,
  ): void {
    if (this.files.size) throw new Error('restoreFiles needs an empty index');
    this.restoredSpecs = specs;
    this.dict = dict;
    this.dfById = new Int32Array(df);
    for (const e of files) {
      this.files.set(e.path, e);
      this.totalLength += e.length;
    }
    this.pathDfs = new Int32Array(pathDf);
    this.dirty = true;
    this.generation++;
  }

  private remove(rel: string): void {
    const old = this.files.get(rel);
    if (!old) return;
    this.dirty = true;
    this.generation++;
    this.files.delete(rel);
    this.totalLength -= old.length;
    for (const t of contentIds(old)) this.dfById[t]!--;
    this.pathDfs = undefined;
  }

  /** Takes an import graph and its ranks as they were saved with these very files (see indexCache). */
  restoreGraph(imports: () => Map<string, string[]>, rank: Map<string, number>): void {
    this.graph = undefined;
    this.restoredImports = imports;
    this.rank = rank;
    this.baseNames = undefined;
    this.dirty = false;
  }

  /** The file's import specifiers as written, one per line. */
  specsOf(e: FileEntry): string {
    if (e.specs !== undefined) return e.specs;
    this.specsByPath ??= this.restoredSpecs?.() ?? new Map();
    return this.specsByPath.get(e.path) ?? '';
  }

  /** Each file's imports within the workspace. */
  get imports(): Map<string, string[]> {
    return this.importGraph().imports;
  }

  /** The files importing each file. */
  get importedBy(): Map<string, string[]> {
    return this.importGraph().importedBy;
  }

  private importGraph(): { imports: Map<string, string[]>; importedBy: Map<string, string[]> } {
    if (!this.graph) {
      const imports = this.restoredImports?.() ?? new Map<string, string[]>();
      this.restoredImports = undefined;
      this.graph = { imports, importedBy: importersOf(imports) };
    }
    return this.graph;
  }

  private rebuildGraph(): void {
    if (!this.dirty) return;
    this.dirty = false;
    const paths = [...this.files.keys()];
    const goMods = [...this.goModules].map(([p, module]) => ({ dir: path.posix.dirname(p), module }));
    const resolver = new ImportResolver(paths, goMods);
    const imports = new Map<string, string[]>();
    for (const e of this.files.values()) {
      const targets = new Set<string>();
      const specs = this.specsOf(e);
      if (!specs) continue;
      for (const s of specs.split('\n')) for (const t of resolver.resolve(e.path, s)) if (t !== e.path) targets.add(t);
      if (targets.size) imports.set(e.path, [...targets]);
    }
    this.restoredImports = undefined;
    this.graph = { imports, importedBy: importersOf(imports) };
    this.rank = pageRank(paths, imports);
    this.baseNames = undefined;
  }

  /** Module lines of go.mod files, which Go import paths are resolved against. */
  private async readGoMods(paths: readonly string[]): Promise<void> {
    for (const p of paths.filter((f) => f === 'go.mod' || f.endsWith('/go.mod'))) {
      const mod = goModuleOf(await fsp.readFile(path.join(this.root, p), 'utf8').catch(() => ''));
      if (mod) this.goModules.set(p, mod);
      else this.goModules.delete(p);
    }
  }

  /** The file's definitions, parsed by tree-sitter the first time they are asked for. */
  async definitions(rel: string): Promise<Definition[]> {
    const e = this.files.get(rel);
    if (!e) return [];
    if (e.defs) return e.defs;
    const grammar = grammarOf(rel);
    if (!grammar) return (e.defs = []);
    const text = await fsp.readFile(path.join(this.root, rel), 'utf8').catch(() => undefined);
    e.defs = text === undefined ? [] : await definitionsOf(grammar, text).catch(() => []);
    this.generation++;
    return e.defs;
  }

  /** Source files by base name without extension (termui.py → "termui"), for pairing tests with code. */
  sourcesByBaseName(): Map<string, string[]> {
    if (this.baseNames) return this.baseNames;
    const out = new Map<string, string[]>();
    for (const e of this.files.values()) {
      if (e.role !== 'source') continue;
      const name = e.path.slice(e.path.lastIndexOf('/') + 1).replace(/\.[A-Za-z0-9]+$/, '');
      const list = out.get(name) ?? [];
      list.push(e.path);
      out.set(name, list);
    }
    return (this.baseNames = out);
  }
  private baseNames: Map<string, string[]> | undefined;

  coChanged(rel: string, limit?: number) {
    return coChanged(this.history, rel, limit);
  }
}

function importersOf(imports: ReadonlyMap<string, readonly string[]>): Map<string, string[]> {
  const importedBy = new Map<string, string[]>();
  for (const [from, targets] of imports) {
    for (const t of targets) {
      const list = importedBy.get(t);
      if (list) list.push(from);
      else importedBy.set(t, [from]);
    }
  }
  return importedBy;
}
