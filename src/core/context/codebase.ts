// A workspace as the pipeline explores it: its index (built on first use, or the host's warm one —
// the extension keeps one fresh with file watchers), and the ripgrep binary to search with.
import { RepoIndex, type IndexOptions } from './repoIndex';

export interface Codebase {
  readonly root: string;
  /** The index, built the first time it is asked for. */
  index(): Promise<RepoIndex>;
  /** ripgrep to search with; without one, search scans the indexed files in JavaScript. */
  readonly rgPath?: string;
}

export function lazyCodebase(root: string, options: IndexOptions & { rgPath?: string }): Codebase {
  let built: Promise<RepoIndex> | undefined;
  return {
    root,
    rgPath: options.rgPath,
    index: () => (built ??= RepoIndex.build(root, options)),
  };
}

/** How long a shared index is trusted before the next run revalidates it (size and mtime per file, HEAD). */
const FRESH_MS = 5_000;
const shared = new Map<string, { codebase: Codebase; refreshed: number; pending?: Promise<RepoIndex> }>();

/**
 * One index per workspace root for the whole process, for hosts that run many tasks without an
 * index of their own (the CLI's `route`, replays, tests): concurrent runs share one build instead of
 * each listing, reading and spawning git; a run that starts after FRESH_MS revalidates it first.
 */
export function sharedCodebase(root: string, options: IndexOptions & { rgPath?: string }): Codebase {
  let entry = shared.get(root);
  if (!entry) {
    const inner = lazyCodebase(root, options);
    const e: { codebase: Codebase; refreshed: number; pending?: Promise<RepoIndex> } = {
      refreshed: Date.now(),
      codebase: {
        root,
        rgPath: options.rgPath,
        index: () => {
          if (Date.now() - e.refreshed > FRESH_MS && !e.pending) {
            e.pending = inner
              .index()
              .then(async (index) => {
                await index.refresh();
                return index;
              })
              .finally(() => {
                e.refreshed = Date.now();
                e.pending = undefined;
              });
          }
          return e.pending ?? inner.index();
        },
      },
    };
    entry = e;
    shared.set(root, entry);
  }
  return entry.codebase;
}
