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
import { createIsolatedCopy, type IsolatedCopy } from '../sandbox/isolatedCopy';
import type { Findings, Plan } from '../sessions/artifacts';
import { resolveImplementerReply } from '../stage/implementerEdits';
import { RunCancelled, StageFailure } from '../stage/runContext';
import type { StageRun } from '../stage/stageRun';
import { agentFirstMessage, agentInstructions, agentRevisionMessage } from './agentBrief';
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

export class AgentImplementer {
  private copy: IsolatedCopy | undefined;
  private session: string | undefined;

  constructor(
    readonly spec: ModelSpec,
    private readonly b: AgentBriefing,
    private readonly engine: AgentEngine,
  ) {}

  /** One pass: a new session, or (with a review) the same session resumed with its findings. */
  async implement(sr: StageRun, revision?: { review: Review; by: string }): Promise<AgentPass> {
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
    const fresh = !this.copy;
    const copy = (this.copy ??= await this.makeCopy());
    // An agent whose tool calls cannot be screened one by one may see any file in the copy.
    if (fresh && !this.engine.screensEachTool) await this.screenWholeCopy(copy);
    const guard = new ToolGuard(copy.root, b.policy, spec, (paths) => sr.noteRead(paths));
    const prompt = revision
      ? agentRevisionMessage(revision.review, revision.by, b.nonce)
      : agentFirstMessage(b.task, b.plan, b.findings, b.nonce);
    const instructions = agentInstructions(b.nonce);
    const steps = new StepReporter(sr);
    steps.sent(
      spec,
      instructions,
      prompt,
      revision ? ['review'] : ['task', ...(b.plan ? ['plan'] : []), ...(b.findings ? ['findings'] : [])],
    );
    let pass;
    try {
      pass = await runAgentPass({
        ...{ engine: this.engine, sr, steps, spec, prompt, instructions, guard, creds },
        ...{ cwd: copy.root, scratch: copy.home, priceLookup: b.priceLookup, runSignal: b.signal },
        env: { ...env, HOME: copy.home, TMPDIR: copy.tmp, CLAUDE_CONFIG_DIR: `${copy.home}/.claude` },
        resume: revision ? this.session : undefined,
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
    return { resolved: await this.changeOf(copy), spec, why: sr.snapshot.why, rejected: sr.snapshot.rejected };
  }

  async dispose(): Promise<void> {
    await this.engine.stop();
    await this.copy?.dispose();
    this.copy = undefined;
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
