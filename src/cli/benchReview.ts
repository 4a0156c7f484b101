// `switchyard bench --stage S[,S…|all] --model ID`: the routing review from a terminal or a CI job.
// Replays the benchmark set with the current routing once, then with the candidate at the head of
// each role's chain; prints each role's side-by-side report (text, --json, or --markdown), appends
// the Markdown summary to --summary FILE ($GITHUB_STEP_SUMMARY), writes the recommended change with
// --apply, and with --check exits 1 when the candidate is recommended for none of the roles.
import { appendFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { BENCHMARKS_PATH } from '../core/bench/benchmarkSchema';
import { loadBenchmarkSet } from '../core/bench/benchmarkStore';
import { CandidateError } from '../core/bench/candidatePolicy';
import { editStageChain } from '../core/bench/policyEdit';
import { replayVerifier } from '../core/bench/replayVerifier';
import { parseStages, reviewRoles, type RoleReviewReport } from '../core/bench/roleReview';
import type { ReplayHost } from '../core/bench/replayItem';
import type { RoutingPolicy, Stage } from '../core/config/policySchema';
import { WORKSPACE_POLICY_PATH } from '../core/config/settingsKeys';
import { createProvider } from '../core/providers/createProvider';
import { envBaseUrl, envKeySource, keyEnvNames } from '../core/providers/keys';
import { resolveAvailability } from '../core/routing/availability';
import { defaultApprovalsPath, FileApprovalStore } from '../core/verify/fileApprovalStore';
import { describeRun } from '../core/verify/verifyApproval';
import { formatReport } from './benchFormat';
import { routingReviewMarkdown } from './benchMarkdown';
import { verbPolicy } from './verbArgs';
import { allowUnsandboxed } from './verifyOptIn';
import { EXIT, type VerbIo } from './verbIo';

export interface ReviewValues {
  stage?: string;
  model?: string;
  json: boolean;
  markdown: boolean;
  summary?: string;
  check: boolean;
  'no-verify': boolean;
  'allow-verify': boolean;
  apply: boolean;
}

const EMPTY_SET = 5;

async function verifierFor(policy: RoutingPolicy, root: string, v: ReviewValues, io: VerbIo) {
  if (!policy.verify || v['no-verify']) return {};
  return replayVerifier({
    policy,
    root,
    // The CLI runs where the user chose to run it; the command still needs their approval once —
    // at the terminal, or up front with --allow-verify (a CI job: the command is printed below).
    trusted: true,
    approvals: new FileApprovalStore(defaultApprovalsPath(io.env)),
    askApproval: async (command, details) => {
      if (v['allow-verify']) {
        io.err(`switchyard bench: --allow-verify: running the policy's verify command on each replay: ${command}`);
        return true;
      }
      return io.ask
        ? io.ask(
            `Run the policy's verify command on each replayed change?\n  ${command}\n${describeRun(details)}\n[y/N] `,
          )
        : false;
    },
    isolation: { allowUnsandboxed: allowUnsandboxed(false, io.env) },
    secretEnvNames: keyEnvNames(policy.models),
    env: io.env as NodeJS.ProcessEnv,
  });
}

async function hostFor(policy: RoutingPolicy, io: VerbIo, verify: ReplayHost['verify'], signal: AbortSignal) {
  const keys = envKeySource(io.env);
  const availability = await resolveAvailability(policy.models, keys, {
    vscodeLmUnavailable: 'VS Code language models are only available inside VS Code',
  });
  return {
    availability,
    providerFor: async (spec: RoutingPolicy['models'][number]) =>
      createProvider(spec, { apiKey: await keys.get(spec), baseUrl: envBaseUrl(spec, io.env) }),
    verify,
    signal,
  } satisfies ReplayHost;
}

/** Writes each recommended chain to the workspace policy file, one edit after another. */
async function applySuggestions(report: RoleReviewReport, root: string): Promise<string | undefined> {
  const chosen = report.roles.filter((r) => r.suggestion.recommend);
  if (!chosen.length) return undefined;
  const file = join(root, WORKSPACE_POLICY_PATH);
  let text: string | undefined;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  for (const r of chosen) text = editStageChain(text, r.suggestion.stage, r.suggestion.toChain).after;
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, text!, 'utf8');
  return file;
}

function print(report: RoleReviewReport, single: boolean, applied: string | undefined, v: ReviewValues, io: VerbIo) {
  if (v.json) {
    const body = single
      ? { ...report.roles[0]!, appliedTo: applied ?? null }
      : { ...report, appliedTo: applied ?? null };
    io.out(JSON.stringify(body, null, 2));
  } else if (v.markdown) io.out(routingReviewMarkdown(report));
  else {
    io.out(report.roles.map(formatReport).join('\n\n'));
    if (applied) io.out(`\nWrote the change to ${applied}.`);
    else if (report.roles.some((r) => r.suggestion.recommend))
      io.out(`\nRun again with --apply to write it to ${WORKSPACE_POLICY_PATH}.`);
  }
}

/** Every replay with the current routing failed: no keys, a dead endpoint. Figures would be noise. */
function allFailed(report: RoleReviewReport): string | undefined {
  const first = report.roles[0];
  if (!first || first.current.items === 0 || first.current.failed < first.current.items) return undefined;
  return first.items[0]?.current.message;
}

export async function reviewCommand(v: ReviewValues, root: string, io: VerbIo, help: string): Promise<number> {
  if (!v.stage || !v.model) {
    io.err(`switchyard bench: give the stage and the candidate model, e.g. --stage implementer --model gpt-5\n${help}`);
    return EXIT.usage;
  }
  let stages: Stage[];
  try {
    stages = parseStages(v.stage);
  } catch (err) {
    io.err(`switchyard bench: ${(err as Error).message}`);
    return EXIT.usage;
  }
  const policy = await verbPolicy({ name: 'bench', help, io }, root);
  if (typeof policy === 'number') return policy;
  const set = await loadBenchmarkSet(root);
  if (set.items.length === 0) {
    io.err(
      `switchyard bench: the benchmark set ${join(root, BENCHMARKS_PATH)} is empty. Mark representative runs first: switchyard bench add RUN_ID (run ids: switchyard stats --json, or the ledger).`,
    );
    return EMPTY_SET;
  }
  const verifier = await verifierFor(policy, root, v, io);
  if (verifier.note) io.err(`switchyard bench: ${verifier.note}`);
  const ac = new AbortController();
  const onSigint = () => ac.abort('interrupted (Ctrl-C)');
  process.once('SIGINT', onSigint);
  let report: RoleReviewReport;
  try {
    report = await reviewRoles({
      root,
      set,
      policy,
      stages,
      candidate: v.model,
      host: await hostFor(policy, io, verifier.verify, ac.signal),
      onProgress: (p) =>
        io.err(
          `▶ ${p.side === 'current' ? 'current routing' : `${v.model} as ${p.side}`} ${p.index + 1}/${p.total}: ${p.task}`,
        ),
    });
  } catch (err) {
    if (!(err instanceof CandidateError)) throw err;
    io.err(`switchyard bench: ${err.message}`);
    return EXIT.config;
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
  if (ac.signal.aborted) {
    io.err('switchyard bench: cancelled; the figures above cover only the replays that finished.');
    return EXIT.cancelled;
  }
  const failure = allFailed(report);
  const applied = v.apply && !failure ? await applySuggestions(report, root) : undefined;
  print(report, stages.length === 1, applied, v, io);
  if (v.summary) await appendFile(resolve(io.cwd, v.summary), routingReviewMarkdown(report), 'utf8');
  if (failure) {
    io.err(
      `switchyard bench: every replay with the current routing failed, so there is nothing to compare (first: ${failure}). Check the keys and endpoints the models need.`,
    );
    return EXIT.config;
  }
  if (v.check && !report.roles.some((r) => r.suggestion.recommend)) return EXIT.rejected;
  return EXIT.ok;
}
