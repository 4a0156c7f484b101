// The workspace index: every indexable file's terms, path terms and imports, the import graph with
// its PageRank, document frequencies for BM25, and git history. Built in chunks that yield to the
// event loop, so the extension host never stalls; kept fresh by `update()` (the extension's file
// watchers call it) or by `refresh()` (re-lists and re-reads only files whose size or mtime moved —
// how the CLI revalidates a cached index). Definitions are parsed by tree-sitter on demand and kept.
import { lstatSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { definitionsOf, type Definition } from './definitions';
import { readEntry, type FileEntry } from './fileEntry';
import { listWorkspaceFiles, skipByName } from './fileList';
import { coChanged, readHead, readHistory, type History } from './gitHistory';
import { goModuleOf, ImportResolver } from './imports';
import { grammarOf } from './languages';
import { pageRank } from './pageRank';

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

const BATCH = 48;
const yieldToLoop = () => new Promise<void>((r) => setImmediate(r));

export class RepoIndex {
  readonly files = new Map<string, FileEntry>();
  /** Content-term document frequency. */
  readonly df = new Map<string, number>();
  readonly pathDf = new Map<string, number>();
  imports = new Map<string, string[]>();
  importedBy = new Map<string, string[]>();
  rank = new Map<string, number>();
  history: History = { head: undefined, newest: 0, files: new Map(), commits: [] };
  stats: IndexStats = { files: 0, skipped: {}, listedBy: 'walk', buildMs: 0 };
  private totalLength = 0;
  /** Bumped by every change (files, definitions, history): tells a cache whether it is stale. */
  generation = 0;
  /** Files came or went or changed since the graph was built. */
  private dirty = true;
  private readonly goModules = new Map<string, string>();

  constructor(
    readonly root: string,
    readonly options: IndexOptions,
  ) {}

  get avgLength(): number {
    return this.files.size ? this.totalLength / this.files.size : 1;
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
    await Promise.all([this.readAll(readable, false, skipped), this.readGoMods(readable)]);
    const head = await readHead(this.root);
    if (head !== this.history.head) this.history = await readHistory(this.root, this.options.historyCommits);
    this.rebuildGraph();
    this.stats = { ...this.stats, files: this.files.size };
  }

  private async readAll(paths: readonly string[], reuse: boolean, skipped: Record<string, number>): Promise<void> {
    const toRead = reuse ? await this.changedSince(paths) : paths;
    for (let i = 0; i < toRead.length; i += BATCH) {
      const batch = toRead.slice(i, i + BATCH);
      const results = await Promise.all(batch.map((p) => readEntry(this.root, p)));
      results.forEach((r, j) => {
        if (r.ok) this.add(r.entry);
        else {
          this.remove(batch[j]!);
          skipped[r.reason] = (skipped[r.reason] ?? 0) + 1;
        }
      });
      // Tokenizing is CPU work: give the event loop a turn between batches.
      await yieldToLoop();
    }
  }

  /**
   * The paths not held, or held with another size or mtime (an entry from a cache is kept when both
   * match). lstat runs synchronously in slices: thousands of async stats cost far more in overhead.
   */
  private async changedSince(paths: readonly string[]): Promise<string[]> {
    const out: string[] = [];
    for (let i = 0; i < paths.length; i++) {
      const rel = paths[i]!;
      const have = this.files.get(rel);
      if (!have) out.push(rel);
      else {
        let st;
        try {
          st = lstatSync(path.join(this.root, rel));
        } catch {
          st = undefined;
        }
        if (!st?.isFile() || st.size !== have.size || st.mtimeMs !== have.mtimeMs) out.push(rel);
      }
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
    for (const t of entry.terms.keys()) this.df.set(t, (this.df.get(t) ?? 0) + 1);
    for (const t of new Set(entry.pathTerms)) this.pathDf.set(t, (this.pathDf.get(t) ?? 0) + 1);
  }

  private remove(rel: string): void {
    const old = this.files.get(rel);
    if (!old) return;
    this.dirty = true;
    this.generation++;
    this.files.delete(rel);
    this.totalLength -= old.length;
    for (const t of old.terms.keys()) decrement(this.df, t);
    for (const t of new Set(old.pathTerms)) decrement(this.pathDf, t);
  }

  private rebuildGraph(): void {
    if (!this.dirty) return;
    this.dirty = false;
    const paths = [...this.files.keys()];
    const goMods = [...this.goModules].map(([p, module]) => ({ dir: path.posix.dirname(p), module }));
    const resolver = new ImportResolver(paths, goMods);
    this.imports = new Map();
    this.importedBy = new Map();
    for (const e of this.files.values()) {
      const targets = new Set<string>();
      for (const s of e.specs) for (const t of resolver.resolve(e.path, s)) if (t !== e.path) targets.add(t);
      if (!targets.size) continue;
      this.imports.set(e.path, [...targets]);
      for (const t of targets) {
        const list = this.importedBy.get(t) ?? [];
        list.push(e.path);
        this.importedBy.set(t, list);
      }
    }
    this.rank = pageRank(paths, this.imports);
    this.baseNames = undefined;
  }

  /** Module lines of go.mod files, which Go import paths are resolved against. */
  private async readGoMods(paths: readonly string[]): Promise<void> {
    for (const p of paths.filter((f) => f === 'go.mod' || f.endsWith('/go.mod'))) {
      const mod = goModuleOf(await readFile(path.join(this.root, p), 'utf8').catch(() => ''));
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
    const text = await readFile(path.join(this.root, rel), 'utf8').catch(() => undefined);
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

function decrement(map: Map<string, number>, key: string): void {
  const n = (map.get(key) ?? 0) - 1;
  if (n <= 0) map.delete(key);
  else map.set(key, n);
}
