// `switchyard route "TASK" [--root DIR] [--yes] …`: runs the whole pipeline with providers from the
// environment and the workspace policy, shows progress from the pipeline's events on stderr, prints
// the diff and the review, and applies (all-or-nothing, with applyResolved) only after approval: a
// person's "y" at the prompt, or --yes together with an approving review and no gate that needs a person.
// "s" at the prompt sends the change back to the implementer with the person's note (same run).
import { resolve } from 'node:path';
import { applyResolved } from '../core/edits/applyResolved';
import { appendRecord, ledgerPathFor } from '../core/ledger/ledgerFile';
import type { PipelineEvent } from '../core/stage/events';
import { runTask } from '../core/pipeline/run';
import type { GateAnswer, GateRequest, RunResult, RunTaskOptions } from '../core/pipeline/runTypes';
import type { RoutingPolicy } from '../core/config/policySchema';
import { fsWorkspaceReader } from '../core/pipeline/workspaceReader';
import { createProvider } from '../core/providers/createProvider';
import { envBaseUrl, envKeySource, keyEnvNames } from '../core/providers/keys';
import { scrubSecrets } from '../core/providers/scrub';
import { resolveAvailability } from '../core/routing/availability';
import { explainDecision } from '../core/routing/explainDecision';
import { defaultApprovalsPath, FileApprovalStore } from '../core/verify/fileApprovalStore';
import { describeRun } from '../core/verify/verifyApproval';
import { runVerifyStage } from '../core/verify/verifyStage';
import { allowUnsandboxed } from './verifyOptIn';
import { formatReview } from './reviewText';
import { agentHostForCli } from './agentHostForCli';
import { filesUnderRoot } from './filesUnderRoot';
import { policyKeyValues, unvettedWorkspaceModels } from './policyForCli';
import { TELEMETRY_HELP, TELEMETRY_OPTIONS, telemetryForCli } from './telemetryForCli';
import {
  PERSON_CALLS_HELP,
  PERSON_CALLS_OPTIONS,
  verbArgs,
  verbLoadedPolicy,
  verbPersonCalls,
  verbTask,
} from './verbArgs';
import { EXIT, type VerbIo } from './verbIo';

export const ROUTE_HELP = `usage: switchyard route "TASK" [--root DIR] [--yes] [--file PATH]... [--ledger FILE] [--no-ledger] [--json] [--no-verify] [--verify-unsandboxed]
                        [--kind KIND] [--risk RISK] [--otlp-endpoint URL] [--otlp-capture-content] [--no-telemetry]
  Routes the task through the stages its decision names (see "switchyard explain"), with the models
  of .switchyard/routing.json (or the built-in policy) and keys from the environment
  (OPENAI_API_KEY, ANTHROPIC_API_KEY, …; OPENAI_BASE_URL / ANTHROPIC_BASE_URL override endpoints).
  Prints progress on stderr, then the diff and the review; applies only after approval. At the
  prompt, "s" sends the change back to the implementer with your note; the revision is reviewed again.
  --root DIR     the workspace (default: current directory)
  --yes          apply without asking when the cross-vendor review approves and no rule needs a person
                 (high risk, protected paths, no other-vendor reviewer, escalation still ask)
  --file PATH    a file the task is about (repeatable)
  --ledger FILE  where to append the run record (default: $SWITCHYARD_LEDGER or ~/.local/state/switchyard/runs.jsonl)
  --no-ledger    do not record the run
  --json         print the result (outcome, decision, diff, review, record) as JSON on stdout
  --no-verify    skip the policy's verify command (it otherwise runs on each diff the critic did not
                 block, in a sandboxed copy, after you approve the command once; without a terminal it is skipped)
  --verify-unsandboxed
                 on a machine without the sandbox (bubblewrap), run the verify command anyway, in a copy
                 but unconfined (also SWITCHYARD_VERIFY_UNSANDBOXED=1); without it, the command is not run there
${PERSON_CALLS_HELP}\n${TELEMETRY_HELP}
exit codes: 0 applied or answered, 1 rejected (by the review, at a gate, edits that did not resolve, or a
            file that changed before it could be written; nothing written), 2 usage error, 3 a provider or
            configuration error (invalid policy, no model, budget), 70 an internal error (a bug: the message
            says where; nothing applied), 130 cancelled (Ctrl-C; nothing applied)`;

const usd = (n: number): string => `$${n.toFixed(4)}`;

/**
 * What this run already told the person, so a reason is said once: the decision names why the critic
 * cannot run, and the skipped stage, the escalation and the prompt then point back to it.
 */
class SaidOnce {
  private readonly said = new Set<string>();
  note(...texts: string[]): void {
    for (const t of texts) this.said.add(t.trim());
  }
  has(text: string): boolean {
    return this.said.has(text.trim());
  }
  /** The texts not said yet, now counted as said. */
  unsaid(texts: readonly string[]): string[] {
    const fresh = [...new Set(texts)].filter((t) => !this.has(t));
    this.note(...fresh);
    return fresh;
  }
}

function progress(io: VerbIo, said: SaidOnce): (e: PipelineEvent) => void {
  return (e) => {
    switch (e.type) {
      case 'decision-made':
        io.err(explainDecision(e.decision) + '\n');
        said.note(...e.decision.stages.map((s) => s.why), ...e.decision.gates.map((g) => g.reason));
        break;
      case 'stage-started':
        io.err(
          `▶ ${e.snapshot.role}${e.snapshot.round > 1 ? ` (round ${e.snapshot.round})` : ''} · ${e.snapshot.modelId} (${e.snapshot.vendor}) …`,
        );
        break;
      case 'stage-finished': {
        const s = e.snapshot;
        io.err(
          `✓ ${s.role} · ${s.modelId} · ${s.tokensIn}→${s.tokensOut} tokens · ${usd(s.costUsd)} · ${(s.elapsedMs / 1000).toFixed(1)}s`,
        );
        break;
      }
      case 'stage-failed':
        if (e.snapshot.state !== 'cancelled')
          io.err(`✗ ${e.snapshot.role} · ${e.snapshot.modelId}: ${e.error.message}`);
        break;
      case 'stage-skipped':
        io.err(`– ${e.stage} skipped${said.has(e.reason) ? ' (see above)' : `: ${e.reason}`}`);
        said.note(e.reason);
        break;
      case 'fallback-taken':
        io.err(
          e.error.kind === 'residency'
            ? `↪ ${e.stage}: ${e.fromModelId} may not see this work (${e.error.message}); ${e.toModelId} (${e.toVendor}) takes over`
            : `↪ ${e.stage}: ${e.fromModelId} failed (${e.error.kind}); falling back to ${e.toModelId} (${e.toVendor})`,
        );
        break;
      case 'tool-called':
        // A coding agent's steps (and an implementer's reads) as they happen.
        if (e.stage === 'implementer')
          io.err(`  → ${e.tool} ${e.args.length > 120 ? `${e.args.slice(0, 120)}…` : e.args}`);
        break;
      case 'review-ready':
        io.err(
          `● ${e.stage === 'finalOwner' ? 'final owner' : 'review'} by ${e.reviewerModelId} (${e.reviewerVendor}): ${e.review.verdict}, ${e.review.findings.length} finding(s)`,
        );
        break;
      case 'verified':
        io.err(`${e.passed === false ? '✗' : '●'} ${e.summary}`);
        break;
      case 'escalated': {
        const fresh = said.unsaid(e.reasons);
        io.err(
          `⚠ escalated to ${e.to === 'human' ? 'a person' : 'the final owner'}: ${fresh.length ? fresh.join('; ') : 'for the reasons above'}`,
        );
        break;
      }
      case 'run-finished':
        io.err(
          `${e.message.startsWith(e.outcome) ? e.message : `${e.outcome}: ${e.message}`} (${e.totals.tokensIn}→${e.totals.tokensOut} tokens, ${usd(e.totals.costUsd)}, ${(e.totals.elapsedMs / 1000).toFixed(1)}s)`,
        );
        break;
    }
  };
}

export async function runRoute(args: string[], io: VerbIo): Promise<number> {
  const verb = { name: 'route', help: ROUTE_HELP, io };
  const parsed = verbArgs(verb, {
    args,
    allowPositionals: true,
    options: {
      root: { type: 'string' },
      yes: { type: 'boolean', default: false },
      file: { type: 'string', multiple: true, default: [] },
      ledger: { type: 'string' },
      'no-ledger': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      'no-verify': { type: 'boolean', default: false },
      'verify-unsandboxed': { type: 'boolean', default: false },
      ...PERSON_CALLS_OPTIONS,
      ...TELEMETRY_OPTIONS,
      help: { type: 'boolean', default: false },
    },
  });
  if (typeof parsed === 'number') return parsed;
  const v = parsed.values;
  const personCalls = verbPersonCalls(verb, v);
  if (typeof personCalls === 'number') return personCalls;
  const task = verbTask(verb, parsed.positionals);
  if (typeof task === 'number') return task;
  const root = resolve(io.cwd, v.root ?? '.');
  const loaded = await verbLoadedPolicy(verb, root);
  if (typeof loaded === 'number') return loaded;
  const policy = loaded.policy;
  const given = filesUnderRoot(v.file, root, io.cwd);
  if (given.outside.length) {
    io.err(`switchyard route: --file must name files inside the workspace ${root}: ${given.outside.join(', ')}`);
    return EXIT.usage;
  }
  const telemetry = telemetryForCli('route', io, v);
  if (typeof telemetry === 'number') return telemetry;
  const keys = envKeySource(io.env);
  // Keys this run may use: the review shown, the ledger, --json and the telemetry scrub them if a model ever echoed one.
  const knownKeys = policyKeyValues(policy, io.env);
  const availability = await resolveAvailability(policy.models, keys, {
    vscodeLmUnavailable: 'VS Code language models are only available inside VS Code',
  });

  const said = new SaidOnce();
  const out = (t: string) => (v.json ? io.err(t) : io.out(t));
  const shown = { diff: false };
  const gate = personGate({ io, said, out, root, secrets: knownKeys }, shown);

  const ac = new AbortController();
  const onSigint = () => ac.abort('interrupted (Ctrl-C)');
  process.once('SIGINT', onSigint);
  let result;
  try {
    result = await runTask({
      task,
      context: { filePaths: given.paths },
      personCalls,
      policy,
      availability,
      providerFor: async (spec) =>
        createProvider(spec, { apiKey: await keys.get(spec), baseUrl: envBaseUrl(spec, io.env) }),
      root,
      workspace: fsWorkspaceReader(root),
      gate,
      apply: (resolved) => applyResolved(resolved, root),
      verify:
        policy.verify && !v['no-verify']
          ? cliVerify(policy.verify, root, v, io, keyEnvNames(policy.models))
          : undefined,
      agents: agentHostForCli(keys, io.env),
      confirmEveryApply: !v.yes,
      unvettedModelIds: unvettedWorkspaceModels(loaded, root, io.env),
      listeners: [progress(io, said), ...(telemetry ? [telemetry.listener({ secrets: knownKeys })] : [])],
      signal: ac.signal,
      onRetry: (r) =>
        io.err(
          `… ${r.stage} · ${r.modelId}: ${r.error.kind}; retry ${r.attempt + 1}/${r.maxAttempts} in ${(r.delayMs / 1000).toFixed(1)}s`,
        ),
    });
  } finally {
    process.removeListener('SIGINT', onSigint);
  }

  await reportRun(result, {
    io,
    out,
    json: v.json,
    shownDiff: shown.diff,
    ledger: v['no-ledger'] ? false : v.ledger,
    secrets: knownKeys,
  });
  // Bounded: a dead or silent collector delays the exit by at most the export timeout.
  await telemetry?.shutdown();
  return exitCodeOf(result);
}

interface GateContext {
  io: VerbIo;
  said: SaidOnce;
  out: (text: string) => void;
  root: string;
  /** The keys this run may use, scrubbed from a review's words (a model may echo one). */
  secrets: readonly string[];
}

/**
 * The gate at the terminal: shows the diff and the review, names the rules that need a person (once),
 * and asks. Without a terminal, says why nothing was applied and what to do instead.
 */
function personGate(ctx: GateContext, shown: { diff: boolean }): (req: GateRequest) => Promise<GateAnswer> {
  const { io, said, out, root } = ctx;
  return async (req) => {
    if (req.diff) {
      out(req.diff.diff);
      shown.diff = true;
    }
    // The diff is shown as it will be written; a review's words are scrubbed (a model may echo a key).
    if (req.review) out(scrubSecrets(formatReview(req.review), ...ctx.secrets));
    // A rule that needs a person names itself; a plain confirmation (no --yes) has no rule to name.
    const fresh = said.unsaid(req.reasons);
    const why = !req.codes.length
      ? ''
      : fresh.length
        ? `\n${fresh.map((r) => `  - ${r}`).join('\n')}`
        : ' (a person must confirm, for the reasons above)';
    if (!io.prompt) {
      if (io.ask) return (await io.ask(`Apply this change?${why}\n[y/N] `)) ? true : { reject: 'you answered no' };
      // Said once, as the run's outcome (and in the record): why nothing was applied, and what to do.
      const vouch = req.codes.includes('workspace-policy')
        ? `; to let --yes apply what this workspace's own models approve, list ${root} in SWITCHYARD_TRUST_WORKSPACE_MODELS`
        : '';
      return {
        reject: req.codes.length
          ? `a person must confirm (${[...new Set(req.codes)].join(', ')}: see above) and there is no terminal to ask on; run it in a terminal${vouch}`
          : 'not confirmed: there is no terminal to ask on; pass --yes to apply a change the review approves',
      };
    }
    return askAtTerminal(io, why, req);
  };
}

/** A person at a terminal may apply, refuse, or send the change back to the implementer with a note. */
async function askAtTerminal(io: VerbIo, why: string, req: GateRequest): Promise<GateAnswer> {
  const prompt = io.prompt!;
  for (;;) {
    const answer = (
      await prompt(`Apply this change?${why}\n[y]es / [N]o / [s]end back to the implementer: `)
    ).toLowerCase();
    if (/^y(es)?$/.test(answer)) return true;
    if (!/^s(end( back)?)?$/.test(answer)) return { reject: answer ? 'you answered no' : 'you did not answer' };
    const note = await prompt('What should the implementer change? ');
    if (note) return { sendBack: note, findings: req.review?.findings ?? [] };
    io.err('An empty note sends nothing back; answer again.');
  }
}

type RouteValues = { 'verify-unsandboxed': boolean };

/** The policy's verify command, run in a sandboxed copy once the person approved the command. */
function cliVerify(
  verify: NonNullable<RoutingPolicy['verify']>,
  root: string,
  v: RouteValues,
  io: VerbIo,
  secretEnvNames: string[],
): RunTaskOptions['verify'] {
  return (resolved, signal) =>
    runVerifyStage({
      root,
      resolvedPlan: resolved,
      verify,
      // The CLI runs where the user chose to run it; the command still needs their approval once.
      trusted: true,
      approvals: new FileApprovalStore(defaultApprovalsPath(io.env)),
      askApproval: async (command, details) =>
        io.ask
          ? io.ask(`Run the policy's verify command on the change?\n  ${command}\n${describeRun(details)}\n[y/N] `)
          : false,
      isolation: { allowUnsandboxed: allowUnsandboxed(v['verify-unsandboxed'], io.env) },
      secretEnvNames,
      env: io.env as NodeJS.ProcessEnv,
      signal,
    });
}

interface ReportContext {
  io: VerbIo;
  out: (text: string) => void;
  json: boolean;
  /** Whether the gate already printed the diff. */
  shownDiff: boolean;
  /** The ledger file asked for (undefined: the default), or false with --no-ledger. */
  ledger: string | undefined | false;
  secrets: readonly string[];
}

/** After the run: the answer or the diff not shown yet, the ledger record, and with --json the result. */
async function reportRun(result: RunResult, ctx: ReportContext): Promise<void> {
  const { io, out, secrets } = ctx;
  if (result.answer) out(result.answer.text);
  if (result.diff && !ctx.shownDiff && result.outcome !== 'cancelled') {
    out(result.diff.diff);
    if (result.review) out(scrubSecrets(formatReview(result.review), ...secrets));
  }
  if (ctx.ledger !== false) {
    const file = ledgerPathFor(ctx.ledger, io.env, io.cwd);
    try {
      await appendRecord(file, result.record, ...secrets);
    } catch (err) {
      io.err(`switchyard route: the run was not recorded in ${file}: ${(err as Error).message}`);
    }
  }
  if (!ctx.json) return;
  // Scrubbed as the ledger is: a key a model echoed, or one in the diff, is not printed either.
  const { outcome, message, decision, answer, review, record } = result;
  io.out(
    scrubSecrets(
      JSON.stringify({ outcome, message, decision, answer, diff: result.diff?.diff, review, record }, null, 2),
      ...secrets,
    ),
  );
}

function exitCodeOf(result: RunResult): number {
  switch (result.outcome) {
    case 'applied':
    case 'answered':
    case 'reviewed':
      return EXIT.ok;
    case 'rejected':
      return EXIT.rejected;
    case 'cancelled':
      return EXIT.cancelled;
    case 'failed':
      return exitForFailure(result.record.error?.kind);
  }
}

/**
 * Edits that did not resolve, and a file that changed before it could be written, are rejections
 * (nothing written); an unexpected error is internal (a bug); the rest are provider or configuration errors.
 */
function exitForFailure(kind: string | undefined): number {
  if (kind === 'edit-resolve' || kind === 'apply') return EXIT.rejected;
  if (kind === 'internal') return EXIT.internal;
  return EXIT.config;
}
