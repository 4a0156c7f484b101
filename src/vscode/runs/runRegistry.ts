// The runs this window knows: the current one (live model, its cancel switch, the owner of its
// decision) and summaries of past ones (kept in globalState, no file contents, no secrets). Every
// change to a run's view is an event folded into its model here; the sidebar, the panel and the
// review comments listen.
import * as vscode from 'vscode';
import { StorageKeys } from '../../core/config/settingsKeys';
import { Disposable } from '../lifecycle';
import type { PanelStage, RunState } from '../../protocol/panelProtocol';
import type { EditorContext } from './gatherContext';
import { RunDecision, type DecisionEvent } from './runDecision';
import type { PipelineEvent } from '../../core/stage/events';
import { RunModel, type RunEvent } from './runModel';

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
  /** The one owner of the person's decision on the proposed change (see runDecision.ts). */
  readonly decision: RunDecision;
  /** Who wrote a change this run reused from an earlier one (its implementer stage shows as skipped). */
  reusedAuthor?: string;

  constructor(
    runId: string,
    task: string,
    /** What the editor showed when the task was routed: a re-run or a send-back starts from the same. */
    readonly editor: EditorContext,
    onDecision: (run: ActiveRun, e: DecisionEvent) => void,
  ) {
    this.model = new RunModel(runId, task);
    this.decision = new RunDecision((e) => onDecision(this, e));
  }

  get runId(): string {
    return this.model.runId;
  }

  /** Still going and not yet decided: a new run replaces it by cancelling it. */
  get live(): boolean {
    return !this.model.finished && !this.abort.signal.aborted && !this.decision.isAnswered;
  }
}

const HISTORY_KEY = StorageKeys.runHistory;
const HISTORY_MAX = 50;

export class RunRegistry extends Disposable {
  current: ActiveRun | undefined;
  private readonly changed = this._register(new vscode.EventEmitter<ActiveRun | undefined>());
  private readonly deltas = this._register(
    new vscode.EventEmitter<{ run: ActiveRun; stage: PanelStage; text: string }>(),
  );
  private readonly clears = this._register(new vscode.EventEmitter<{ run: ActiveRun; stage: PanelStage }>());
  /** Structure changed (a new run, a stage moved, a review arrived): re-render. */
  readonly onDidChange = this.changed.event;
  /** Streaming output, for the panel's batcher only. */
  readonly onDelta = this.deltas.event;
  /** A stage's partial output was discarded (a fallback model starts over). */
  readonly onClear = this.clears.event;
  private readonly events = this._register(new vscode.EventEmitter<{ run: ActiveRun; event: RunEvent }>());
  /** Every event, after the run's model folded it in (the review comments follow these). */
  readonly onEvent = this.events.event;

  constructor(private readonly state: vscode.Memento) {
    super();
  }

  start(runId: string, task: string, editor: EditorContext): ActiveRun {
    if (this.current) this.remember(this.current);
    this.current = new ActiveRun(runId, task, editor, (run, e) => this.handle(run, e));
    this.changed.fire(this.current);
    return this.current;
  }

  handle(run: ActiveRun, event: RunEvent): void {
    const structural = run.model.apply(event);
    if (event.type === 'stage-delta') this.deltas.fire({ run, stage: event.stage, text: event.text });
    if (event.type === 'fallback-taken' && event.discardPartial) this.clears.fire({ run, stage: event.stage });
    if (event.type !== 'stage-delta') this.events.fire({ run, event });
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

  /** Something outside the event stream changed the run (what each role saw, attached at the end). */
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

  /** A run still going when the window closes is aborted before the emitters go. */
  override dispose(): void {
    if (!this.isDisposed) this.current?.abort.abort();
    super.dispose();
  }
}
