// The run as a state machine: its phases and the typed state the steps hand each other.
//   deciding → planning → [answered] | implementing → reviewing → verifying ─┬→ implementing (changes asked)
//                                                                           └→ escalating → at the gate → applying → done
// A person at the gate may send the change back (→ implementing, a new pass); any step may end the
// run (done: rejected) and any may throw (StageFailure, RunCancelled), which runTask turns into the
// run's outcome. Deciding and planning run once, before the loop (decideStep.ts, planStep.ts); the loop is
// runSteps.ts. Each step is a function of (RunScope, RunState) in its own module.
import type { ModelSpec } from '../config/policySchema';
import type { ResolvedPlan } from '../edits/editPlan';
import type { RejectedAlternative } from '../routing/decisionSchema';
import type { Review } from '../review/reviewSchema';
import type { DiffArtifact, Findings, Plan } from '../sessions/artifacts';
import type { Outcome } from '../stage/events';
import type { StageRun } from '../stage/stageRun';
import type { GateReason } from './escalation';
import type { StageKit } from './planningStages';
import type { Tested } from './verifyStep';

/** What planning hands to the rest of the run: the kit the stages share and the earlier roles' artifacts. */
export interface Brief {
  kit: StageKit;
  findings: Findings | undefined;
  plan: Plan | undefined;
}

/** What the implementer is asked to fix next: the critic's review (with failing tests), or a person's at the gate. */
export interface Revision {
  review: Review;
  by: string;
}

/** One implementer pass's result: the change resolved against the files, and who made it. */
export interface Implemented {
  resolved: ResolvedPlan;
  spec: ModelSpec;
  why: string;
  rejected: RejectedAlternative[];
}

/**
 * How the change gets made, inside the implementer's stage (modelImplementer.ts asks a model for
 * edits; a coding agent working in a sandbox would be another). Built once before the first round,
 * disposed when the run's steps end, whatever the outcome.
 */
export interface Implementer {
  /** One pass: a fresh change (no revision) or a revision of the last one. Throws StageFailure when it cannot. */
  implement(sr: StageRun, revision: Revision | undefined): Promise<Implemented>;
  /** Takes an earlier run's change as its own first reply, so a later revision has that history. */
  adopt?(diff: string, by?: string): void;
  dispose?(): void | Promise<void>;
}

export interface RunState {
  readonly brief: Brief;
  readonly implementer: {
    readonly strategy: Implementer;
    /** The chain for the next round: it starts with the model that worked last (a fallback stays in charge). */
    candidates: ModelSpec[];
    why: string;
    rejected: RejectedAlternative[];
    /** The vendor of the model that made the current change ('' before the first). */
    vendor: string;
  };
  /** The current round, counted across passes. */
  round: number;
  /** The first round of the current pass (a send-back from the gate starts a new pass). */
  firstRound: number;
  /** The change under review; set by the first implementing step. */
  change?: { diff: DiffArtifact; resolved: ResolvedPlan };
  lastCritic?: { review: Review; spec: ModelSpec };
  /** Every critic review of this run, in order (the final owner reads them). */
  readonly criticReviews: Review[];
  revision?: Revision;
  /** The critic did not approve within this pass's rounds. */
  roundsExhausted: boolean;
  /** Why no reviewer of another vendor could review the current change, when none could. */
  noReviewer?: string;
  humanSendBacks: number;
  /** The last test run on the change, when the policy has a verify command. */
  lastTested?: Tested;
  /** The diff written when a person accepted suggestions at the gate (the reviewed one otherwise). */
  editedAtGate?: string;
}

export type Phase =
  | { step: 'implementing' }
  | { step: 'reviewing' }
  /** `critic` is undefined when no reviewer of another vendor was ready. */
  | { step: 'verifying'; critic: { review: Review; spec: ModelSpec } | undefined }
  | { step: 'escalating' }
  /** `human` lists why a person must confirm (empty: only the host's confirm-every-apply asks). */
  | { step: 'at-gate'; human: GateReason[]; review: Review | undefined }
  | { step: 'applying' }
  | Done;

export type Done = { step: 'done'; outcome: Outcome; message: string };

export function newRunState(brief: Brief, implementer: RunState['implementer']): RunState {
  return {
    brief,
    implementer,
    round: 0,
    firstRound: 1,
    criticReviews: [],
    roundsExhausted: false,
    humanSendBacks: 0,
  };
}

/** A new pass of implement ⇄ review: its rounds are counted afresh. */
export function startPass(state: RunState): void {
  state.roundsExhausted = false;
  state.noReviewer = undefined;
  state.firstRound = state.round + 1;
}

/** The change under review; every step after implementing has one. */
export function changeOf(state: RunState): { diff: DiffArtifact; resolved: ResolvedPlan } {
  if (!state.change) throw new Error('no change to review yet: the implementer step comes first');
  return state.change;
}
