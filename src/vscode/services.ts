// The extension's services, built once on first use (never at activation): policy, keys, runs,
// the sidebar, the routing panel, the proposed-content documents and the review comments.
// Everything is disposed through the extension context.
import * as vscode from 'vscode';
import { Disposable } from './lifecycle';
import { PolicyService } from './config/policyService';
import { RoutingPanel, type PanelRequestHandlers } from './panel/routingPanel';
import { RunRegistry, type ActiveRun } from './runs/runRegistry';
import { PROPOSED_SCHEME, ProposedContent } from './review/proposedContent';
import { ReviewComments } from './review/reviewComments';
import { followRuns } from './review/reviewSurfaces';
import { ApiKeys } from './secrets/apiKeys';
import { computeReadiness, type Readiness } from './secrets/readiness';
import type { Shell } from './shell';
import { PipelineTree } from './sidebar/pipelineTree';
import { TelemetryService } from './telemetry/telemetryService';
import { renderStatus } from './status/statusBar';
import { WorkspaceCodebases } from './context/workspaceCodebases';
import { ParkedSessions } from '../core/agents/parkedSessions';

export class Services extends Disposable {
  readonly policy = new PolicyService();
  readonly keys: ApiKeys;
  readonly runs: RunRegistry;
  readonly tree: PipelineTree;
  readonly content = new ProposedContent();
  readonly comments = new ReviewComments();
  readonly panel: RoutingPanel;
  /** Warm workspace indexes for the locator and the roles' tools, built on a run's first use. */
  readonly codebases = new WorkspaceCodebases();
  /** Coding-agent sessions kept after their run (a few), so a re-run that sends the change back resumes the agent. */
  readonly agentSessions = new ParkedSessions();
  /** OpenTelemetry export of runs: off unless the person switched it on in their user settings. */
  readonly telemetry: TelemetryService;
  readiness: Readiness | undefined;

  /** `handlers` answers the panel's requests (runs/runActions.ts); main.ts passes it, so this file needs none of them. */
  constructor(
    readonly shell: Shell,
    handlers: (svc: Services) => PanelRequestHandlers,
  ) {
    super();
    const ctx = shell.context;
    this.keys = new ApiKeys(ctx.secrets);
    this.runs = new RunRegistry(ctx.globalState);
    this.tree = new PipelineTree(this.runs, () => shell.treeChanged.fire(undefined));
    this.panel = new RoutingPanel(ctx.extensionUri, this.runs, handlers(this));
    this.telemetry = new TelemetryService(this.keys);
    // Disposed newest first: the listeners, then the views, the runs, the policy, the keys last.
    for (const owned of [
      this.keys,
      this.telemetry,
      this.policy,
      this.runs,
      this.content,
      this.comments,
      this.panel,
      this.codebases,
      { dispose: () => void this.agentSessions.dispose() },
      vscode.workspace.registerTextDocumentContentProvider(PROPOSED_SCHEME, this.content),
      this.policy.onDidChange(() => void this.refreshStatus()),
      this.keys.onDidChange(() => void this.refreshStatus()),
      vscode.lm.onDidChangeChatModels(() => void this.refreshStatus()),
      this.runs.onDidChange((run) => this.updateContextKeys(run)),
      followRuns(this.runs, this.content, this.comments),
    ])
      this._register(owned);
    void this.policy.ready();
  }

  /** Re-checks which providers are ready and redraws the status bar. */
  async refreshStatus(): Promise<Readiness> {
    await this.policy.ready();
    renderStatus(this.shell.statusItem, this.policy, this.readiness);
    this.readiness = await computeReadiness(this.policy.policy, this.keys, this.policy);
    renderStatus(this.shell.statusItem, this.policy, this.readiness);
    return this.readiness;
  }

  /** when-clause keys for menus: a live run, a run at all, a proposed change to act on. */
  private readonly contextKeys = new Map<string, boolean>();
  private updateContextKeys(run: ActiveRun | undefined): void {
    const keys = {
      'switchyard.hasRun': Boolean(run),
      'switchyard.runLive': Boolean(run?.live),
      'switchyard.hasChange': Boolean(run?.decision.isOpen),
    };
    for (const [k, v] of Object.entries(keys)) {
      if (this.contextKeys.get(k) === v) continue;
      this.contextKeys.set(k, v);
      void vscode.commands.executeCommand('setContext', k, v);
    }
  }
}
