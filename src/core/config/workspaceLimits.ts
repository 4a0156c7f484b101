// What the workspace layer (`.switchyard/routing.json`, a file from the repository) may not do: it
// may add protection and tighten the review rules, never loosen what the layers below it (the user's
// settings, the built-in defaults) set. Protected paths are a union, so a repository cannot remove one;
// the cross-vendor rule and the block gate cannot be switched off from there; risks on the human-gate
// list can be added, not removed. Each refused loosening becomes a note naming the file and the rule.
import { RulesSchema, type RoutingPolicyInput } from './policySchema';

type RulesInput = NonNullable<RoutingPolicyInput['rules']>;

/** The protected paths every policy has, whatever any layer says: `protectedMatches` adds them too. */
export const FIXED_PROTECTED_PATHS: readonly string[] = [
  '.git/**',
  '**/.git/**',
  '.vscode/**',
  '.env*',
  '**/.env*',
  '.github/workflows/**',
  '.gitlab-ci.yml',
  '.switchyard/routing.json',
];

export function withFixedProtection(paths: readonly string[]): string[] {
  return [...new Set([...FIXED_PROTECTED_PATHS, ...paths])];
}

/**
 * The workspace layer as it may apply over `lower` (the merged layers below it): loosenings removed
 * (the lower value kept), lists unioned. Pure; returns the adjusted layer and one note per change.
 */
export function limitWorkspaceLayer(
  lower: RoutingPolicyInput,
  workspace: RoutingPolicyInput,
  label: string,
): { layer: RoutingPolicyInput; notes: string[] } {
  const ws = workspace.rules;
  if (!ws) return { layer: workspace, notes: [] };
  const parsed = RulesSchema.safeParse(lower.rules ?? {});
  const base = parsed.success ? parsed.data : RulesSchema.parse({});
  const notes: string[] = [];
  const kept = (rule: string, value: string) =>
    notes.push(
      `${label}: ${rule} cannot be loosened by the workspace policy; ${value} from your settings or the defaults stays in force.`,
    );
  const rules: RulesInput = { ...ws };

  // The workspace's list adds to the one below: a path protected there stays protected.
  if (ws.protectedPaths) rules.protectedPaths = [...new Set([...base.protectedPaths, ...ws.protectedPaths])];
  if (ws.reviewerVendorMustDiffer === false && base.reviewerVendorMustDiffer) {
    kept('rules.reviewerVendorMustDiffer', 'true');
    rules.reviewerVendorMustDiffer = true;
  }
  if (ws.humanGate) {
    const gate = { ...ws.humanGate };
    for (const key of ['onBlock', 'onProtectedPaths'] as const) {
      if (gate[key] === false && base.humanGate[key]) {
        kept(`rules.humanGate.${key}`, 'true');
        gate[key] = true;
      }
    }
    if (gate.onRisk) {
      const dropped = base.humanGate.onRisk.filter((r) => !gate.onRisk!.includes(r));
      if (dropped.length) kept('rules.humanGate.onRisk', `a person's confirmation on ${dropped.join(', ')} risk`);
      gate.onRisk = [...new Set([...base.humanGate.onRisk, ...gate.onRisk])];
    }
    rules.humanGate = gate;
  }
  return { layer: { ...workspace, rules }, notes };
}
