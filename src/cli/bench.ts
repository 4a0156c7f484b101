// `switchyard bench`: the personal benchmark set and the routing review from the terminal.
//   bench --stage S --model ID   replay the set with ID at the head of stage S's chain, next to the current routing
//   bench add RUN_ID             mark a run from the ledger as a benchmark item
//   bench list | remove ID       show or edit the set (.switchyard/benchmarks.json)
//   bench stats                  the scorecard with filters, tokens, and per-stage health
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { BENCHMARKS_PATH } from '../core/bench/benchmarkSchema';
import {
  addBenchmarkItem,
  BenchmarkFileError,
  itemFromRecord,
  loadBenchmarkSet,
  removeBenchmarkItem,
  saveBenchmarkSet,
} from '../core/bench/benchmarkStore';
import type { ArmSummary } from '../core/bench/armSummary';
import { CandidateError, parseStage } from '../core/bench/candidatePolicy';
import { editStageChain } from '../core/bench/policyEdit';
import { replayVerifier } from '../core/bench/replayVerifier';
import { describeRun } from '../core/verify/verifyApproval';
import { allowUnsandboxed } from './verifyOptIn';
import { reviewRouting, type RoutingReviewReport } from '../core/bench/routingReview';
import { WORKSPACE_POLICY_PATH } from '../core/config/settingsKeys';
import { defaultLedgerPath, readRecords } from '../core/ledger/ledgerFile';
import { createProvider } from '../core/providers/createProvider';
import { envBaseUrl, envKeySource, keyEnvFor } from '../core/providers/keys';
import { resolveAvailability } from '../core/routing/availability';
import { defaultApprovalsPath, FileApprovalStore } from '../core/verify/fileApprovalStore';
import { printScorecard } from './stats';
import { pct, secs, table, usd } from './textTable';
import { verbArgs, verbPolicy } from './verbArgs';
import { EXIT, type VerbIo } from './verbIo';

export const BENCH_HELP = `usage: switchyard bench --stage STAGE --model ID [--root DIR] [--json] [--no-verify] [--apply]
       switchyard bench add RUN_ID [--ledger FILE] [--root DIR] [--note TEXT]
       switchyard bench list [--root DIR] [--json]
       switchyard bench remove ID [--root DIR]
       switchyard bench stats [--ledger FILE] [--range 7d|30d|90d|all] [--kind KIND] [--json]
  Routing review: replays every task of ${BENCHMARKS_PATH} twice, with the current routing and with
  model ID at the head of STAGE's chain, each in a scratch copy of the workspace (never the workspace
  itself), with the usual cross-vendor critic, and prints both sides next to each other with a
  suggested change to ${WORKSPACE_POLICY_PATH}.
  --stage STAGE  scout, architect, implementer, critic or finalOwner
  --model ID     a model id from the routing policy's "models"
  --root DIR     the workspace (default: current directory)
  --no-verify    do not run the policy's verify command on the replays
  --apply        write the suggested change to ${WORKSPACE_POLICY_PATH} when the figures recommend it
  --json         print the report as JSON
exit codes: 0 done, 2 usage error, 3 invalid policy or unknown model, 4 a file could not be read or written,
            5 the benchmark set is empty, 130 cancelled`;

const EMPTY_SET = 5;

/** The side-by-side table as text; also what the tests read. */
export function formatReport(r: RoutingReviewReport): string {
  const a = r.current;
  const b = r.candidateSide;
  const verify = (s: ArmSummary) =>
    s.verifyPassRate === null ? 'not run' : `${pct(s.verifyPassRate)} (${s.verifyPassed}/${s.verified})`;
  const findings = (s: ArmSummary) =>
    `${s.findings.critical}/${s.findings.major}/${s.findings.minor}/${s.findings.info}`;
  const figures: Array<[string, (s: ArmSummary) => string]> = [
    ['approval rate', (s) => `${pct(s.approvalRate)} (${s.approved}/${s.items})`],
    ['verification pass rate', verify],
    ['findings critical/major/minor/info', findings],
    ['tokens in→out', (s) => `${s.tokensIn}→${s.tokensOut}`],
    ['cost', (s) => usd(s.costUsd)],
    ['time', (s) => secs(s.elapsedMs)],
    ['trusted changes', (s) => String(s.trustedChanges)],
    ['cost per trusted change', (s) => usd(s.costPerTrustedChange)],
    ['failed runs', (s) => String(s.failed)],
  ];
  const head = [`current (${a.headModelId ?? 'none'} as ${r.stage})`, `candidate (${r.candidate} as ${r.stage})`];
  const lines = [
    `Routing review: ${r.candidate} as ${r.stage}, over ${a.items} benchmark item(s)${r.cancelled ? ' (CANCELLED part-way: partial figures)' : ''}`,
    '',
    ...table(
      ['', ...head],
      figures.map(([name, f]) => [name, f(a), f(b)]),
    ),
    '',
    ...table(
      ['item', 'task', 'files', 'current', 'candidate'],
      r.items.map((i) => [
        i.itemId,
        i.task.length > 48 ? `${i.task.slice(0, 47)}…` : i.task,
        // 'before' = the accepted diff was taken back in the scratch first; 'today' = run on the files as they are.
        i.base === 'restored' ? 'before' : 'today',
        `${i.current.outcome}/${i.current.finalVerdict}${i.current.verified === false ? ' ✗verify' : ''}`,
        `${i.candidate.outcome}/${i.candidate.finalVerdict}${i.candidate.verified === false ? ' ✗verify' : ''}`,
      ]),
      3,
    ),
  ];
  const drifted = r.items.filter((i) => i.drift.length);
  if (drifted.length)
    lines.push(
      '',
      `Note: ${drifted.length} item(s) ran on files changed since they were marked: ${drifted.map((i) => `${i.itemId} (${i.drift.join(', ')})`).join('; ')}`,
    );
  const s = r.suggestion;
  lines.push(
    '',
    s.recommend
      ? `Suggestion: put ${s.candidate} first in stages.${s.stage}: ${JSON.stringify(s.fromChain)} → ${JSON.stringify(s.toChain)}`
      : `Suggestion: keep the current routing for ${s.stage}.`,
    ...s.reasons.map((x) => `  - ${x}`),
  );
  if (r.cleanupProblems.length) lines.push('', `Scratch folders left behind: ${r.cleanupProblems.join('; ')}`);
  return lines.join('\n');
}

export async function runBench(args: string[], io: VerbIo): Promise<number> {
  const parsed = verbArgs(
    { name: 'bench', help: BENCH_HELP, io },
    {
      args,
      allowPositionals: true,
      options: {
        stage: { type: 'string' },
        model: { type: 'string' },
        root: { type: 'string' },
        ledger: { type: 'string' },
        note: { type: 'string' },
        range: { type: 'string' },
        kind: { type: 'string' },
        json: { type: 'boolean', default: false },
        'no-verify': { type: 'boolean', default: false },
        apply: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    },
  );
  if (typeof parsed === 'number') return parsed;
  const v = parsed.values;
  const root = resolve(io.cwd, v.root ?? '.');
  const [sub, ...rest] = parsed.positionals;
  try {
    switch (sub) {
      case undefined:
        return await review(v, root, io);
      case 'list':
        return await list(root, v.json, io);
      case 'add':
        return await add(rest[0], v, root, io);
      case 'remove':
        return await remove(rest[0], root, io);
      case 'stats':
        return await printScorecard(v, io, { verb: 'bench stats', unreadable: EXIT.failed });
      default:
        io.err(`switchyard bench: unknown subcommand "${sub}".\n${BENCH_HELP}`);
        return EXIT.usage;
    }
  } catch (err) {
    if (err instanceof BenchmarkFileError) {
      io.err(`switchyard bench: ${err.message}`);
      return EXIT.failed;
    }
    throw err;
  }
}

type Values = {
  stage?: string;
  model?: string;
  ledger?: string;
  note?: string;
  range?: string;
  kind?: string;
  json: boolean;
  'no-verify': boolean;
  apply: boolean;
};

async function review(v: Values, root: string, io: VerbIo): Promise<number> {
  if (!v.stage || !v.model) {
    io.err(
      `switchyard bench: give the stage and the candidate model, e.g. --stage implementer --model gpt-5\n${BENCH_HELP}`,
    );
    return EXIT.usage;
  }
  let stage;
  try {
    stage = parseStage(v.stage);
  } catch (err) {
    io.err(`switchyard bench: ${(err as Error).message}`);
    return EXIT.usage;
  }
  const policy = await verbPolicy({ name: 'bench', help: BENCH_HELP, io }, root);
  if (typeof policy === 'number') return policy;
  const set = await loadBenchmarkSet(root);
  if (set.items.length === 0) {
    io.err(
      `switchyard bench: the benchmark set ${join(root, BENCHMARKS_PATH)} is empty. Mark representative runs first: switchyard bench add RUN_ID (run ids: switchyard stats --json, or the ledger).`,
    );
    return EMPTY_SET;
  }
  const keys = envKeySource(io.env);
  const availability = await resolveAvailability(policy.models, keys, {
    vscodeLmUnavailable: 'VS Code language models are only available inside VS Code',
  });
  const verifier =
    policy.verify && !v['no-verify']
      ? await replayVerifier({
          policy,
          root,
          // The CLI runs where the user chose to run it; the command still needs their approval once.
          trusted: true,
          approvals: new FileApprovalStore(defaultApprovalsPath(io.env)),
          askApproval: async (command, details) =>
            io.ask
              ? io.ask(
                  `Run the policy's verify command on each replayed change?\n  ${command}\n${describeRun(details)}\n[y/N] `,
                )
              : false,
          isolation: { allowUnsandboxed: allowUnsandboxed(false, io.env) },
          secretEnvNames: policy.models.map((m) => keyEnvFor(m)).filter((n): n is string => !!n),
          env: io.env as NodeJS.ProcessEnv,
        })
      : {};
  if (verifier.note) io.err(`switchyard bench: ${verifier.note}`);
  const ac = new AbortController();
  const onSigint = () => ac.abort('interrupted (Ctrl-C)');
  process.once('SIGINT', onSigint);
  let report: RoutingReviewReport;
  try {
    report = await reviewRouting({
      root,
      set,
      policy,
      stage,
      candidate: v.model,
      host: {
        availability,
        providerFor: async (spec) =>
          createProvider(spec, { apiKey: await keys.get(spec), baseUrl: envBaseUrl(spec, io.env) }),
        verify: verifier.verify,
        signal: ac.signal,
      },
      onProgress: (p) => io.err(`▶ ${p.side} routing ${p.index + 1}/${p.total}: ${p.task}`),
    });
  } catch (err) {
    if (err instanceof CandidateError) {
      io.err(`switchyard bench: ${err.message}`);
      return EXIT.config;
    }
    throw err;
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
  if (ac.signal.aborted) {
    io.err('switchyard bench: cancelled; the figures above cover only the replays that finished.');
    return EXIT.cancelled;
  }
  let applied: string | undefined;
  if (v.apply && report.suggestion.recommend) {
    const file = join(root, WORKSPACE_POLICY_PATH);
    let before: string | undefined;
    try {
      before = await readFile(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    const edit = editStageChain(before, report.suggestion.stage, report.suggestion.toChain);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, edit.after, 'utf8');
    applied = file;
  }
  if (v.json) io.out(JSON.stringify({ ...report, appliedTo: applied ?? null }, null, 2));
  else {
    io.out(formatReport(report));
    if (applied) io.out(`\nWrote the change to ${applied}.`);
    else if (report.suggestion.recommend) io.out(`\nRun again with --apply to write it to ${WORKSPACE_POLICY_PATH}.`);
  }
  return EXIT.ok;
}

async function list(root: string, json: boolean, io: VerbIo): Promise<number> {
  const set = await loadBenchmarkSet(root);
  if (json) {
    io.out(JSON.stringify(set, null, 2));
    return EXIT.ok;
  }
  if (set.items.length === 0) {
    io.out(`No benchmark items yet in ${join(root, BENCHMARKS_PATH)}. Add one with: switchyard bench add RUN_ID`);
    return EXIT.ok;
  }
  io.out(
    table(
      ['id', 'kind', 'added', 'files', 'reference', 'task'],
      set.items.map((i) => [
        i.id,
        i.kind ?? '—',
        i.addedAt.slice(0, 10),
        String(i.contextFiles.length),
        i.acceptedDiff ? 'diff' : '—',
        i.task.length > 60 ? `${i.task.slice(0, 59)}…` : i.task,
      ]),
      6,
    ).join('\n'),
  );
  return EXIT.ok;
}

async function add(runId: string | undefined, v: Values, root: string, io: VerbIo): Promise<number> {
  if (!runId) {
    io.err(`switchyard bench add: give the run id to mark, e.g. switchyard bench add run-abc123\n${BENCH_HELP}`);
    return EXIT.usage;
  }
  const file = v.ledger ? resolve(io.cwd, v.ledger) : defaultLedgerPath(io.env);
  let read;
  try {
    read = await readRecords(file);
  } catch (err) {
    io.err(`switchyard bench add: ${(err as Error).message}`);
    return EXIT.failed;
  }
  const record = read.records.find((r) => r.runId === runId);
  if (!record) {
    io.err(
      `switchyard bench add: no run "${runId}" in the ledger ${file} (${read.records.length} run(s) there). Check the id with: switchyard stats --json`,
    );
    return EXIT.usage;
  }
  if (record.outcome === 'answered') {
    io.err(
      `switchyard bench add: run "${runId}" answered a question without a change; a benchmark item needs a task that changes code.`,
    );
    return EXIT.usage;
  }
  const item = await itemFromRecord(record, root, v.note ? { note: v.note } : {});
  const saved = await saveBenchmarkSet(root, addBenchmarkItem(await loadBenchmarkSet(root), item));
  io.out(
    `Marked run ${runId} as a benchmark item in ${saved} (${item.contextFiles.length} context file(s)${item.acceptedDiff ? ', with its accepted diff' : ', no accepted diff'}).`,
  );
  return EXIT.ok;
}

async function remove(id: string | undefined, root: string, io: VerbIo): Promise<number> {
  if (!id) {
    io.err(`switchyard bench remove: give the item id (see switchyard bench list)\n${BENCH_HELP}`);
    return EXIT.usage;
  }
  const set = await loadBenchmarkSet(root);
  const next = removeBenchmarkItem(set, id);
  if (next.items.length === set.items.length) {
    io.err(`switchyard bench remove: no item "${id}" in ${join(root, BENCHMARKS_PATH)}.`);
    return EXIT.usage;
  }
  await saveBenchmarkSet(root, next);
  io.out(`Removed ${id} from the benchmark set.`);
  return EXIT.ok;
}
