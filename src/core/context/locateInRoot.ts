// One call for hosts that have no index of their own (the CLI, `explain`, the classifier's risk
// from files): load the workspace's index through the cache, bring it up to date, rank the files.
import { statSync } from 'node:fs';
import { defaultCacheDir, loadIndexWithCache, saveIndex } from './indexCache';
import { locate, type EditorContext, type Located } from './locate';
import { mark } from './phaseMarks';
import { RepoIndex, type IndexStats } from './repoIndex';

export interface LocateInRootOptions {
  /** The host's secret-looking-path rule (pipeline/workspaceReader's looksSecret). */
  isSecret: (relPath: string) => boolean;
  limit?: number;
  editor?: EditorContext;
  /** Where the index cache lives; null: no cache (index from scratch, nothing written). */
  cacheDir?: string | null;
}

export interface LocateInRootResult {
  files: Located[];
  /**
   * Every file the index holds (workspace-relative): what the workspace is made of. Read from the
   * index when asked (only `explain` asks), not copied on every `locate`.
   */
  paths: () => Iterable<string>;
  stats: IndexStats;
  fromCache: boolean;
  ms: number;
}

export class NotAFolderError extends Error {}

export async function locateInRoot(root: string, task: string, opts: LocateInRootOptions): Promise<LocateInRootResult> {
  const t0 = process.hrtime();
  const st = statSync(root, { throwIfNoEntry: false });
  if (!st?.isDirectory()) throw new NotAFolderError(`${root} is not a folder: give the workspace with --root DIR`);
  const loaded =
    opts.cacheDir === null
      ? { index: await RepoIndex.build(root, { isSecret: opts.isSecret }), fromCache: false, restored: -1 }
      : await loadIndexWithCache(root, { isSecret: opts.isSecret }, opts.cacheDir ?? defaultCacheDir());
  const files = await locate(loaded.index, task, { limit: opts.limit, editor: opts.editor });
  mark('ranked');
  // Saved after locating, so the definitions parsed for this task are cached too.
  if (opts.cacheDir !== null && loaded.index.generation !== loaded.restored)
    await saveIndex(loaded.index, opts.cacheDir ?? defaultCacheDir()).catch(() => undefined);
  mark('cache saved (if new)');
  const [s, ns] = process.hrtime(t0);
  return {
    files,
    paths: () => loaded.index.files.keys(),
    stats: loaded.index.stats,
    fromCache: loaded.fromCache,
    ms: s * 1000 + ns / 1e6,
  };
}
