// Routing review across several roles at once, for CI: replays the benchmark set once with the
// current routing, then once per role with the candidate at the head of that role's chain, and
// gives each role its own side-by-side report and suggestion. The current side is shared, so N
// roles cost N + 1 replays of the set rather than 2N.
import type { Stage } from '../config/policySchema';
import { STAGES } from '../config/stages';
import { parseStage, withCandidate } from './candidatePolicy';
import { compareArms, replayArm, type RoutingReviewInput, type RoutingReviewReport } from './routingReview';

export interface RoleReviewInput extends Omit<RoutingReviewInput, 'stage' | 'onProgress'> {
  stages: readonly Stage[];
  onProgress?(p: { side: 'current' | Stage; index: number; total: number; task: string }): void;
}

export interface RoleReviewReport {
  candidate: string;
  items: number;
  roles: RoutingReviewReport[];
  cancelled: boolean;
}

/** "implementer,critic", "all" or one stage name: the roles to try the candidate in, in pipeline order. Throws CandidateError. */
export function parseStages(text: string): Stage[] {
  const words = text
    .split(',')
    .map((w) => w.trim())
    .filter(Boolean);
  if (words.length === 1 && words[0] === 'all') return [...STAGES];
  const stages = new Set(words.map((w) => parseStage(w)));
  return STAGES.filter((s) => stages.has(s));
}

export async function reviewRoles(input: RoleReviewInput): Promise<RoleReviewReport> {
  // Every candidate policy first: an unknown model fails before anything is replayed.
  const policies = input.stages.map((stage) => ({
    stage,
    policy: withCandidate(input.policy, stage, input.candidate),
  }));
  const progress = (side: 'current' | Stage): RoutingReviewInput['onProgress'] =>
    input.onProgress && ((p) => input.onProgress!({ ...p, side }));
  const cur = await replayArm({ ...input, onProgress: progress('current') }, 'current', input.policy);
  const roles: RoutingReviewReport[] = [];
  for (const { stage, policy } of policies) {
    // The candidate already leads this chain: its side is the current side, nothing to replay.
    const leads = input.policy.stages[stage][0] === input.candidate;
    const cand = leads ? cur : await replayArm({ ...input, onProgress: progress(stage) }, 'candidate', policy);
    roles.push(compareArms({ ...input, stage }, cur, cand));
    if (input.host.signal?.aborted) break;
  }
  return {
    candidate: input.candidate,
    items: input.set.items.length,
    roles,
    cancelled: roles.some((r) => r.cancelled) || Boolean(input.host.signal?.aborted),
  };
}
