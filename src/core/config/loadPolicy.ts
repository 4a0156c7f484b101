// Builds the routing policy in force from its layers — built-in defaults, then user settings, then
// the workspace file — and explains every problem precisely: which file, which JSON path, where in
// the file, what was expected. Pure: callers pass the texts and objects; nothing here reads disk.
import type { z } from 'zod';
import { DEFAULT_POLICY } from './defaultPolicy';
import { JsoncSyntaxError, parseJsonc, pathKey, type JsoncLocation } from './jsonc';
import { RoutingPolicyShape, RoutingPolicySchema, type RoutingPolicy, type RoutingPolicyInput } from './policySchema';
import { keepUserResidencyFacts, tagResidencyRules, unionResidencyRules } from './residencyLayers';
import { limitWorkspaceLayer, withFixedProtection } from './workspaceLimits';

export interface PolicyLayerSource {
  /** Shown in errors: a file path or "User settings (switchyard.policy)". */
  label: string;
  /** Raw JSONC text (a file) … */
  text?: string;
  /** … or an already-parsed object (settings). */
  value?: unknown;
}

export interface PolicyProblem {
  source: string;
  /** JSON path in the source, e.g. "rules.budgets.perTaskUsd" or "stages.critic[0]"; "" for the whole file. */
  path: string;
  location?: JsoncLocation;
  message: string;
}

/** Which layer chose what, for the rules that depend on who wrote the policy (keys, unattended apply). */
export interface PolicyProvenance {
  /** Models whose definition (endpoint included) came from the workspace file, a repository's choice. */
  workspaceModelIds: string[];
  /** Key variable names the user's own settings give their models: names the user configured. */
  userKeyEnvNames: string[];
}

export type PolicyLoadResult =
  | { ok: true; policy: RoutingPolicy; sources: string[]; notes: string[]; provenance: PolicyProvenance }
  | { ok: false; problems: PolicyProblem[]; notes: string[] };

export function formatJsonPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out;
}

export function formatProblem(p: PolicyProblem): string {
  const where = p.location ? `${p.source}:${p.location.line}:${p.location.column}` : p.source;
  return `${where}: ${p.path ? `${p.path}: ` : ''}${p.message}`;
}

interface ParsedLayer {
  label: string;
  input: RoutingPolicyInput;
  locations?: Map<string, JsoncLocation>;
}

function issueMessage(issue: z.core.$ZodIssue): string {
  return issue.message;
}

/** A policy is a few kilobytes; anything near this is not one, and is refused before it is parsed. */
export const MAX_POLICY_BYTES = 1024 * 1024;

function readLayer(source: PolicyLayerSource, problems: PolicyProblem[]): ParsedLayer | undefined {
  let value = source.value;
  let locations: Map<string, JsoncLocation> | undefined;
  if (source.text !== undefined) {
    if (source.text.length > MAX_POLICY_BYTES) {
      problems.push({
        source: source.label,
        path: '',
        location: { line: 1, column: 1 },
        message: `the file is larger than ${MAX_POLICY_BYTES} bytes (${source.text.length}); a routing policy is a few kilobytes, so it was not parsed`,
      });
      return undefined;
    }
    if (source.text.trim() === '') return undefined; // an empty file is no layer, not an error
    try {
      const parsed = parseJsonc(source.text);
      value = parsed.value;
      locations = parsed.locations;
    } catch (err) {
      if (!(err instanceof JsoncSyntaxError)) throw err;
      problems.push({
        source: source.label,
        path: '',
        location: err.location,
        message: `not valid JSON: ${err.reason}`,
      });
      return undefined;
    }
  }
  if (value === undefined || value === null) return undefined;
  const checked = RoutingPolicyShape.safeParse(value);
  if (!checked.success) {
    for (const issue of checked.error.issues) {
      problems.push({
        source: source.label,
        path: formatJsonPath(issue.path),
        location: nearestLocation(locations, issue.path),
        message: issueMessage(issue),
      });
    }
    return undefined;
  }
  return { label: source.label, input: value as RoutingPolicyInput, locations };
}

function nearestLocation(
  locations: Map<string, JsoncLocation> | undefined,
  path: ReadonlyArray<PropertyKey>,
): JsoncLocation | undefined {
  if (!locations) return undefined;
  for (let n = path.length; n >= 0; n--) {
    const hit = locations.get(pathKey(path.slice(0, n)));
    if (hit) return hit;
  }
  return undefined;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function deepMerge(base: unknown, over: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(over)) return over === undefined ? base : over;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = deepMerge(base[k], v);
  return out;
}

/**
 * Merges raw layers, upper over lower: models by id (an upper model replaces a lower one of the
 * same id), stage chains per stage (a layer that names a stage's chain replaces it), rules deeply
 * (arrays replaced — except rules.residency, where every layer's rules apply: residency only
 * narrows, so no layer may remove another's), everything else replaced.
 */
export function mergeLayers(layers: RoutingPolicyInput[]): RoutingPolicyInput {
  const models = new Map<string, NonNullable<RoutingPolicyInput['models']>[number]>();
  let merged: Record<string, unknown> = {};
  for (const layer of layers) {
    for (const m of layer.models ?? []) models.set(m.id, m);
    const { models: _models, ...rest } = layer;
    merged = deepMerge(merged, rest) as Record<string, unknown>;
  }
  delete merged.$schema;
  const out: RoutingPolicyInput = { ...(merged as RoutingPolicyInput), models: [...models.values()] };
  const residency = unionResidencyRules(layers);
  if (residency?.length) out.rules = { ...out.rules, residency };
  return out;
}

/** Finds which layer last set a path, so a cross-reference error points at the right file. */
function blame(layers: ParsedLayer[], path: ReadonlyArray<PropertyKey>): { label: string; location?: JsoncLocation } {
  for (let i = layers.length - 1; i >= 0; i--) {
    const layer = layers[i]!;
    let node: unknown = layer.input;
    let found = true;
    for (const part of path.slice(0, 2)) {
      if (isPlainObject(node) && String(part) in node) node = node[String(part)];
      else {
        found = false;
        break;
      }
    }
    if (found) return { label: layer.label, location: nearestLocation(layer.locations, path) };
  }
  return { label: 'built-in defaults' };
}

export interface LoadPolicyOptions {
  user?: PolicyLayerSource;
  workspace?: PolicyLayerSource;
  /** In an untrusted workspace the workspace file is not read at all (its models and base URLs could send keys anywhere). */
  workspaceTrusted: boolean;
  defaults?: RoutingPolicyInput;
}

export function loadPolicy(options: LoadPolicyOptions): PolicyLoadResult {
  const problems: PolicyProblem[] = [];
  const notes: string[] = [];
  const layers: ParsedLayer[] = [{ label: 'built-in defaults', input: options.defaults ?? DEFAULT_POLICY }];
  let user: ParsedLayer | undefined;
  let workspace: ParsedLayer | undefined;
  const provenance: PolicyProvenance = { workspaceModelIds: [], userKeyEnvNames: [] };
  if (options.user) {
    user = readLayer(options.user, problems);
    if (user) layers.push(user);
    for (const m of user?.input.models ?? []) if (m.apiKeyEnv) provenance.userKeyEnvNames.push(m.apiKeyEnv);
  }
  if (options.workspace) {
    if (!options.workspaceTrusted) {
      notes.push(`${options.workspace.label} ignored: the workspace is not trusted, so only user settings apply.`);
    } else {
      const layer = readLayer(options.workspace, problems);
      if (layer) {
        const limited = limitWorkspaceLayer(mergeLayers(layers.map((l) => l.input)), layer.input, layer.label);
        notes.push(...limited.notes);
        workspace = { ...layer, input: limited.layer };
        layers.push(workspace);
        provenance.workspaceModelIds = (layer.input.models ?? []).map((m) => m.id);
      }
    }
  }
  if (problems.length > 0) return { ok: false, problems, notes };

  const input = mergeLayers(layers.map((l) => tagResidencyRules(l.input, l.label)));
  notes.push(...keepUserResidencyFacts(input, user?.input, workspace));
  const merged = RoutingPolicySchema.safeParse(input);
  if (!merged.success) {
    for (const issue of merged.error.issues) {
      const origin = blame(layers, issue.path);
      problems.push({
        source: origin.label,
        path: formatJsonPath(issue.path),
        location: origin.location,
        message: issueMessage(issue),
      });
    }
    return { ok: false, problems, notes };
  }
  const policy = merged.data;
  policy.rules.protectedPaths = withFixedProtection(policy.rules.protectedPaths);
  return { ok: true, policy, sources: layers.map((l) => l.label), notes, provenance };
}

/**
 * Holds the policy in force. A reload that fails keeps the last good policy and records the
 * problems, so a typo in routing.json never silently changes routing or stops work.
 */
export class PolicyStore {
  private current: { policy: RoutingPolicy; sources: string[]; provenance: PolicyProvenance } | undefined;
  private lastProblems: PolicyProblem[] = [];
  private lastNotes: string[] = [];

  reload(options: LoadPolicyOptions): PolicyLoadResult {
    const result = loadPolicy(options);
    this.lastNotes = result.notes;
    if (result.ok) {
      this.current = { policy: result.policy, sources: result.sources, provenance: result.provenance };
      this.lastProblems = [];
    } else {
      this.lastProblems = result.problems;
      if (!this.current) {
        // Nothing good yet: fall back to user settings and defaults, never to nothing.
        const fallback = loadPolicy({ ...options, workspace: undefined });
        const base = fallback.ok ? fallback : loadPolicy({ workspaceTrusted: false, defaults: options.defaults });
        if (base.ok) this.current = { policy: base.policy, sources: base.sources, provenance: base.provenance };
      }
    }
    return result;
  }

  get policy(): RoutingPolicy {
    if (!this.current) throw new Error('PolicyStore: reload() has not been called');
    return this.current.policy;
  }

  get sources(): string[] {
    return this.current?.sources ?? [];
  }

  get provenance(): PolicyProvenance {
    return this.current?.provenance ?? { workspaceModelIds: [], userKeyEnvNames: [] };
  }

  get problems(): PolicyProblem[] {
    return this.lastProblems;
  }

  get notes(): string[] {
    return this.lastNotes;
  }
}
