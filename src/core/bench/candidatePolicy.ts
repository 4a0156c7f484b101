// The routing a review replays with: the current policy with the candidate model at the head of one
// stage's chain (the rest of the chain stays as fallbacks). No hook into runTask is needed: a policy
// override is exactly what the pipeline already routes by, so the replay is the real pipeline.
import type { RoutingPolicy, Stage } from '../config/policySchema';
import { STAGES } from '../config/stages';

export class CandidateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CandidateError';
  }
}

export function parseStage(raw: string): Stage {
  const s = (STAGES as readonly string[]).find((x) => x.toLowerCase() === raw.trim().toLowerCase());
  if (!s) throw new CandidateError(`"${raw}" is not a stage; use one of ${STAGES.join(', ')}.`);
  return s as Stage;
}

/** The chain with `modelId` first and its other occurrences removed. */
export function chainWithHead(chain: readonly string[], modelId: string): string[] {
  return [modelId, ...chain.filter((id) => id !== modelId)];
}

export function withCandidate(policy: RoutingPolicy, stage: Stage, modelId: string): RoutingPolicy {
  const spec = policy.models.find((m) => m.id === modelId);
  if (!spec) {
    const known = policy.models.map((m) => m.id).join(', ') || 'none';
    throw new CandidateError(
      `The candidate model "${modelId}" is not in the routing policy (known: ${known}). Add it under "models" in .switchyard/routing.json first.`,
    );
  }
  return { ...policy, stages: { ...policy.stages, [stage]: chainWithHead(policy.stages[stage], modelId) } };
}
