// When a stage's model fails, does the next model in its chain get the same request? StageRun asks
// this (decided here, documented in docs/CONTRACTS.md; the whole-run cases are in
// test/unit/pipeline/stageFallback.e2e.test.ts):
//   - after a model's retries are exhausted (rate-limit, overloaded, server, network, timeout, stream-error);
//   - on auth and spend-cap (another model may use another key or account);
//   - on bad-request only when it is about this model (404 unknown model, 413 too large, context too long):
//     a malformed request would fail on every model and falling back would hide the bug;
//   - after a partial reply (output had streamed): the next model starts afresh.
// Never on 'cancelled' (the user stopped it), 'budget' or 'invalid-output'.
// A coding agent's pass (agents/agentImplementer.ts) follows the same rule on its own failure kinds:
// it falls back when its process, SDK, key or one of its own limits failed it, never when the user
// cancelled, the run's budget is spent, or the change it made cannot be used (the like of invalid output).
import { isModelSpecificBadRequest } from './providerErrors';
import type { ProviderError } from './types';

export function shouldFallBack(err: ProviderError): boolean {
  switch (err.kind) {
    case 'cancelled':
    case 'budget':
    case 'invalid-output':
      return false;
    case 'bad-request':
      return isModelSpecificBadRequest(err);
    default:
      return true;
  }
}

/** The same rule for a coding agent's failure kinds (agent, no-model, auth, sandbox, timeout, max-turns, agent-budget fall back). */
export function shouldAgentFallBack(kind: string): boolean {
  switch (kind) {
    case 'cancelled':
    case 'budget':
    case 'edit-resolve':
    case 'agent-outside':
    case 'residency':
      return false;
    default:
      return true;
  }
}
