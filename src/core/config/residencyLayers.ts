// Data residency across the policy's layers. Residency only ever narrows what may be sent, so an
// upper layer must not be able to undo a lower one: every layer's rules apply (each tagged with the
// layer it came from, so a message can say where to look), and the facts a person stated in their
// own settings — a model's vendor, a model's or a vendor's region and retention — stand over what a workspace file
// (a repository, possibly someone else's) says about the same model or vendor.
import type { RoutingPolicyInput } from './policySchema';

type ModelInput = NonNullable<RoutingPolicyInput['models']>[number];
type Facts = { region?: string; retention?: string };
const FACTS = ['region', 'retention'] as const;

/** The layer with each residency rule tagged by where it came from (a tag written in the file is replaced). */
export function tagResidencyRules(input: RoutingPolicyInput, source: string): RoutingPolicyInput {
  const rules = input.rules?.residency;
  if (!rules?.length) return input;
  return {
    ...input,
    rules: { ...input.rules, residency: rules.map((r, index) => ({ ...r, origin: { source, index } })) },
  };
}

/** Every layer's residency rules, lower layers first: the union, never a replacement. */
export function unionResidencyRules(
  layers: readonly RoutingPolicyInput[],
): NonNullable<RoutingPolicyInput['rules']>['residency'] {
  return layers.flatMap((l) => l.rules?.residency ?? []);
}

/**
 * Puts back the vendor, region and retention the user stated (on a model id, or on a vendor) where the
 * workspace layer said otherwise, and drops a workspace model's own claim that contradicts what the
 * user stated for its vendor. Mutates `merged`; returns one note per change, for the status view.
 */
export function keepUserResidencyFacts(
  merged: RoutingPolicyInput,
  user: RoutingPolicyInput | undefined,
  workspace: { label: string; input: RoutingPolicyInput } | undefined,
): string[] {
  if (!user || !workspace) return [];
  const notes: string[] = [];
  const said = (what: string, theirs: unknown, ours: unknown) =>
    `${workspace.label} says ${what} is ${theirs === undefined ? 'undeclared' : `"${String(theirs)}"`}; your settings say "${String(ours)}", and that stands (a workspace file cannot change residency facts you stated)`;

  const userVendors = user.vendors ?? {};
  if (Object.keys(userVendors).length) {
    const vendors: Record<string, Facts> = { ...(merged.vendors ?? {}) };
    for (const [vendor, facts] of Object.entries(userVendors)) {
      const now: Facts = { ...(vendors[vendor] ?? {}) };
      for (const k of FACTS) {
        if (facts[k] === undefined || now[k] === facts[k]) continue;
        notes.push(said(`vendor ${vendor}'s ${k}`, now[k], facts[k]));
        now[k] = facts[k];
      }
      vendors[vendor] = now;
    }
    merged.vendors = vendors;
  }

  const userModels = new Map((user.models ?? []).map((m) => [m.id, m]));
  const workspaceModels = new Set((workspace.input.models ?? []).map((m) => m.id));
  merged.models = (merged.models ?? []).map((m): ModelInput => {
    if (!workspaceModels.has(m.id)) return m;
    const out: ModelInput = { ...m };
    const mine = userModels.get(m.id);
    // Who trains your model is a fact you stated too: a vendor rule (or the cross-vendor review) must not be dodged by renaming it.
    if (mine && out.vendor !== mine.vendor) {
      notes.push(said(`model ${m.id}'s vendor`, out.vendor, mine.vendor));
      out.vendor = mine.vendor;
    }
    const vendorFacts: Facts = userVendors[out.vendor] ?? {};
    for (const k of FACTS) {
      if (mine?.[k] !== undefined) {
        if (out[k] !== mine[k]) notes.push(said(`model ${m.id}'s ${k}`, out[k], mine[k]));
        out[k] = mine[k];
      } else if (vendorFacts[k] !== undefined && out[k] !== undefined && out[k] !== vendorFacts[k]) {
        notes.push(said(`model ${m.id} (vendor ${out.vendor})'s ${k}`, out[k], vendorFacts[k]));
        delete out[k];
      }
    }
    return out;
  });
  return notes;
}
