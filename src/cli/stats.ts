// `switchyard stats [--ledger FILE] [--range 7d|30d|90d|all] [--kind KIND] [--json]`: the scorecard
// from the run ledger — per model and role: runs, acceptance rate, median time, tokens, cost, and cost
// per trusted change; then per stage how often it was skipped, failed or fell back. The ledger is the
// one the editor writes too (see defaultLedgerPath), so runs from both show here. `bench stats` is the
// same report.
import { ScorecardFilterSchema } from '../core/bench/scorecardFilters';
import { buildScorecardView } from '../core/bench/scorecardView';
import { TaskKindSchema } from '../core/config/policySchema';
import { ledgerPathFor, readRecords } from '../core/ledger/ledgerFile';
import { pct, secs, table, usd } from './textTable';
import { verbArgs } from './verbArgs';
import { EXIT, type VerbIo } from './verbIo';

export const STATS_HELP = `usage: switchyard stats [--ledger FILE] [--range 7d|30d|90d|all] [--kind KIND] [--json]
  Prints the scorecard from the run ledger: per model and role, runs, acceptance rate, median time,
  tokens, cost, and cost per trusted change (applied after an approving cross-vendor review); then per
  stage how often it was skipped, failed or fell back.
  --ledger FILE  the ledger (default: $SWITCHYARD_LEDGER, else $XDG_STATE_HOME/switchyard/runs.jsonl,
                 else ~/.local/state/switchyard/runs.jsonl — the same file the VS Code extension writes)
  --range R      only runs started in the last 7d, 30d or 90d (default: all)
  --kind KIND    only tasks of this kind: ${TaskKindSchema.options.join(', ')} (default: all)
  --json         print the scorecard as JSON
exit codes: 0 printed (also for an empty ledger), 2 usage error, 3 the ledger could not be read`;

export interface StatsValues {
  ledger?: string;
  range?: string;
  kind?: string;
  json: boolean;
}

export async function runStats(args: string[], io: VerbIo): Promise<number> {
  const parsed = verbArgs(
    { name: 'stats', help: STATS_HELP, io },
    {
      args,
      options: {
        ledger: { type: 'string' },
        range: { type: 'string' },
        kind: { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    },
  );
  if (typeof parsed === 'number') return parsed;
  return printScorecard(parsed.values, io, { verb: 'stats', unreadable: EXIT.config });
}

/** The scorecard report, for `stats` and `bench stats` (each names itself and its exit code for an unreadable ledger). */
export async function printScorecard(
  v: StatsValues,
  io: VerbIo,
  how: { verb: string; unreadable: number },
): Promise<number> {
  const name = `switchyard ${how.verb}`;
  const f = ScorecardFilterSchema.safeParse({ range: v.range ?? 'all', kind: v.kind ?? 'all' });
  if (!f.success) {
    io.err(`${name}: ${f.error.issues.map((i) => `--${String(i.path[0])}: ${i.message}`).join('; ')}`);
    return EXIT.usage;
  }
  const file = ledgerPathFor(v.ledger, io.env, io.cwd);
  let read;
  try {
    read = await readRecords(file);
  } catch (err) {
    io.err(`${name}: ${(err as Error).message}`);
    return how.unreadable;
  }
  for (const p of read.problems) io.err(`${name}: ${file}:${p.line}: skipped: ${p.message}`);
  const view = buildScorecardView(read.records, f.data, Date.now());
  if (v.json) {
    io.out(JSON.stringify({ ledger: file, ...view }, null, 2));
    return EXIT.ok;
  }
  const scope = `range ${f.data.range}, kind ${f.data.kind}`;
  if (view.overall.runs === 0) {
    io.out(
      read.records.length === 0
        ? `No runs recorded yet in ${file}. Run "switchyard route" (or route a task in VS Code) to add some.`
        : `No runs in ${file} match ${scope} (${read.records.length} run(s) in all).`,
    );
    return EXIT.ok;
  }
  const o = view.overall;
  io.out(
    [
      `Ledger: ${file} (${scope})`,
      '',
      ...table(
        ['model', 'role', 'runs', 'accepted', 'median', 'tokens in→out', 'cost', 'trusted', 'cost/trusted'],
        view.rows.map((r) => [
          r.modelId,
          r.role,
          String(r.runs),
          pct(r.acceptanceRate),
          secs(r.medianMs),
          `${r.tokensIn}→${r.tokensOut}`,
          usd(r.costUsd),
          String(r.trustedChanges),
          usd(r.costPerTrustedChange),
        ]),
        2,
      ),
      '',
      ...table(
        ['stage', 'runs', 'skipped', 'failed', 'fell back'],
        view.stages.map((s) => [s.stage, String(s.runs), String(s.skipped), String(s.failed), String(s.fellBack)]),
      ),
      '',
      `${o.runs} run(s), ${o.applied} applied, ${o.trustedChanges} trusted change(s), total ${usd(o.costUsd)}, cost per trusted change ${usd(o.costPerTrustedChange)}`,
    ].join('\n'),
  );
  return EXIT.ok;
}
