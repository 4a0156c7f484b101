// One warm workspace index per folder for the extension: built the first time a run needs it (not
// at activation), then kept fresh by a file-system watcher whose events are batched and handed to
// the index's incremental update. Searches use the ripgrep VS Code ships under its app root.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Codebase } from '../../core/context/codebase';
import { RepoIndex } from '../../core/context/repoIndex';
import { ripgrepOnPath, vscodeRipgrep } from '../../core/context/ripgrepPath';
import { looksSecret } from '../../core/paths/secretPaths';

const DEBOUNCE_MS = 300;
const IGNORED = /(^|\/)(\.git|node_modules|\.vscode-test|dist|out)(\/|$)/;

export class WorkspaceCodebases implements vscode.Disposable {
  private readonly byRoot = new Map<string, Codebase & { dispose(): void }>();
  private rg: string | undefined | null = null;

  forRoot(root: string): Codebase {
    let cb = this.byRoot.get(root);
    if (!cb) {
      cb = this.create(root);
      this.byRoot.set(root, cb);
    }
    return cb;
  }

  private get rgPath(): string | undefined {
    if (this.rg === null) this.rg = vscodeRipgrep(vscode.env.appRoot) ?? ripgrepOnPath();
    return this.rg;
  }

  private create(root: string): Codebase & { dispose(): void } {
    let built: Promise<RepoIndex> | undefined;
    let watcher: vscode.FileSystemWatcher | undefined;
    const pending = new Set<string>();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const flush = () => {
      timer = undefined;
      const paths = [...pending];
      pending.clear();
      if (built && paths.length) void built.then((index) => index.update(paths)).catch(() => undefined);
    };
    const changed = (uri: vscode.Uri) => {
      const rel = path.relative(root, uri.fsPath).split(path.sep).join('/');
      if (!rel || IGNORED.test(rel) || rel.startsWith('..')) return;
      pending.add(rel);
      timer ??= setTimeout(flush, DEBOUNCE_MS);
    };
    const rgPath = this.rgPath;
    return {
      root,
      rgPath,
      index: () => {
        if (!built) {
          watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(root, '**/*'));
          watcher.onDidCreate(changed);
          watcher.onDidChange(changed);
          watcher.onDidDelete(changed);
          built = RepoIndex.build(root, { isSecret: looksSecret });
          // A failed build is forgotten, so the next run tries again.
          built.catch(() => (built = undefined));
        }
        return built;
      },
      dispose: () => {
        if (timer) clearTimeout(timer);
        watcher?.dispose();
      },
    };
  }

  dispose(): void {
    for (const cb of this.byRoot.values()) cb.dispose();
    this.byRoot.clear();
  }
}
