// Loads the routing policy for the CLI verbs of the routing engine (explain, route, review): built-in
// defaults under the workspace's .switchyard/routing.json, with every problem reported precisely.
import { realpathSync } from 'node:fs';
import { delimiter, resolve } from 'node:path';
import { formatProblem, loadPolicy, type PolicyLoadResult } from '../core/config/loadPolicy';
import type { RoutingPolicy } from '../core/config/policySchema';
import { keyEnvValues } from '../core/providers/keys';
import { PolicyFileError, readWorkspacePolicy } from '../core/config/policyFile';

export class CliPolicyError extends Error {}

type PolicyLoaded = Extract<PolicyLoadResult, { ok: true }>;
export type CliPolicy = Pick<PolicyLoaded, 'policy' | 'sources' | 'provenance' | 'notes'>;

export async function policyForCli(root: string): Promise<CliPolicy> {
  let workspace;
  try {
    workspace = await readWorkspacePolicy(root);
  } catch (err) {
    if (err instanceof PolicyFileError)
      throw new CliPolicyError(
        `${err.message}\nFix the file (or delete it to use the built-in defaults) and run again.`,
      );
    throw err;
  }
  // The CLI runs where the user chose to run it: the workspace file is trusted like any config there.
  const result = loadPolicy({ workspace, workspaceTrusted: true });
  if (!result.ok) {
    throw new CliPolicyError(
      `the routing policy is invalid:\n${result.problems.map((p) => `  ${formatProblem(p)}`).join('\n')}\nFix the file (or delete it to use the built-in defaults) and run again.`,
    );
  }
  return { policy: result.policy, sources: result.sources, provenance: result.provenance, notes: result.notes };
}

/**
 * The workspace models the user has not vouched for. `SWITCHYARD_TRUST_WORKSPACE_MODELS` (the user's
 * environment, which a repository does not write) lists workspace roots, separated like PATH, whose
 * policy-defined models may approve a change that `--yes` then applies.
 */
export function unvettedWorkspaceModels(
  loaded: CliPolicy,
  root: string,
  env: Record<string, string | undefined>,
): string[] {
  const vouched = (env['SWITCHYARD_TRUST_WORKSPACE_MODELS'] ?? '')
    .split(delimiter)
    .filter(Boolean)
    .map((d) => realOrSame(d));
  return vouched.includes(realOrSame(root)) ? [] : loaded.provenance.workspaceModelIds;
}

function realOrSame(p: string): string {
  try {
    return realpathSync(resolve(p));
  } catch {
    return resolve(p);
  }
}

/** The values of the keys this policy's models use, from the environment: what output and records must never show. */
export function policyKeyValues(policy: RoutingPolicy, env: Record<string, string | undefined>): string[] {
  return keyEnvValues(policy.models, env);
}
