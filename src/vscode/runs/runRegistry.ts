// The runs this window knows: the current one (live model, its cancel switch, the proposed change
// once the implementer's edit resolves) and summaries of past ones (kept in globalState, no file
// contents, no secrets). The sidebar, the panel and the review comments listen here.
import * as vscode from 'vscode';
import type { ResolvedPlan } from '../../core/edits/editPlan';
import type { PipelineEvent } from '../../core/pipeline/events';
import type { GateAnswer } from '../../core/pipeline/runTypes';
import type { PanelStage, RunState } from '../../protocol/panelProtocol';
import { RunModel } from './runModel';

export interface RunSummary {
  runId: string;
  task: string;
  state: RunState;
  startedAt: number;
  costUsd: number;
  models: string[];
}

export class ActiveRun {
  readonly model: RunModel;
  readonly abort = new AbortController();
  /** The proposed change, once the edit engine resolved it against the files. */
  resolved?: ResolvedPlan;
  /**
   * Set while the pipeline waits for a person at its gate: true applies, false rejects, and
   * { sendBack } has this run's implementer revise the change (then review and the gate again).
   */
  pendingDecision?: { reasons: string[]; resolve: (answer: GateAnswer) => void };
  /** Who wrote a change this run reused from an earlier one (its implementer stage shows as skipped). */
  reusedAuthor?: string;
  /** Set by a person's Apply while the pipeline goes on to write; settled by the apply callback or the run's end. */
  applyWaiter?: (result: { applied: boolean; message: string }) => void;

  constructor(runId: string, task: string) {
    this.model = new RunModel(runId, task);
  }

  get runId(): string {
    return this.model.runId;
  }

  /** A person answered the gate (apply or reject); the pipeline is finishing on its own. */
  decided = false;

  get live(): boolean {
    return !this.model.finished && !this.abort.signal.aborted && !this.decided;
  }
}

const HISTORY_KEY = 'switchyard.runHistory';
const HISTORY_MAX = 50;

export class RunRegistry implements vscode.Disposable {
  current: ActiveRun | undefined;
  private readonly changed = new vscode.EventEmitter<ActiveRun | undefined>();
  private readonly deltas = new vscode.EventEmitter<{ run: ActiveRun; stage: PanelStage; text: string }>();
  private readonly clears = new vscode.EventEmitter<{ run: ActiveRun; stage: PanelStage }>();
  /** Structure changed (a new run, a stage moved, a review arrived): re-render. */
  readonly onDidChange = this.changed.event;
  /** Streaming output, for the panel's batcher only. */
  readonly onDelta = this.deltas.event;
  /** A stage's partial output was discarded (a fallback model starts over). */
  readonly onClear = this.clears.event;

  constructor(private readonly state: vscode.Memento) {}

  start(runId: string, task: string): ActiveRun {
    if (this.current) this.remember(this.current);
    this.current = new ActiveRun(runId, task);
    this.changed.fire(this.current);
    return this.current;
  }

  handle(run: ActiveRun, event: PipelineEvent): void {
    const structural = run.model.apply(event);
    if (event.type === 'stage-delta') this.deltas.fire({ run, stage: event.stage, text: event.text });
    if (event.type === 'fallback-taken' && event.discardPartial) this.clears.fire({ run, stage: event.stage });
    if (structural) this.changed.fire(run);
    if (event.type === 'run-finished') this.remember(run);
  }

  /** A pipeline listener that folds events into `run`, then calls `also` (progress text). */
  listenerFor(run: ActiveRun, also?: (e: PipelineEvent) => void): (e: PipelineEvent) => void {
    return (e) => {
      this.handle(run, e);
      also?.(e);
    };
  }

  /** Something outside the event stream changed the run (a finding dismissed, the change applied). */
  touch(run: ActiveRun): void {
    this.changed.fire(run);
  }

  get history(): RunSummary[] {
    return this.state.get<RunSummary[]>(HISTORY_KEY, []);
  }

  private remember(run: ActiveRun): void {
    const v = run.model.view;
    const summary: RunSummary = {
      runId: v.runId,
      task: v.task.slice(0, 500),
      state: v.state,
      startedAt: run.model.startedAt,
      costUsd: v.actualCostUsd,
      models: [...new Set(v.stages.map((s) => s.modelId).filter((m): m is string => Boolean(m)))],
    };
    const rest = this.history.filter((h) => h.runId !== summary.runId);
    void this.state.update(HISTORY_KEY, [summary, ...rest].slice(0, HISTORY_MAX));
  }

  dispose(): void {
    this.current?.abort.abort();
    this.changed.dispose();
    this.deltas.dispose();
    this.clears.dispose();
  }
}
