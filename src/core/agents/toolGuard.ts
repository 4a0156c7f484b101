// What a coding agent may touch, decided before each of its tool calls (the SDK asks through a
// PreToolUse hook): only paths inside its scratch copy's workspace root, resolved through symlinks;
// never a secret-looking file; never a file the data-residency rules forbid its vendor to read.
// Every decision is kept, so the run can report reads (for residency and "what this role saw")
// and attempts outside the copy (reported; the change is then not applied).
import { realpath } from 'node:fs/promises';
import * as path from 'node:path';
import type { ModelSpec, RoutingPolicy } from '../config/policySchema';
import { looksSecret } from '../paths/secretPaths';
import { residencyViolations } from '../residency/residencyRules';

export type GuardDecision = { allow: true; reads: string[]; writes: string[] } | { allow: false; reason: string };

/** How a tool uses the paths in its input. */
interface ToolShape {
  /** Input fields holding a path. */
  fields: string[];
  /** read: shows file contents; list: shows names only; write: changes files. */
  mode: 'read' | 'list' | 'write';
}

/** The tools an agent is given (Claude Code's names); anything else is refused. */
const TOOLS: Record<string, ToolShape> = {
  Read: { fields: ['file_path'], mode: 'read' },
  Glob: { fields: ['path'], mode: 'list' },
  Grep: { fields: ['path'], mode: 'list' },
  Edit: { fields: ['file_path'], mode: 'write' },
  MultiEdit: { fields: ['file_path'], mode: 'write' },
  Write: { fields: ['file_path'], mode: 'write' },
};

export const AGENT_TOOLS = Object.keys(TOOLS);

export class ToolGuard {
  /** Edits refused because they aimed outside the copy: the pass is reported, its change never applied. */
  readonly outsideWrites: string[] = [];
  /** Every refusal, in words, for the stage's output. */
  readonly refusals: string[] = [];
  private realRoot: string | undefined;

  constructor(
    /** The copy's counterpart of the workspace root. */
    private readonly root: string,
    private readonly policy: RoutingPolicy,
    private readonly spec: ModelSpec,
    /** Files whose contents are about to reach the agent (residency screens the run's later calls against them). */
    private readonly onRead?: (paths: readonly string[]) => Promise<void>,
  ) {}

  async check(tool: string, input: Record<string, unknown>): Promise<GuardDecision> {
    const decision = await this.decide(tool, input);
    if (!decision.allow) this.refusals.push(`${tool}: ${decision.reason}`);
    else if (decision.reads.length) await this.onRead?.(decision.reads);
    return decision;
  }

  private async decide(tool: string, input: Record<string, unknown>): Promise<GuardDecision> {
    const shape = TOOLS[tool];
    if (!shape) return { allow: false, reason: `the ${tool} tool is not available in this scratch copy` };
    const rels: string[] = [];
    for (const field of shape.fields) {
      const raw = input[field];
      if (raw === undefined || raw === null || raw === '') continue;
      if (typeof raw !== 'string') return { allow: false, reason: `${field} must be a path` };
      const rel = await this.inside(raw);
      if (rel === undefined) {
        if (shape.mode === 'write') this.outsideWrites.push(`${tool} ${raw}`);
        return {
          allow: false,
          reason: `${raw} is outside the scratch copy (${this.root}); only files in it may be used`,
        };
      }
      rels.push(rel);
    }
    if (tool === 'Grep' && input['output_mode'] === 'content') {
      // Matching lines are file contents: allowed only for one file that may be read.
      const one = rels[0];
      if (!one || one === '.') {
        return { allow: false, reason: 'content search across the copy is off; search for file names, then Read' };
      }
      return this.readable(one) ?? { allow: true, reads: [one], writes: [] };
    }
    if (shape.mode === 'read') {
      const refused = rels.map((r) => this.readable(r)).find(Boolean);
      return refused ?? { allow: true, reads: rels, writes: [] };
    }
    if (shape.mode === 'write') {
      if (rels.some((r) => r === '.git' || r.startsWith('.git/')))
        return { allow: false, reason: 'files under .git are not edited' };
      return { allow: true, reads: [], writes: rels };
    }
    return { allow: true, reads: [], writes: [] };
  }

  /** Why a file may not be read (secret-looking, or a residency rule), or undefined. */
  private readable(rel: string): { allow: false; reason: string } | undefined {
    if (looksSecret(rel)) return { allow: false, reason: `${rel} looks like it holds secrets; it is not read` };
    const v = residencyViolations(this.policy, 'implementer', this.spec, [rel])[0];
    if (v) return { allow: false, reason: `${this.spec.id} may not read ${rel}: ${v.reason}` };
    return undefined;
  }

  /** The path relative to the copy's root when it is inside it (after symlinks), else undefined. */
  private async inside(raw: string): Promise<string | undefined> {
    this.realRoot ??= await realpath(this.root).catch(() => this.root);
    const abs = path.resolve(this.realRoot, raw);
    const real = await realOf(abs);
    const rel = path.relative(this.realRoot, real);
    if (rel === '') return '.';
    if (rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
    return rel.split(path.sep).join('/');
  }
}

/** The real path of `abs`, or of its nearest existing ancestor joined with the rest (a file not created yet). */
async function realOf(abs: string): Promise<string> {
  const rest: string[] = [];
  let cur = abs;
  for (;;) {
    try {
      return path.join(await realpath(cur), ...rest.reverse());
    } catch {
      const parent = path.dirname(cur);
      if (parent === cur) return abs;
      rest.push(path.basename(cur));
      cur = parent;
    }
  }
}
