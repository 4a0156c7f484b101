// `switchyard bench`: the personal benchmark set and the routing review from the terminal.
//   bench --stage S --model ID   replay the set with ID at the head of stage S's chain, next to the current routing
//                                (several stages, Markdown for CI job summaries, --check: see benchReview.ts)
//   bench add RUN_ID             mark a run from the ledger as a benchmark item
//   bench list | remove ID       show or edit the set (.switchyard/benchmarks.json)
//   bench stats                  the scorecard with filters, tokens, and per-stage health
import { join, resolve } from 'node:path';
import { BENCHMARKS_PATH } from '../core/bench/benchmarkSchema';
import {
  addBenchmarkItem,
  BenchmarkFileError,
  itemFromRecord,
  loadBenchmarkSet,
  removeBenchmarkItem,
  saveBenchmarkSet,
} from '../core/bench/benchmarkStore';
import { WORKSPACE_POLICY_PATH } from '../core/config/settingsKeys';
import { ledgerPathFor, readRecords } from '../core/ledger/ledgerFile';
import { table } from './textTable';
import { reviewCommand, type ReviewValues } from './benchReview';
import { printScorecard } from './stats';
import { verbArgs } from './verbArgs';
import { EXIT, type VerbIo } from './verbIo';

export const BENCH_HELP = `usage: switchyard bench --stage STAGE[,STAGE…|all] --model ID [--root DIR] [--json | --markdown] [--summary FILE]
                       [--check] [--no-verify | --allow-verify] [--apply]
       switchyard bench add RUN_ID [--ledger FILE] [--root DIR] [--note TEXT]
       switchyard bench list [--root DIR] [--json]
       switchyard bench remove ID [--root DIR]
       switchyard bench stats [--ledger FILE] [--range 7d|30d|90d|all] [--kind KIND] [--json]
  Routing review: replays every task of ${BENCHMARKS_PATH} twice, with the current routing and with
  model ID at the head of STAGE's chain, each in a scratch copy of the workspace (never the workspace
  itself), with the usual cross-vendor critic, and prints both sides next to each other with a
  suggested change to ${WORKSPACE_POLICY_PATH}. With several stages the current routing is replayed
  once and the candidate once per stage; each stage gets its own recommendation.
  --stage STAGE     scout, architect, implementer, critic or finalOwner; a comma-separated list; or all
  --model ID        a model id from the routing policy's "models"
  --root DIR        the workspace (default: current directory)
  --no-verify       do not run the policy's verify command on the replays
  --allow-verify    run it without asking (a CI job has no terminal to ask on); the command is printed
  --apply           write the recommended changes to ${WORKSPACE_POLICY_PATH}
  --json            print the report as JSON (one stage: the report; several: { candidate, items, roles })
  --markdown        print the report as Markdown (a table per role, escaped task texts)
  --summary FILE    also append the Markdown report to FILE, e.g. "$GITHUB_STEP_SUMMARY"
  --check           exit 1 when the candidate is recommended for none of the stages (a required CI check)
  Non-interactive without a terminal: nothing is asked; the verify command is skipped unless --allow-verify.
exit codes: 0 done (with --check: recommended for at least one stage), 1 with --check: not recommended,
            2 usage error, 3 invalid policy, unknown model, or every replay failed (keys, endpoints),
            4 a file could not be read or written, 5 the benchmark set is empty, 130 cancelled`;

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
        markdown: { type: 'boolean', default: false },
        summary: { type: 'string' },
        check: { type: 'boolean', default: false },
        'allow-verify': { type: 'boolean', default: false },
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
        return await reviewCommand(v, root, io, BENCH_HELP);
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

type Values = ReviewValues & {
  ledger?: string;
  note?: string;
  range?: string;
  kind?: string;
};

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
  const file = ledgerPathFor(v.ledger, io.env, io.cwd);
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
