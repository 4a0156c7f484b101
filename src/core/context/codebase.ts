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
