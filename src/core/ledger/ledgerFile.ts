// The ledger on disk: one JSON line per run, appended; read back tolerantly (a torn or foreign line
// is reported with its line number and skipped, never fatal). Every line passes through the secret
// scrubber on the way in, so a key that slipped into a diff or an error never lands on disk.
import { appendFile, mkdir, readFile, rename } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { withLock } from '../edits/fileLock';
import { scrubSecrets } from '../providers/scrub';
import { RunRecordSchema, type RunRecord } from './runRecordSchema';

export async function appendRecord(
  file: string,
  record: RunRecord,
  ...knownKeys: Array<string | undefined>
): Promise<void> {
  const checked = RunRecordSchema.parse(record);
  const line = scrubSecrets(JSON.stringify(checked), ...knownKeys);
  await mkdir(dirname(file), { recursive: true });
  // O_APPEND alone does not keep lines whole: Node writes a long line in several write() calls, and
  // two processes' calls interleave (records carry diffs of megabytes). A lock beside the file does.
  await withLock(`${file}.lock`, () => appendFile(file, `${line}\n`, { encoding: 'utf8', mode: 0o600 }));
}

export interface LedgerRead {
  records: RunRecord[];
  problems: Array<{ line: number; message: string }>;
}

export async function readRecords(file: string): Promise<LedgerRead> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { records: [], problems: [] };
    throw new Error(`Could not read the run ledger ${file}: ${(err as Error).message}`);
  }
  return parseLedger(text);
}

export function parseLedger(text: string): LedgerRead {
  const records: RunRecord[] = [];
  const problems: LedgerRead['problems'] = [];
  text.split('\n').forEach((raw, i) => {
    if (raw.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      problems.push({ line: i + 1, message: 'not JSON (a torn write?)' });
      return;
    }
    const r = RunRecordSchema.safeParse(value);
    if (r.success) records.push(r.data);
    else
      problems.push({
        line: i + 1,
        message: `not a run record: ${r.error.issues[0]?.path.join('.')}: ${r.error.issues[0]?.message}`,
      });
  });
  return { records, problems };
}

/**
 * The one default ledger, shared by the CLI and the editor so `switchyard stats` sees both:
 * $SWITCHYARD_LEDGER, else $XDG_STATE_HOME/switchyard/runs.jsonl, else ~/.local/state/switchyard/runs.jsonl
 * (never inside the workspace, where it could be committed). `--ledger` and the editor's
 * `switchyard.ledgerPath` setting override it.
 */
export function defaultLedgerPath(env: Record<string, string | undefined>): string {
  if (env['SWITCHYARD_LEDGER']) return env['SWITCHYARD_LEDGER'];
  const state = env['XDG_STATE_HOME'] || join(env['HOME'] || homedir(), '.local', 'state');
  return join(state, 'switchyard', 'runs.jsonl');
}

/**
 * The ledger a host reads and appends to: the one the person named (the CLI's `--ledger`, the
 * editor's `switchyard.ledgerPath`), relative to `cwd`, else the default above. The one rule both use.
 */
export function ledgerPathFor(given: string | undefined, env: Record<string, string | undefined>, cwd: string): string {
  return given ? resolve(cwd, given) : defaultLedgerPath(env);
}

/**
 * Moves the runs of an older ledger (the editor kept one in its own storage before the ledger was
 * shared) into `to`: every record whose run is not there yet is appended, oldest first, then the old
 * file is renamed to `<from>.moved` so it is read once. A missing `from` is nothing to do. Lines that
 * are not run records stay in the renamed file, untouched. Returns how many runs were moved.
 */
export async function migrateLedger(from: string, to: string): Promise<number> {
  if (from === to) return 0;
  let old: LedgerRead;
  try {
    old = parseLedger(await readFile(from, 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw new Error(`Could not read the earlier run ledger ${from}: ${(err as Error).message}`);
  }
  const have = new Set((await readRecords(to)).records.map((r) => r.runId));
  const moving = old.records.filter((r) => !have.has(r.runId)).sort((a, b) => a.startedAt.localeCompare(b.startedAt));
  if (moving.length) {
    await mkdir(dirname(to), { recursive: true });
    const lines = moving.map((r) => `${JSON.stringify(RunRecordSchema.parse(r))}\n`).join('');
    await appendFile(to, lines, { encoding: 'utf8', mode: 0o600 });
  }
  await rename(from, `${from}.moved`);
  return moving.length;
}
