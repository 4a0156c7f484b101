// The ledger on disk: one JSON line per run, appended; read back tolerantly (a torn or foreign line
// is reported with its line number and skipped, never fatal). Every line passes through the secret
// scrubber on the way in, so a key that slipped into a diff or an error never lands on disk.
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
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

/** Where the CLI keeps the ledger: $SWITCHYARD_LEDGER, else the XDG state folder (never inside the workspace, where it could be committed). */
export function defaultLedgerPath(env: Record<string, string | undefined>): string {
  if (env['SWITCHYARD_LEDGER']) return env['SWITCHYARD_LEDGER'];
  const state = env['XDG_STATE_HOME'] || join(env['HOME'] || homedir(), '.local', 'state');
  return join(state, 'switchyard', 'runs.jsonl');
}
