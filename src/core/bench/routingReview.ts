// "Review routing for a new model": replays every benchmark item twice — with the current routing
// and with the candidate at the head of one stage's chain — each in its own scratch copy, with the
// usual cross-vendor critic reviewing each result, and lays the two sides out next to each other
// with a suggested policy change. Items run one after another: replays share the user's rate limits.
import type { RoutingPolicy, Stage } from '../config/policySchema';
import type { BenchmarkSet } from './benchmarkSchema';
import { summariseArm, type ArmSummary } from './armSummary';
import { withCandidate } from './candidatePolicy';
import { replayItem, type ReplayHost, type ReplayResult } from './replayItem';
import { suggestPolicyChange, type PolicySuggestion } from './suggestPolicyChange';

export interface RoutingReviewInput {
  root: string;
  set: BenchmarkSet;
  policy: RoutingPolicy;
  stage: Stage;
  candidate: string;
  host: ReplayHost;
  onProgress?(p: { side: 'current' | 'candidate'; index: number; total: number; task: string }): void;
}

export interface ItemComparison {
  itemId: string;
  task: string;
  drift: string[];
  /** 'restored': the accepted diff was taken back in the scratch before replaying. */
  base: 'restored' | 'as-is';
  current: ItemSide;
  candidate: ItemSide;
}

export interface ItemSide {
  outcome: string;
  finalVerdict: string;
  verified?: boolean;
  costUsd: number;
  elapsedMs: number;
  stageModel?: string;
  message: string;
}

export interface RoutingReviewReport {
  stage: Stage;
  candidate: string;
  current: ArmSummary;
  candidateSide: ArmSummary;
  items: ItemComparison[];
  suggestion: PolicySuggestion;
  /** Scratch folders left behind, if any (the figures are unaffected). */
  cleanupProblems: string[];
  /** The review was cancelled part-way: the figures cover only what finished and no change is suggested. */
  cancelled: boolean;
}

function side(r: ReplayResult, stage: Stage): ItemSide {
  const rec = r.record;
  const ran = rec.verifications.filter((v) => v.status === 'ran');
  return {
    outcome: rec.outcome,
    finalVerdict: rec.finalVerdict,
    verified: ran.length ? ran[ran.length - 1]!.passed === true : undefined,
    costUsd: rec.totals.costUsd,
    elapsedMs: rec.totals.elapsedMs,
    stageModel: [...rec.stages].reverse().find((s) => s.stage === stage)?.modelId,
    message: rec.message,
  };
}

/** Replays every item of the set with one policy, one after another (replays share the user's rate limits). */
export async function replayArm(
  input: Pick<RoutingReviewInput, 'root' | 'set' | 'host' | 'onProgress'>,
  which: 'current' | 'candidate',
  policy: RoutingPolicy,
): Promise<ReplayResult[]> {
  const out: ReplayResult[] = [];
  const total = input.set.items.length;
  for (const [index, item] of input.set.items.entries()) {
    if (input.host.signal?.aborted) break;
    input.onProgress?.({ side: which, index, total, task: item.task });
    out.push(await replayItem(input.root, item, policy, input.host));
  }
  return out;
}

/** Both sides' figures, per item, and the suggestion, from replays already made. */
export function compareArms(
  input: Pick<RoutingReviewInput, 'set' | 'policy' | 'stage' | 'candidate' | 'host'>,
  cur: readonly ReplayResult[],
  cand: readonly ReplayResult[],
): RoutingReviewReport {
  const { set, policy, stage, candidate, host } = input;
  const cancelled = Boolean(host.signal?.aborted) || [...cur, ...cand].some((r) => r.record.outcome === 'cancelled');
  const currentHead = policy.stages[stage][0];
  const current = summariseArm('current routing', cur, stage, currentHead);
  const candidateSide = summariseArm(`${candidate} as ${stage}`, cand, stage, candidate);
  const items = set.items.slice(0, Math.min(cur.length, cand.length)).map((item, i) => ({
    itemId: item.id,
    task: item.task,
    drift: cur[i]!.drift,
    base: cur[i]!.base,
    current: side(cur[i]!, stage),
    candidate: side(cand[i]!, stage),
  }));
  const suggestion = suggestPolicyChange(stage, candidate, policy.stages[stage], current, candidateSide);
  return {
    stage,
    candidate,
    current,
    candidateSide,
    items,
    // Half a comparison is no basis for changing the team's routing.
    suggestion: cancelled
      ? {
          ...suggestion,
          recommend: false,
          reasons: ['The review was cancelled before every item ran on both sides; run it again to get a suggestion.'],
        }
      : suggestion,
    cleanupProblems: [...new Set([...cur, ...cand].flatMap((r) => r.cleanupProblems))],
    cancelled,
  };
}

export async function reviewRouting(input: RoutingReviewInput): Promise<RoutingReviewReport> {
  const candidatePolicy = withCandidate(input.policy, input.stage, input.candidate); // throws CandidateError for an unknown model
  const cur = await replayArm(input, 'current', input.policy);
  const cand = await replayArm(input, 'candidate', candidatePolicy);
  return compareArms(input, cur, cand);
}
