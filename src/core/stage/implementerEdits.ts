// The implementer's reply → a resolved edit plan, or the problems to send back. Parsing and
// resolving go through the edit engine; an empty or no-op reply is a problem too, never a silent
// "done". Also the diff artifact and per-file line counts other roles and the UI use.
import { PatchParseError, type EditProblem, type ResolvedPlan } from '../edits/editPlan';
import { splitFileText } from '../edits/fileText';
import { parsePatch } from '../edits/parsePatch';
import { renderUnifiedDiff } from '../edits/renderUnifiedDiff';
import { resolveEdits } from '../edits/resolveEdits';
import { diffSize } from '../review/numberDiff';
import type { DiffArtifact } from '../sessions/artifacts';

export type EditsOutcome = { ok: true; resolved: ResolvedPlan } | { ok: false; problems: EditProblem[] };

export async function resolveImplementerReply(text: string, root: string): Promise<EditsOutcome> {
  let plan;
  try {
    plan = parsePatch(text, 'auto');
  } catch (e) {
    if (e instanceof PatchParseError) return { ok: false, problems: e.problems };
    return {
      ok: false,
      problems: [{ kind: 'parse', message: `the reply has no edits in a known format (${(e as Error).message})` }],
    };
  }
  if (plan.files.length === 0)
    return { ok: false, problems: [{ kind: 'parse', message: 'the reply contains no edits' }] };
  const out = await resolveEdits(plan, root);
  if (!out.ok) return { ok: false, problems: out.problems };
  if (out.resolved.files.every((f) => f.op === 'update' && f.before === f.after)) {
    return { ok: false, problems: [{ kind: 'parse', message: 'the edits change nothing' }] };
  }
  return { ok: true, resolved: out.resolved };
}

export function diffArtifactOf(resolved: ResolvedPlan): DiffArtifact {
  const text = renderUnifiedDiff(resolved);
  const size = diffSize(text);
  return {
    diff: text,
    files: [...new Set(resolved.files.flatMap((f) => (f.newPath ? [f.path, f.newPath] : [f.path])))],
    addedLines: size.added,
    removedLines: size.removed,
  };
}

/** Per file in the plan (its new path), how many lines its new content has: 0 for a deleted file. */
export function newLineCounts(resolved: ResolvedPlan): Map<string, number> {
  const m = new Map<string, number>();
  for (const f of resolved.files)
    m.set(f.newPath ?? f.path, f.op === 'delete' ? 0 : splitFileText(f.after).lines.length);
  return m;
}
