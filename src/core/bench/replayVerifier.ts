// The verify command for replays. Approval belongs to the user's workspace, not to each scratch
// copy (whose path changes every replay and would ask again six times), so it is checked once
// against the real root — same store, same hash, same exact-command rule as a normal run — and
// the replays then run the approved command in their scratch copies. The sandbox (or the user's
// opt-out) is settled first, like a normal run, so the question says how the command will run.
import type { RoutingPolicy } from '../config/policySchema';
import { chooseIsolation, type IsolationChoice } from '../sandbox/chooseIsolation';
import { checkVerifyAllowed, type ApprovalStore, type AskApproval } from '../verify/verifyApproval';
import { runVerifyStage } from '../verify/verifyStage';
import type { ReplayHost } from './replayItem';

export interface ReplayVerifierInput {
  policy: RoutingPolicy;
  root: string;
  trusted: boolean;
  approvals: ApprovalStore;
  askApproval: AskApproval;
  secretEnvNames?: Iterable<string>;
  env?: NodeJS.ProcessEnv;
  isolation?: IsolationChoice;
}

export async function replayVerifier(
  input: ReplayVerifierInput,
): Promise<{ verify?: ReplayHost['verify']; note?: string }> {
  const spec = input.policy.verify;
  if (!spec) return {};
  const chosen = input.trusted ? await chooseIsolation(input.isolation) : undefined;
  if (chosen && 'refused' in chosen) return { note: `verification not run in the replays: ${chosen.refused}` };
  const allowed = await checkVerifyAllowed({
    command: spec.command,
    root: input.root,
    trusted: input.trusted,
    approvals: input.approvals,
    askApproval: input.askApproval,
    details: { isolation: chosen?.kind ?? 'sandbox', passEnv: [...(spec.env ?? [])] },
  });
  if (!allowed.allowed) return { note: `verification not run in the replays: ${allowed.reason}` };
  const granted: ApprovalStore = { has: () => true, add: () => undefined };
  return {
    note: allowed.warning,
    verify: (scratchRoot, resolved, signal) =>
      runVerifyStage({
        root: scratchRoot,
        resolvedPlan: resolved,
        verify: spec,
        trusted: input.trusted,
        approvals: granted,
        askApproval: async () => false,
        secretEnvNames: input.secretEnvNames,
        env: input.env,
        isolation: chosen && chosen.kind === 'sandbox' ? { support: chosen.support } : input.isolation,
        signal,
      }),
  };
}
