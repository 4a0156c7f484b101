// Reads and writes `.switchyard/benchmarks.json`, and builds items from run records. Pure set
// operations (add, remove) return new sets; only load/save touch the disk. A malformed file is an
// error naming the file and the first problem, never silently replaced by an empty set: the file is
// shared with a team and overwriting it would lose their items.
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { RunRecord } from '../ledger/runRecordSchema';
import { mentionedPaths } from '../routing/stagePlan';
import { normalizeEditPath, resolveInsideRoot } from '../edits/safePath';
import {
  BENCHMARKS_PATH,
  BenchmarkSetSchema,
  emptyBenchmarkSet,
  type BenchmarkItem,
  type BenchmarkSet,
  type ContextFile,
} from './benchmarkSchema';

export class BenchmarkFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BenchmarkFileError';
  }
}

export function benchmarksFile(root: string): string {
  return join(root, BENCHMARKS_PATH);
}

/**
 * Where the set really is: `.switchyard` (or the file) may be a symlink the repository committed, and
 * the set is read and written only where it lands inside the root.
 */
async function setLocation(root: string): Promise<string> {
  const where = await resolveInsideRoot(root, BENCHMARKS_PATH);
  if (!where.ok) {
    throw new BenchmarkFileError(
      `${benchmarksFile(root)} is not used: ${where.reason} (outside the workspace). Make .switchyard a folder inside the workspace.`,
    );
  }
  return where.abs;
}

export async function loadBenchmarkSet(root: string): Promise<BenchmarkSet> {
  const file = await setLocation(root);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return emptyBenchmarkSet();
    throw new BenchmarkFileError(`Could not read the benchmark set ${file}: ${(err as Error).message}`);
  }
  return parseBenchmarkSet(text, file);
}

export function parseBenchmarkSet(text: string, file = BENCHMARKS_PATH): BenchmarkSet {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new BenchmarkFileError(
      `The benchmark set ${file} is not valid JSON (${(err as Error).message}). Fix it by hand or delete it to start a new set.`,
    );
  }
  const r = BenchmarkSetSchema.safeParse(value);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new BenchmarkFileError(
      `The benchmark set ${file} does not fit its schema at ${issue.path.join('.') || '(root)'}: ${issue.message}. Fix that entry or delete the file to start a new set.`,
    );
  }
  return r.data;
}

/** Writes the set (pretty JSON, stable order) through a temp file and a rename, so a crash never leaves half a file. */
export async function saveBenchmarkSet(root: string, set: BenchmarkSet): Promise<string> {
  const file = await setLocation(root);
  const checked = BenchmarkSetSchema.parse(set);
  await mkdir(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  await writeFile(tmp, `${JSON.stringify(checked, null, 2)}\n`, 'utf8');
  await rename(tmp, file);
  return file;
}

/** Adds an item; an item for the same run (or with the same id) replaces the old one in place. */
export function addBenchmarkItem(set: BenchmarkSet, item: BenchmarkItem): BenchmarkSet {
  const same = (x: BenchmarkItem) => x.id === item.id || (item.runId !== undefined && x.runId === item.runId);
  const at = set.items.findIndex(same);
  const items = at >= 0 ? set.items.map((x, i) => (i === at ? item : x)) : [...set.items, item];
  return { ...set, items };
}

export function removeBenchmarkItem(set: BenchmarkSet, id: string): BenchmarkSet {
  return { ...set, items: set.items.filter((x) => x.id !== id && x.runId !== id) };
}

/** sha256 of each file's bytes under root; null for a missing file. Paths outside the root are refused. */
export async function hashContextFiles(root: string, paths: readonly string[]): Promise<ContextFile[]> {
  const out: ContextFile[] = [];
  const seen = new Set<string>();
  for (const raw of paths) {
    const norm = normalizeEditPath(raw);
    if (!norm.ok || seen.has(norm.path)) continue;
    seen.add(norm.path);
    const where = await resolveInsideRoot(root, norm.path);
    if (!where.ok) continue;
    let sha256: string | null = null;
    if (where.exists) {
      try {
        sha256 = createHash('sha256')
          .update(await readFile(where.abs))
          .digest('hex');
      } catch {
        // A directory or an unreadable file is not context we can pin: leave it out.
        continue;
      }
    }
    out.push({ path: norm.path, sha256 });
  }
  return out;
}

/** Files a unified diff touches (its +++/--- headers), without the a/ b/ prefixes. */
export function diffPaths(diff: string | undefined): string[] {
  if (!diff) return [];
  const out = new Set<string>();
  for (const m of diff.matchAll(/^(?:\+\+\+|---) (?:[ab]\/)?(.+?)\s*$/gm)) {
    if (m[1] !== '/dev/null') out.add(m[1]!);
  }
  return [...out];
}

export interface ItemFromRecordOptions {
  now?: () => Date;
  note?: string;
}

/**
 * A benchmark item from a past run: its task, the files it was about (the files it changed, the
 * ones its diff names, the ones the task text mentions) with their current hashes, and its diff.
 */
export async function itemFromRecord(
  record: RunRecord,
  root: string,
  opts: ItemFromRecordOptions = {},
): Promise<BenchmarkItem> {
  // A task whose diff was not applied is still a fair benchmark; it just has no reference diff.
  const paths = [...record.filesChanged, ...diffPaths(record.diff), ...mentionedPaths(record.task)];
  const item: BenchmarkItem = {
    id: record.runId,
    task: record.task,
    kind: record.kind,
    risk: record.risk,
    runId: record.runId,
    addedAt: (opts.now?.() ?? new Date()).toISOString(),
    contextFiles: await hashContextFiles(root, paths),
  };
  // Absent rather than undefined keys: the file round-trips through JSON unchanged.
  if (record.outcome === 'applied' && record.diff) item.acceptedDiff = record.diff;
  if (opts.note) item.note = opts.note;
  return item;
}

/** Context files whose content differs now from when the item was marked (the replay runs on today's files). */
export async function contextDrift(root: string, item: BenchmarkItem): Promise<string[]> {
  const now = await hashContextFiles(
    root,
    item.contextFiles.map((f) => f.path),
  );
  const byPath = new Map(now.map((f) => [f.path, f.sha256]));
  return item.contextFiles.filter((f) => (byPath.get(f.path) ?? null) !== f.sha256).map((f) => f.path);
}
