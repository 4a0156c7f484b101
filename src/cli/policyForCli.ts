// Loads the routing policy for the CLI verbs of the routing engine (explain, route, review): built-in
// defaults under the workspace's .switchyard/routing.json, with every problem reported precisely.
import { formatProblem, loadPolicy } from '../core/config/loadPolicy';
import type { RoutingPolicy } from '../core/config/policySchema';
import { readWorkspacePolicy } from '../core/config/policyFile';

export class CliPolicyError extends Error {}

export async function policyForCli(root: string): Promise<{ policy: RoutingPolicy; sources: string[] }> {
  const workspace = await readWorkspacePolicy(root);
  // The CLI runs where the user chose to run it: the workspace file is trusted like any config there.
  const result = loadPolicy({ workspace, workspaceTrusted: true });
  if (!result.ok) {
    throw new CliPolicyError(
      `the routing policy is invalid:\n${result.problems.map((p) => `  ${formatProblem(p)}`).join('\n')}\nFix the file (or delete it to use the built-in defaults) and run again.`,
    );
  }
  return { policy: result.policy, sources: result.sources };
}
