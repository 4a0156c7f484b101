// Reads the files a plan touches from disk — safely: every path through resolveInsideRoot,
// only regular files, binary and oversized files refused — then resolves the plan against them
// with the pure resolver.
import { readFile, stat } from 'node:fs/promises';
import type { EditPlan, EditProblem, ResolveOutcome } from './editPlan';
import { limitProblems, MAX_EDIT_BLOCKS, planBlockCount, tooManyBlocks } from './editPlan';
import { DEFAULT_MAX_BYTES, type FileSnapshot, snapshotFromBytes } from './fileText';
import { resolveAgainst } from './resolveAgainst';
import { normalizeEditPath, resolveInsideRoot } from './safePath';

export interface ResolveOptions {
  /** Files larger than this are refused (default 8 MiB). */
  maxBytes?: number;
}

export async function readPlanFiles(
  plan: EditPlan,
  root: string,
  opts: ResolveOptions = {},
): Promise<{ files: Map<string, FileSnapshot>; problems: EditProblem[] }> {
  const files = new Map<string, FileSnapshot>();
  const problems: EditProblem[] = [];
  const seen = new Set<string>();
  // Paths the plan only creates (new files, move targets) need not be readable, only absent.
  const contentNeeded = new Set<string>();
  for (const edit of plan.files) {
    const n = normalizeEditPath(edit.path);
    if (n.ok && edit.op !== 'create') contentNeeded.add(n.path);
  }
  for (const edit of plan.files) {
    for (const raw of [edit.path, edit.newPath]) {
      if (raw === undefined) continue;
      const norm = normalizeEditPath(raw);
      if (!norm.ok) {
        problems.push({ kind: 'path', path: raw, message: `${raw}: ${norm.reason}.` });
        continue;
      }
      if (seen.has(norm.path)) continue;
      seen.add(norm.path);
      const where = await resolveInsideRoot(root, norm.path);
      if (!where.ok) {
        problems.push({
          kind: 'path',
          path: norm.path,
          message: `${norm.path}: ${where.reason}; edits stay inside the workspace.`,
        });
        continue;
      }
      if (!where.exists) continue;
      try {
        const st = await stat(where.abs);
        if (!contentNeeded.has(norm.path)) {
          // It exists: the resolver reports "already exists" from this marker, whatever it holds.
          files.set(norm.path, { text: '', hash: 'exists' });
          continue;
        }
        if (!st.isFile()) {
          problems.push({
            kind: 'path',
            path: norm.path,
            message: `${norm.path}: is not a regular file (a directory or device); edits only change files.`,
          });
          continue;
        }
        const max = opts.maxBytes ?? DEFAULT_MAX_BYTES;
        if (st.size > max) {
          problems.push({
            kind: 'too-large',
            path: norm.path,
            message: `${norm.path}: ${st.size} bytes is over the ${max}-byte limit for edits; edit it by hand or raise the limit.`,
          });
          continue;
        }
        const snap = snapshotFromBytes(norm.path, await readFile(where.abs), max);
        if (!snap.ok) {
          problems.push(snap.problem);
          continue;
        }
        files.set(norm.path, snap.snapshot);
      } catch (e) {
        problems.push({
          kind: 'io',
          path: norm.path,
          message: `${norm.path}: could not read it (${(e as NodeJS.ErrnoException).code ?? String(e)}).`,
        });
      }
    }
  }
  return { files, problems };
}

export async function resolveEdits(plan: EditPlan, root: string, opts: ResolveOptions = {}): Promise<ResolveOutcome> {
  const blocks = planBlockCount(plan);
  if (blocks > MAX_EDIT_BLOCKS) return { ok: false, problems: [tooManyBlocks(blocks)], resolvedFiles: [] };
  const { files, problems } = await readPlanFiles(plan, root, opts);
  const outcome = resolveAgainst(plan, files);
  if (problems.length === 0) return outcome;
  // Problems reading a file come first; the resolver's view of the same file adds nothing.
  const unreadable = new Set(problems.map((p) => p.path));
  const extra = outcome.ok ? [] : outcome.problems.filter((p) => !unreadable.has(p.path));
  const resolvedFiles = (outcome.ok ? outcome.resolved.files : outcome.resolvedFiles).filter(
    (f) => !unreadable.has(f.path),
  );
  return { ok: false, problems: limitProblems([...problems, ...extra]), resolvedFiles };
}
