// Data residency: may this model see this work? One pure check used where models are chosen (the
// decision) and where requests are sent (every call of a stage, fallbacks included), so the two can
// never disagree. A rule applies to a request when its stages include the request's stage and its
// path globs match a file the request carries (workspace-relative, normalised, real paths included);
// it then rejects every model it does not allow. Unknown facts fail closed: a rule about regions
// rejects a model whose region nobody declared, because "somewhere" is not an allowed region.
import type { ModelSpec, ResidencyRule, RoutingPolicy, Stage } from '../config/policySchema';
import { globMatcher } from '../config/pathGlob';

export interface ResidencyViolation {
  /** Where the rule is: "rules.residency[0]", plus the layer it came from when known. */
  rule: string;
  /** What was not allowed and for which work, naming the rule: "region cn not allowed for src/payments/** (rules.residency[0])". */
  reason: string;
  /** The files of the request that brought the rule in (empty for a rule without paths). */
  files: string[];
}

/** The region and retention that hold for a model: its own, else its vendor's, else unknown. */
export function modelFacts(policy: RoutingPolicy, spec: ModelSpec): { region?: string; retention?: string } {
  const vendor = policy.vendors[spec.vendor] ?? {};
  return { region: spec.region ?? vendor.region, retention: spec.retention ?? vendor.retention };
}

/** "rules.residency[0]" — with the file or setting it came from, when the loader tagged it. */
export function ruleRef(rule: ResidencyRule, index: number): string {
  return rule.origin ? `rules.residency[${rule.origin.index}] in ${rule.origin.source}` : `rules.residency[${index}]`;
}

// Case-insensitive where the file system usually is, so "src/Payments/x.ts" cannot slip past "src/payments/**".
const NOCASE = process.platform === 'win32' || process.platform === 'darwin';
const matchers = new Map<string, (path: string) => boolean>();

function matcherFor(globs: readonly string[]): (path: string) => boolean {
  const key = globs.join('\0');
  let m = matchers.get(key);
  if (!m) {
    // The same files are checked call after call as a run goes on: remember each answer (bounded).
    const match = globMatcher(globs, { nocase: NOCASE });
    const seen = new Map<string, boolean>();
    m = (path) => {
      let hit = seen.get(path);
      if (hit === undefined) {
        if (seen.size >= 10_000) seen.clear();
        hit = match(path);
        seen.set(path, hit);
      }
      return hit;
    };
    matchers.set(key, m);
  }
  return m;
}

/** The files of a request that a rule's globs match; every file when the rule has no paths. */
export function filesUnderRule(rule: ResidencyRule, files: readonly string[]): string[] {
  if (!rule.paths) return [...files];
  const match = matcherFor(rule.paths);
  return files.filter((f) => match(f));
}

/** Whether a rule applies to a request of this stage (none: a call outside the stages, like the classifier's) carrying these files. */
export function ruleApplies(rule: ResidencyRule, stage: Stage | undefined, files: readonly string[]): boolean {
  if (rule.stages && (stage === undefined || !rule.stages.includes(stage))) return false;
  return !rule.paths || filesUnderRule(rule, files).length > 0;
}

/** What about the model the rule does not allow (e.g. "region cn"), or undefined when it allows it. */
function disallowed(rule: ResidencyRule, spec: ModelSpec, facts: { region?: string; retention?: string }) {
  if (rule.denyVendors?.includes(spec.vendor) || (rule.allowVendors && !rule.allowVendors.includes(spec.vendor)))
    return `vendor ${spec.vendor}`;
  if (rule.allowRegions || rule.denyRegions) {
    if (facts.region === undefined) return `a model with no declared region (${spec.id})`;
    if (rule.denyRegions?.includes(facts.region) || (rule.allowRegions && !rule.allowRegions.includes(facts.region)))
      return `region ${facts.region}`;
  }
  if (rule.requireRetention) {
    if (facts.retention === undefined) return `a model with no declared retention (${spec.id})`;
    if (!rule.requireRetention.includes(facts.retention)) return `retention ${facts.retention}`;
  }
  return undefined;
}

/** The work a rule covers, as words: its globs, its stages, or everything. */
export function ruleScope(rule: ResidencyRule): string {
  const where = rule.paths ? rule.paths.join(', ') : undefined;
  const when = rule.stages ? `the ${rule.stages.join(', ')}` : undefined;
  return where && when ? `${where} in ${when}` : (where ?? when ?? 'any work');
}

/** Every rule that forbids this model this stage's work on these files (empty: it may see it). */
export function residencyViolations(
  policy: RoutingPolicy,
  stage: Stage | undefined,
  spec: ModelSpec,
  files: readonly string[],
): ResidencyViolation[] {
  const rules = policy.rules.residency;
  if (rules.length === 0) return [];
  const facts = modelFacts(policy, spec);
  const out: ResidencyViolation[] = [];
  rules.forEach((rule, i) => {
    if (!ruleApplies(rule, stage, files)) return;
    const what = disallowed(rule, spec, facts);
    if (!what) return;
    const ref = ruleRef(rule, i);
    out.push({
      rule: ref,
      reason: `${what} not allowed for ${ruleScope(rule)} (${ref})`,
      files: rule.paths ? filesUnderRule(rule, files) : [],
    });
  });
  return out;
}

export interface ScreenedCandidates {
  allowed: ModelSpec[];
  excluded: Array<{ spec: ModelSpec; violation: ResidencyViolation }>;
}

/** Splits a chain into the models the residency rules allow for this work (order kept) and the rest, with the first rule each breaks. */
export function screenCandidates(
  policy: RoutingPolicy,
  stage: Stage,
  candidates: readonly ModelSpec[],
  files: readonly string[],
): ScreenedCandidates {
  const allowed: ModelSpec[] = [];
  const excluded: ScreenedCandidates['excluded'] = [];
  for (const spec of candidates) {
    const v = residencyViolations(policy, stage, spec, files)[0];
    if (v) excluded.push({ spec, violation: v });
    else allowed.push(spec);
  }
  return { allowed, excluded };
}

/** A rule in words: "src/payments/**: regions eu only". */
export function describeRule(rule: ResidencyRule): string {
  const list = (xs: readonly string[]) => xs.join(', ');
  const says = [
    rule.allowRegions && `regions ${list(rule.allowRegions)} only`,
    rule.denyRegions && `not regions ${list(rule.denyRegions)}`,
    rule.allowVendors && `vendors ${list(rule.allowVendors)} only`,
    rule.denyVendors && `not vendors ${list(rule.denyVendors)}`,
    rule.requireRetention && `retention ${list(rule.requireRetention)} only`,
  ].filter(Boolean);
  return `${ruleScope(rule)}: ${says.join('; ')}`;
}

/**
 * Why a stage has no model left once residency is applied, and what to do — the message a run stops
 * with, before anything is sent to the stage.
 */
export function noModelLeftMessage(
  role: string,
  stage: Stage,
  excluded: ReadonlyArray<{ modelId: string; reason: string }>,
  files: readonly string[],
): string {
  const list = excluded.map((x) => `${x.modelId}: ${x.reason}`).join('; ');
  const named = files.length ? ` (files: ${[...new Set(files)].join(', ')})` : '';
  return (
    `Data residency leaves no model for the ${role}${named}: ${list}. Nothing was sent to ${excluded.length === 1 ? 'it' : 'them'}. ` +
    `List a model the rule allows under stages.${stage} in .switchyard/routing.json (and declare its region), or change the rule.`
  );
}
