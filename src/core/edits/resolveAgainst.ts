// Resolves an EditPlan against file contents already in memory — no disk access — so the CLI,
// the extension (open editors, WorkspaceEdit) and the verify stage (a scratch copy) share one
// resolver. Every file must resolve for the plan to resolve; problems from all files are kept.
import {
  type EditPlan,
  EditPlanSchema,
  limitProblems,
  MAX_EDIT_BLOCKS,
  planBlockCount,
  tooManyBlocks,
  type EditProblem,
  type FileEdit,
  type ResolveOutcome,
  type ResolvedFile,
} from './editPlan';
import { applyHunks, newFileText } from './applyHunks';
import { type FileSnapshot, splitFileText } from './fileText';
import { normalizeEditPath } from './safePath';

/** Every path a plan reads or writes (normalised), so a caller knows which files to load. */
export function pathsTouched(plan: EditPlan): string[] {
  const out = new Set<string>();
  for (const f of plan.files) {
    for (const p of [f.path, f.newPath]) {
      if (p === undefined) continue;
      const n = normalizeEditPath(p);
      out.add(n.ok ? n.path : p);
    }
  }
  return [...out];
}

/**
 * `files` maps each existing file's normalised path to its snapshot; a path that is absent
 * does not exist. Paths the plan only creates need no entry.
 */
export function resolveAgainst(input: EditPlan, files: ReadonlyMap<string, FileSnapshot>): ResolveOutcome {
  // Plans also arrive from tool calls and other processes: bound the work first, then check the shape.
  const blocks = planBlockCount(input);
  if (blocks > MAX_EDIT_BLOCKS) return { ok: false, problems: [tooManyBlocks(blocks)], resolvedFiles: [] };
  const checked = EditPlanSchema.safeParse(input);
  if (!checked.success) {
    return {
      ok: false,
      problems: checked.error.issues.slice(0, 5).map((i) => ({
        kind: 'parse' as const,
        message: `the edit plan is malformed at ${i.path.join('.') || '(root)'}: ${i.message}.`,
      })),
      resolvedFiles: [],
    };
  }
  const plan = checked.data;
  const problems: EditProblem[] = [];
  const resolved: ResolvedFile[] = [];
  const writers = new Map<string, string>(); // path -> what claims it, to catch two edits of one file

  const claim = (p: string, why: string): boolean => {
    const prior = writers.get(p);
    if (prior) {
      problems.push({
        kind: 'conflict',
        path: p,
        message: `${p}: the patch both ${prior} and ${why} it; put all changes to one file in one section.`,
      });
      return false;
    }
    writers.set(p, why);
    return true;
  };

  for (const edit of plan.files) {
    const path = normalizeEditPath(edit.path);
    if (!path.ok) {
      problems.push({ kind: 'path', path: edit.path, message: `${edit.path}: ${path.reason}.` });
      continue;
    }
    let newPath: string | undefined;
    if (edit.op === 'rename') {
      const np = edit.newPath === undefined ? undefined : normalizeEditPath(edit.newPath);
      if (!np || !np.ok) {
        problems.push({
          kind: 'path',
          path: path.path,
          message: `${path.path}: rename target ${np ? np.reason : 'is missing'}.`,
        });
        continue;
      }
      newPath = np.path;
    }
    const r = resolveOne(edit, path.path, newPath, files, claim);
    if ('problems' in r) for (const p of r.problems) problems.push(p);
    else resolved.push(r.file);
  }
  if (problems.length) return { ok: false, problems: limitProblems(problems), resolvedFiles: resolved };
  return { ok: true, resolved: { format: plan.format, files: resolved } };
}

function resolveOne(
  edit: FileEdit,
  path: string,
  newPath: string | undefined,
  files: ReadonlyMap<string, FileSnapshot>,
  claim: (p: string, why: string) => boolean,
): { file: ResolvedFile } | { problems: EditProblem[] } {
  const snap = files.get(path);
  const missing = (): { problems: EditProblem[] } => ({
    problems: [
      {
        kind: 'missing-file',
        path,
        message: `${path}: the file does not exist, so it cannot be ${edit.op === 'delete' ? 'deleted' : edit.op === 'rename' ? 'moved' : 'updated'}; check the path.`,
      },
    ],
  });
  switch (edit.op) {
    case 'create': {
      if (!claim(path, 'creates')) return { problems: [] };
      if (snap) {
        return {
          problems: [
            {
              kind: 'already-exists',
              path,
              message: `${path}: the patch creates this file but it already exists; send an update to it instead.`,
            },
          ],
        };
      }
      const h = edit.hunks[0];
      const lines = edit.hunks.flatMap((x) => x.new);
      return {
        file: {
          path,
          op: 'create',
          baseHash: null,
          before: '',
          after: newFileText(lines, h?.newEndsWithoutEol ?? false),
          tolerances: [],
        },
      };
    }
    case 'delete': {
      if (!claim(path, 'deletes')) return { problems: [] };
      if (!snap) return missing();
      // A unified diff shows what it deletes: if that is not what the file holds, the model
      // decided on a file it did not see as it is.
      const shown = edit.hunks.flatMap((h) => h.old);
      if (shown.length) {
        const actual = splitFileText(snap.text).lines;
        const same = shown.length === actual.length && shown.every((l, i) => l.trimEnd() === actual[i].trimEnd());
        if (!same) {
          return {
            problems: [
              {
                kind: 'conflict',
                path,
                message: `${path}: the patch deletes this file but shows different content (${shown.length} lines; the file has ${actual.length}); re-read it before deleting.`,
              },
            ],
          };
        }
      }
      return { file: { path, op: 'delete', baseHash: snap.hash, before: snap.text, after: '', tolerances: [] } };
    }
    case 'update': {
      if (!claim(path, 'updates')) return { problems: [] };
      if (!snap) {
        if (!edit.createIfMissing) return missing();
        const r = applyHunks(path, '', edit);
        if (!r.ok) return { problems: r.problems };
        return { file: { path, op: 'create', baseHash: null, before: '', after: r.after, tolerances: r.tolerances } };
      }
      const r = applyHunks(path, snap.text, edit);
      if (!r.ok) return { problems: r.problems };
      return {
        file: { path, op: 'update', baseHash: snap.hash, before: snap.text, after: r.after, tolerances: r.tolerances },
      };
    }
    case 'rename': {
      if (!claim(path, 'moves') || !claim(newPath!, 'moves a file onto')) return { problems: [] };
      if (!snap) return missing();
      if (files.has(newPath!)) {
        return {
          problems: [
            {
              kind: 'already-exists',
              path: newPath,
              message: `${path}: cannot move it to ${newPath}, which already exists.`,
            },
          ],
        };
      }
      let after = snap.text;
      let tolerances: ResolvedFile['tolerances'] = [];
      if (edit.hunks.length) {
        const r = applyHunks(path, snap.text, edit);
        if (!r.ok) return { problems: r.problems };
        after = r.after;
        tolerances = r.tolerances;
      }
      return { file: { path, op: 'rename', newPath, baseHash: snap.hash, before: snap.text, after, tolerances } };
    }
  }
}
