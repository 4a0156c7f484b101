// A coding agent as the implementer. It works in an isolated copy of the workspace (the verify
// sandbox's kind: its own git directory, nothing linked back), made on its first pass and kept for
// the run, so a send-back resumes the same agent session on the same files. After each pass its
// change is `git diff` of the copy, resolved against the real workspace like any implementer's
// edits: from there the run is unchanged (another vendor reviews; Apply writes, undoably).
// An agent that stopped early, edited nothing, or tried to edit outside its copy is reported and
// nothing of that pass is used. The user's files are never touched here.
import { isAgentProvider, type ModelSpec, type RoutingPolicy } from '../config/policySchema';
import type { ResolvedPlan } from '../edits/editPlan';
import { keyEnvFor } from '../providers/keys';
import type { RejectedAlternative } from '../routing/decisionSchema';
import type { PriceLookup } from '../routing/estimate';
import type { Review } from '../review/reviewSchema';

type Revision = { review: Review; by: string };
import { createIsolatedCopy, type IsolatedCopy } from '../sandbox/isolatedCopy';
import type { Findings, Plan } from '../sessions/artifacts';
import { diffArtifactOf, resolveImplementerReply } from '../stage/implementerEdits';
import { RunCancelled, StageFailure } from '../stage/runContext';
import type { StageRun } from '../stage/stageRun';
import { agentFirstMessage, agentInstructions, agentRevisionMessage, agentTakeOverMessage } from './agentBrief';
import { applyResolved } from '../edits/applyResolved';
import { StepReporter } from './stepReporter';
import type { AgentEngine, AgentHost } from './agentTypes';
import { limitsOf, runAgentPass } from './agentPass';
import { AgentUnavailable } from './agentTypes';
import { engineFor } from './engines';
import { ToolGuard } from './toolGuard';
import { changeInCopy } from './copyDiff';
import { gitOrThrow, splitNul } from '../sandbox/git';
import { residencyViolations } from '../residency/residencyRules';
import type { BudgetGuard } from '../stage/budget';

export interface AgentBriefing {
  root: string;
  task: string;
  plan?: Plan;
  findings?: Findings;
  nonce: string;
  policy: RoutingPolicy;
  host?: AgentHost;
  priceLookup?: PriceLookup;
  /** The run's cancellation. */
  signal: AbortSignal;
  /** The run's budgets: an agent pass may spend at most what is left of them. */
  budget: Pick<BudgetGuard, 'usdLeft'>;
}

export interface AgentPass {
  resolved: ResolvedPlan;
  spec: ModelSpec;
  why: string;
  rejected: RejectedAlternative[];
}

/** The implementer for a coding-agent model of the implementer's chain. */
export function agentImplementerFor(spec: ModelSpec, b: AgentBriefing): AgentImplementer {
  if (!isAgentProvider(spec.provider)) throw new Error(`${spec.id} is not a coding agent`);
  return new AgentImplementer(spec, b, engineFor(spec, b.host));
}

/** Where a pass starts: the copy, and the session to resume or the change it carries from before. */
interface Start {
  copy: IsolatedCopy;
  resume?: string;
  carried?: { diff: string; by: string };
}

export class AgentImplementer {
  private copy: IsolatedCopy | undefined;
  private session: string | undefined;
  /** The change this agent's last pass made (the change under review, while it is this agent's). */
  private lastDiff: string | undefined;
  /** A change made elsewhere that the next pass must start from. */
  private adopted: { diff: string; by: string } | undefined;

  constructor(
    readonly spec: ModelSpec,
    private readonly b: AgentBriefing,
    private readonly engine: AgentEngine,
  ) {}

  /** One pass: a new session, or (with a review) the same session resumed with its findings. */
  async implement(sr: StageRun, revision?: Revision): Promise<AgentPass> {
    const { spec, b } = this;
    const owner = sr.begin();
    if (owner.id !== spec.id) {
      throw new StageFailure({
        kind: 'residency',
        message: `${spec.id} (${spec.vendor}) may not read the files in scope here (${sr.snapshot.why}); the coding agent was not started and nothing was sent.`,
        modelId: spec.id,
      });
    }
    const { env, creds } = await this.environment();
    const start = await this.startingPoint(sr, revision);
    const { copy } = start;
    const guard = new ToolGuard(copy.root, b.policy, spec, (paths) => sr.noteRead(paths));
    const first = agentFirstMessage(b.task, b.plan, b.findings, b.nonce);
    const prompt = start.resume
      ? agentRevisionMessage(revision!.review, revision!.by, b.nonce)
      : start.carried
        ? agentTakeOverMessage(first, start.carried, revision, b.nonce)
        : first;
    const instructions = agentInstructions(b.nonce, spec.provider === 'codex-agent' ? 'codex-agent' : 'claude-agent');
    const steps = new StepReporter(sr);
    const briefed = ['task', ...(b.plan ? ['plan'] : []), ...(b.findings ? ['findings'] : [])];
    const artifacts = start.resume
      ? ['review']
      : [...briefed, ...(start.carried ? ['diff'] : []), ...(revision ? ['review'] : [])];
    steps.sent(spec, instructions, prompt, artifacts);
    let pass;
    try {
      pass = await runAgentPass({
        ...{ engine: this.engine, sr, steps, spec, prompt, instructions, guard, creds },
        ...{ cwd: copy.root, scratch: copy.home, priceLookup: b.priceLookup, runSignal: b.signal },
        env: { ...env, HOME: copy.home, TMPDIR: copy.tmp, CLAUDE_CONFIG_DIR: `${copy.home}/.claude` },
        resume: start.resume,
        limits: limitsOf(spec, b.budget.usdLeft('implementer')),
      });
    } catch (e) {
      if (e instanceof AgentUnavailable)
        throw new StageFailure({ kind: 'no-model', message: e.message, modelId: spec.id });
      throw e;
    }
    const { out, watch } = pass;
    this.session = out.sessionId ?? this.session;
    if (b.signal.aborted) throw new RunCancelled();
    if (watch.stopped)
      throw this.failure(watch.stopped.kind, `was stopped at ${watch.stopped.what} before it finished`);
    if (out.stop === 'error')
      throw this.failure('agent', `stopped with an error: ${out.errors.join('; ') || 'no message'}`);
    if (guard.outsideWrites.length)
      throw this.failure(
        'agent-outside',
        `tried to edit outside its scratch copy (${guard.outsideWrites.slice(0, 3).join('; ')}); those edits were refused`,
      );
    const resolved = await this.changeOf(copy);
    // Kept as the run shows it (and as a later run's reuse carries it), to find this session again.
    this.lastDiff = diffArtifactOf(resolved).diff;
    return { resolved, spec, why: sr.snapshot.why, rejected: sr.snapshot.rejected };
  }

  /** The change under review was made elsewhere (an earlier run, another model): the next pass starts from it. */
  adopt(diff: string, by = ''): void {
    if (diff.trim() !== this.lastDiff?.trim()) this.adopted = { diff, by };
  }

  /** Ends the agent's processes; its copy and session are kept for a later run when the host keeps sessions. */
  async dispose(): Promise<void> {
    await this.engine.stop();
    const { copy, session, lastDiff } = this;
    this.copy = undefined;
    const parked = this.b.host?.parked;
    if (parked && copy && session && lastDiff)
      await parked.park({ modelId: this.spec.id, diff: lastDiff, session, copy });
    else await copy?.dispose();
  }

  /**
   * Where this pass starts: its own session resumed in its copy (a send-back); a new session in a
   * new copy; or, when the change under review was made elsewhere, that agent's parked session if
   * it still holds exactly that change, else a new session with the change applied to a new copy —
   * said in the output, never silently.
   */
  private async startingPoint(sr: StageRun, revision: Revision | undefined): Promise<Start> {
    const adopted = this.adopted;
    this.adopted = undefined;
    if (!adopted) {
      const fresh = !this.copy;
      const copy = (this.copy ??= await this.makeCopy());
      if (fresh && !this.engine.screensEachTool) await this.screenWholeCopy(copy);
      if (revision && this.session) return { copy, resume: this.session };
      // A send-back with no session to resume (its first pass ended before one began): a new one, on its change.
      return revision && this.lastDiff ? { copy, carried: { diff: this.lastDiff, by: this.spec.id } } : { copy };
    }
    const own = adopted.by === this.spec.id;
    if (own) {
      const found = await this.resumable(adopted.diff);
      if ('copy' in found) {
        sr.output(`Resuming ${this.spec.id}'s session from the earlier run, in its copy.\n`);
        return { copy: found.copy, resume: found.session };
      }
      sr.output(
        `Cannot resume ${this.spec.id}'s earlier session: ${found.missing}. A new session starts with its change applied to a new copy.\n`,
      );
    } else {
      sr.output(
        `${this.spec.id} takes over the change by ${adopted.by || 'an earlier model'}: it is applied to its copy first.\n`,
      );
    }
    await this.copy?.dispose();
    this.session = undefined;
    const copy = (this.copy = await this.makeCopy());
    if (!this.engine.screensEachTool) await this.screenWholeCopy(copy);
    await this.applyInCopy(copy, adopted.diff);
    return { copy, carried: adopted };
  }

  /** The parked session that made exactly `diff`, now this implementer's; or why there is none. */
  private async resumable(diff: string): Promise<{ copy: IsolatedCopy; session: string } | { missing: string }> {
    const parked = this.b.host?.parked;
    if (!parked) return { missing: 'this host does not keep agent sessions after their run' };
    const found = await parked.take(this.spec.id, diff);
    if ('missing' in found) return found;
    const now = await this.changeOf(found.copy).catch(() => undefined);
    if (!now || diffArtifactOf(now).diff.trim() !== diff.trim()) {
      await found.copy.dispose();
      return { missing: 'its copy no longer holds that change' };
    }
    await this.copy?.dispose();
    this.copy = found.copy;
    this.session = found.session;
    this.lastDiff = diff;
    return { copy: found.copy, session: found.session };
  }

  /** Writes a change into a new copy (its paths are relative to the workspace root, as the copy's root is). */
  private async applyInCopy(copy: IsolatedCopy, diff: string): Promise<void> {
    const out = await resolveImplementerReply(diff, copy.root);
    const written = out.ok ? await applyResolved(out.resolved, copy.root) : undefined;
    if (!written?.ok)
      throw this.failure('edit-resolve', 'could not be given the change under review: it does not apply to a new copy');
  }

  private failure(kind: string, what: string): StageFailure {
    const message = `The coding agent ${this.spec.id} ${what}. Nothing from this pass is used; your files are unchanged.`;
    return new StageFailure({ kind, message, modelId: this.spec.id });
  }

  /** The agent's process environment (nothing of the user's) and its own key and base URL, which the pass hands to the gateway. */
  private async environment(): Promise<{ env: Record<string, string>; creds: { apiKey: string; baseUrl?: string } }> {
    const { host } = this.b;
    if (!host) {
      throw this.failure('no-model', 'cannot run here: this host was not set up to start coding agents');
    }
    const creds = await host.credentials(this.spec);
    if (!creds.apiKey) {
      const why = creds.withheld ?? `no API key: ${keyEnvFor(this.spec) ?? 'its key'} is not set`;
      throw new StageFailure({
        kind: 'auth',
        message: `The coding agent ${this.spec.id} was not started: ${why}.`,
        modelId: this.spec.id,
      });
    }
    const base: Record<string, string> = {
      PATH: process.env['PATH'] ?? '/usr/bin:/bin',
      LANG: process.env['LANG'] ?? 'C.UTF-8',
      DISABLE_AUTOUPDATER: '1',
      DISABLE_TELEMETRY: '1',
      DISABLE_ERROR_REPORTING: '1',
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    };
    return { env: base, creds: { apiKey: creds.apiKey, baseUrl: creds.baseUrl } };
  }

  /** Refuses (before the agent ever runs) when a residency rule keeps any file in the copy from this agent. */
  private async screenWholeCopy(copy: IsolatedCopy): Promise<void> {
    const files = splitNul(await gitOrThrow(['ls-files', '-z'], copy.root).catch(() => Buffer.alloc(0)));
    const v = residencyViolations(this.b.policy, 'implementer', this.spec, files)[0];
    if (!v) return;
    const named = v.files.slice(0, 3).join(', ');
    throw new StageFailure({
      kind: 'residency',
      message: `The coding agent ${this.spec.id} was not started: it can read any file in its copy, and ${v.reason}${named ? ` (e.g. ${named})` : ''}. Nothing was sent.`,
      modelId: this.spec.id,
    });
  }

  private async makeCopy(): Promise<IsolatedCopy> {
    try {
      return await createIsolatedCopy(this.b.root, { tmpDir: this.b.host?.tmpDir, nodeModules: 'mount', track: true });
    } catch (e) {
      throw this.failure('sandbox', `could not be given a scratch copy: ${(e as Error).message}`);
    }
  }

  private async changeOf(copy: IsolatedCopy): Promise<ResolvedPlan> {
    const change = await changeInCopy(copy);
    const skipped = [
      ...change.outsideRoot.map((f) => `${f} (outside the workspace folder)`),
      ...change.binary.map((f) => `${f} (binary)`),
    ];
    if (skipped.length)
      throw this.failure('agent-outside', `changed files that cannot be applied: ${skipped.slice(0, 5).join(', ')}`);
    if (!change.diff.trim()) throw this.failure('edit-resolve', 'finished without editing any file');
    const out = await resolveImplementerReply(change.diff, this.b.root);
    if (!out.ok) {
      const list = out.problems.slice(0, 5).map((p) => (p.path ? `${p.path}: ${p.message}` : p.message));
      throw this.failure('edit-resolve', `made a change that does not fit your files: ${list.join('; ')}`);
    }
    return out.resolved;
  }
}
