// The host's side of a run: what runTask needs (policy, providers, workspace reader, gate, apply,
// listeners, cancellation) and what it returns. Gates and apply are host callbacks so the CLI and
// the extension each confirm and write in their own way; the pipeline itself never writes.
import type { ModelSpec, RoutingPolicy } from '../config/policySchema';
import type { ApplyOutcome, ResolvedPlan } from '../edits/editPlan';
import type { ResilienceOptions } from '../providers/resilientStream';
import type { Provider } from '../providers/types';
import type { RunRecord } from '../ledger/runRecordSchema';
import type { TaskContext } from '../routing/classificationSchema';
import type { ModelAvailability } from '../routing/decide';
import type { GateCode, RoutingDecision } from '../routing/decisionSchema';
import type { PriceLookup } from '../routing/estimate';
import type { Finding, Review } from '../review/reviewSchema';
import type { ContextBoundaryLog } from '../sessions/contextBoundary';
import type { Answer, DiffArtifact, Findings, Plan } from '../sessions/artifacts';
import type { Outcome, PipelineListener } from '../stage/events';
import type { VerifyOutcome } from '../verify/verifySchema';
import type { StageRetryInfo } from '../stage/runContext';
import type { WorkspaceReader } from './workspaceReader';
import type { Codebase } from '../context/codebase';
import type { EditorContext } from '../context/locate';
import type { PersonCalls } from '../routing/personCalls';
import type { AgentHost } from '../agents/agentTypes';

export interface GateRequest {
  gateId: string;
  codes: GateCode[];
  /** One sentence per reason, for the prompt or the notification. */
  reasons: string[];
  diff?: DiffArtifact;
  /** The exact plan `apply` will write if the gate says yes (before/after per file). */
  resolved?: ResolvedPlan;
  review?: Review;
  signal: AbortSignal;
}

/**
 * true applies the reviewed plan; `{ apply }` applies that plan as a person accepted it at the gate
 * (the same files against the same bases, with reviewer suggestions applied to their new content);
 * false or `{ reject }` (saying why, in the record and the run's message) writes nothing; `{ sendBack }`
 * has the implementer revise in this run.
 */
export type GateAnswer =
  boolean | { apply: ResolvedPlan } | { reject: string } | { sendBack: string; findings?: Finding[] };

export interface RunTaskOptions {
  task: string;
  /**
   * Text the host attaches for the roles to read after the task (the editor's selection, fenced). It
   * is never classified, searched for file names or recorded: code is context, not the task.
   */
  attachedContext?: string;
  context?: TaskContext;
  /**
   * The kind and risk the person set ("route again as…", `route --kind/--risk`): they replace the
   * classifier's calls, which stay in the reasons. A call the person made is not sent to the
   * classifier model.
   */
  personCalls?: PersonCalls;
  policy: RoutingPolicy;
  availability: ModelAvailability;
  providerFor(spec: ModelSpec): Provider | Promise<Provider>;
  /** Workspace root: edits are resolved against the files under it. */
  root: string;
  workspace: WorkspaceReader;
  /**
   * The workspace's index and ripgrep, for the locator and the roles' read-only tools. The extension
   * passes its warm, watcher-fed index; without one, the run builds an index of `root` on first use.
   */
  codebase?: Codebase;
  /** The editor around the task (active and open files), which the locator weighs. */
  editor?: EditorContext;
  /**
   * Asks a person; resolves true (or { apply: plan }) to apply, false (or { reject: why }) to reject, or
   * { sendBack } to have the implementer revise the change with the person's notes and findings in this
   * same run (then review and the gate again). Called only before applying.
   */
  gate(request: GateRequest): Promise<GateAnswer>;
  /** Writes the resolved plan (the CLI: applyResolved; the extension: a WorkspaceEdit). */
  apply(resolved: ResolvedPlan): Promise<ApplyOutcome>;
  /**
   * Runs the policy's verify command on a round's diff in a scratch copy (the host wires
   * runVerifyStage with its trust answer and approvals). Called only when the policy has `verify`.
   */
  verify?(resolved: ResolvedPlan, signal: AbortSignal): Promise<VerifyOutcome>;
  /** Ask the gate before applying even when no rule requires it (the CLI without --yes). */
  confirmEveryApply?: boolean;
  /**
   * Models whose definition came from the workspace's policy file and that the user has not vouched
   * for (`PolicyProvenance.workspaceModelIds`): a change one of them approved always asks a person.
   */
  unvettedModelIds?: readonly string[];
  listeners?: PipelineListener[];
  /**
   * A call is being retried on the same model after a wait (rate limit, overload): show it so a pause
   * is never silent. A callback for now; it becomes a 'stage-retry' PipelineEvent once every listener
   * handles it (adding a union member breaks exhaustive switches elsewhere).
   */
  onRetry?(info: StageRetryInfo): void;
  /** Pass a log to read "what did this role see" while the run is going; one is made otherwise. */
  boundary?: ContextBoundaryLog;
  signal?: AbortSignal;
  /** A decision made earlier (e.g. shown in the panel, or from the model classifier); made here otherwise. */
  decision?: RoutingDecision;
  /**
   * Artifacts of an earlier run of the same task, used instead of running their stages again (re-run
   * a later stage with another model): the scout's findings, the architect's plan. A stage that is
   * reused shows as skipped with `from` in its reason; its artifact is emitted as if it had run.
   */
  reuse?: {
    from: string;
    findings?: Findings;
    plan?: Plan;
    /**
     * The implementer's change (a unified diff) and the model that wrote it: the first round reviews
     * it instead of asking for a new one (re-run the critic). If it no longer fits the files, the
     * implementer runs as usual. Later rounds (changes requested) go to the implementer, whose
     * session starts with that change as its own earlier reply.
     */
    implementation?: { modelId: string; diff: string };
  };
  priceLookup?: PriceLookup;
  /** Keys and SDK locations for coding-agent implementers (claude-agent, codex-agent); without it they cannot run. */
  agents?: AgentHost;
  runId?: string;
  now?(): number;
  resilience?: Pick<ResilienceOptions, 'sleep' | 'random' | 'onRetry'>;
}

export interface RunResult {
  runId: string;
  outcome: Outcome;
  message: string;
  decision: RoutingDecision;
  answer?: Answer;
  diff?: DiffArtifact;
  resolved?: ResolvedPlan;
  /** The last review the apply decision rested on. */
  review?: Review;
  record: RunRecord;
  boundary: ContextBoundaryLog;
  /** Wall time, time inside provider calls and inside the host's gate/apply callbacks: the rest is the pipeline's own overhead. */
  timing: {
    wallMs: number;
    providerMs: number;
    hostMs: number;
    /** CPU time of this process over the run, and the parts spent waiting on providers and in host callbacks (meaningful when nothing else runs in the process). */
    cpuMs: number;
    providerCpuMs: number;
    hostCpuMs: number;
    stagePasses: number;
  };
}
