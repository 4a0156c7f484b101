// The routing policy in force inside VS Code: built-in defaults, then the user's
// `switchyard.policy` setting, then `.switchyard/routing.json` — the latter only in a trusted
// workspace. Reloads when the file, the setting or the trust changes; a bad file keeps the last
// good policy and exposes the precise problems (the status bar shows a warning, the command
// shows them with links to the file).
import * as vscode from 'vscode';
import { Disposable } from '../lifecycle';
import { formatProblem, PolicyStore, type PolicyLoadResult, type PolicyProvenance } from '../../core/config/loadPolicy';
import type { RoutingPolicy } from '../../core/config/policySchema';
import { SETTINGS_SECTION, SettingKeys, WORKSPACE_POLICY_PATH } from '../../core/config/settingsKeys';

export class PolicyService extends Disposable {
  private readonly store = new PolicyStore();
  private readonly changed = this._register(new vscode.EventEmitter<void>());
  readonly onDidChange = this.changed.event;
  private lastResult: PolicyLoadResult | undefined;
  /** Base URLs that the workspace file set, so an untrusted workspace never gets a key sent there. */
  private workspaceUrls = new Set<string>();
  private loading: Promise<void> | undefined;

  constructor() {
    super();
    const watcher = this._register(vscode.workspace.createFileSystemWatcher(`**/${WORKSPACE_POLICY_PATH}`));
    this._register(watcher.onDidChange(() => void this.reload()));
    this._register(watcher.onDidCreate(() => void this.reload()));
    this._register(watcher.onDidDelete(() => void this.reload()));
    this._register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(`${SETTINGS_SECTION}.${SettingKeys.policy}`)) void this.reload();
      }),
    );
    this._register(vscode.workspace.onDidGrantWorkspaceTrust(() => void this.reload()));
    this._register(vscode.workspace.onDidChangeWorkspaceFolders(() => void this.reload()));
  }

  static fileUri(): vscode.Uri | undefined {
    const folder = vscode.workspace.workspaceFolders?.[0];
    return folder ? vscode.Uri.joinPath(folder.uri, WORKSPACE_POLICY_PATH) : undefined;
  }

  get trusted(): boolean {
    return vscode.workspace.isTrusted;
  }

  /** Loads once; later calls wait for the same load. */
  ready(): Promise<void> {
    this.loading ??= this.reload();
    return this.loading;
  }

  async reload(): Promise<void> {
    const p = this.doReload();
    this.loading = p;
    await p;
  }

  private async doReload(): Promise<void> {
    const uri = PolicyService.fileUri();
    let workspace: { label: string; text: string } | undefined;
    if (uri) {
      try {
        workspace = {
          label: WORKSPACE_POLICY_PATH,
          text: new TextDecoder().decode(await vscode.workspace.fs.readFile(uri)),
        };
      } catch (err) {
        if (!(err instanceof vscode.FileSystemError && err.code === 'FileNotFound')) {
          workspace = { label: WORKSPACE_POLICY_PATH, text: '' };
          this.lastResult = {
            ok: false,
            problems: [
              { source: WORKSPACE_POLICY_PATH, path: '', message: `could not be read: ${(err as Error).message}` },
            ],
            notes: [],
          };
        }
      }
    }
    // `switchyard.policy` is a restricted setting (package.json), so in an untrusted workspace VS Code
    // already returns only the user-level value here.
    const userValue = vscode.workspace.getConfiguration(SETTINGS_SECTION).get<unknown>(SettingKeys.policy);
    const result = this.store.reload({
      user:
        userValue === undefined
          ? undefined
          : { label: `Settings (${SETTINGS_SECTION}.${SettingKeys.policy})`, value: userValue },
      workspace,
      workspaceTrusted: this.trusted,
    });
    this.lastResult = result;
    this.workspaceUrls = new Set();
    if (workspace && this.trusted) {
      for (const m of this.store.policy.models)
        if (m.baseUrl && workspace.text.includes(m.baseUrl)) this.workspaceUrls.add(m.baseUrl);
    }
    this.changed.fire();
  }

  get policy(): RoutingPolicy {
    return this.store.policy;
  }

  get sources(): string[] {
    return this.store.sources;
  }

  /** Which layer chose what: the workspace file's own models, the key names the user's settings configure. */
  get provenance(): PolicyProvenance {
    return this.store.provenance;
  }

  get problems(): string[] {
    return this.store.problems.map(formatProblem);
  }

  get notes(): string[] {
    return this.store.notes;
  }

  get valid(): boolean {
    return this.lastResult?.ok ?? true;
  }

  workspaceChoseUrl(baseUrl: string | undefined): boolean {
    return baseUrl !== undefined && this.workspaceUrls.has(baseUrl);
  }
}
