// `switchyard stats [--ledger FILE] [--json]`: the scorecard from the run ledger — per model and
// role: runs, acceptance rate, median time, cost, and cost per trusted change.
import { resolve } from 'node:path';
import { defaultLedgerPath, readRecords } from '../core/ledger/ledgerFile';
import { scorecard } from '../core/ledger/scorecard';
import { verbArgs } from './verbArgs';
import { EXIT, type VerbIo } from './verbIo';

export const STATS_HELP = `usage: switchyard stats [--ledger FILE] [--json]
  Prints the scorecard from the run ledger: per model and role, runs, acceptance rate,
  median time, cost, and cost per trusted change (applied after an approving cross-vendor review).
  --ledger FILE  the ledger (default: $SWITCHYARD_LEDGER, else ~/.local/state/switchyard/runs.jsonl)
  --json         print the scorecard as JSON
exit codes: 0 printed (also for an empty ledger), 2 usage error, 3 the ledger could not be read`;

const pct = (x: number | null): string => (x === null ? '—' : `${Math.round(x * 100)}%`);
const usd = (x: number | null): string => (x === null ? '—' : `$${x.toFixed(4)}`);
const secs = (ms: number): string => `${(ms / 1000).toFixed(1)}s`;

export async function runStats(args: string[], io: VerbIo): Promise<number> {
  const parsed = verbArgs(
    { name: 'stats', help: STATS_HELP, io },
    {
      args,
      options: {
        ledger: { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    },
  );
  if (typeof parsed === 'number') return parsed;
  const values = parsed.values;
  const file = values.ledger ? resolve(io.cwd, values.ledger) : defaultLedgerPath(io.env);
  let read;
  try {
    read = await readRecords(file);
  } catch (err) {
    io.err(`switchyard stats: ${(err as Error).message}`);
    return EXIT.config;
  }
  for (const p of read.problems) io.err(`switchyard stats: ${file}:${p.line}: skipped: ${p.message}`);
  const card = scorecard(read.records);
  if (values.json) {
    io.out(JSON.stringify({ ledger: file, ...card }, null, 2));
    return EXIT.ok;
  }
  if (read.records.length === 0) {
    io.out(`No runs recorded yet in ${file}. Run "switchyard route" to add some.`);
    return EXIT.ok;
  }
  const header = ['model', 'role', 'runs', 'accepted', 'median', 'cost', 'trusted', 'cost/trusted'];
  const rows = card.rows.map((r) => [
    r.modelId,
    r.role,
    String(r.runs),
    pct(r.acceptanceRate),
    secs(r.medianMs),
    usd(r.costUsd),
    String(r.trustedChanges),
    usd(r.costPerTrustedChange),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  const o = card.overall;
  io.out(
    [
      `Ledger: ${file}`,
      '',
      line(header),
      line(widths.map((w) => '-'.repeat(w))),
      ...rows.map(line),
      '',
      `${o.runs} run(s), ${o.applied} applied, ${o.trustedChanges} trusted change(s), total ${usd(o.costUsd)}, cost per trusted change ${usd(o.costPerTrustedChange)}`,
    ].join('\n'),
  );
  return EXIT.ok;
}
