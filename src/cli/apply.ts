// `switchyard apply --root DIR [--format auto|search-replace|udiff|patch] [--dry-run] [--json] [--diff]`
// Reads a patch on standard input and applies it under DIR, all-or-nothing. Exit 0 when every
// file applied (or would, with --dry-run); 1 when anything was rejected, with nothing written and
// one line per problem on stderr; 2 on usage errors.
import { stat } from 'node:fs/promises';
import { type EditProblem, FormatOptionSchema, PatchParseError, type ResolvedFile } from '../core/edits/editPlan';
import { applyResolved } from '../core/edits/applyResolved';
import { parsePatch } from '../core/edits/parsePatch';
import { renderUnifiedDiff } from '../core/edits/renderUnifiedDiff';
import { resolveEdits } from '../core/edits/resolveEdits';
import type { ApplyIo } from './applyIo';
import { verbArgs } from './verbArgs';

const HELP = `usage: switchyard apply --root DIR [options] < patch

Applies a patch read from standard input to the files under DIR. Every file must apply or
nothing is written.

options:
  --root DIR        the folder the patch's paths are relative to (required)
  --format F        auto (default), search-replace, udiff or patch (the apply_patch format)
  --dry-run         resolve and check everything, write nothing
  --json            print per-file results as JSON on stdout
  --diff            print the canonical unified diff of the change on stdout
  --max-bytes N     refuse files larger than N bytes (default 8388608)

exit status: 0 applied (or would apply), 1 rejected (nothing written), 2 usage error
`;

/** A patch larger than this is not a model's edit; refuse it rather than hold it all in memory. */
const MAX_PATCH_BYTES = 64 * 1024 * 1024;

export interface FileResult {
  path: string;
  op: string;
  newPath?: string;
  status: 'applied' | 'would-apply' | 'not-applied' | 'rejected';
  reason?: string;
  tolerances: string[];
}

function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, ' ');
}

export async function runApply(args: string[], io: ApplyIo): Promise<number> {
  const parsed = verbArgs(
    { name: 'apply', help: HELP, io },
    {
      args,
      options: {
        root: { type: 'string' },
        format: { type: 'string' },
        'dry-run': { type: 'boolean' },
        json: { type: 'boolean' },
        diff: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        'max-bytes': { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    },
  );
  if (typeof parsed === 'number') return parsed;
  const values = parsed.values;
  const usageError = (msg: string) => {
    io.err(`switchyard apply: ${msg}\n${HELP}`);
    return 2;
  };
  if (!values.root) return usageError('--root DIR is required.');
  const format = FormatOptionSchema.safeParse(values.format ?? 'auto');
  if (!format.success)
    return usageError(`--format must be one of auto, search-replace, udiff, patch (got "${values.format}").`);
  let maxBytes: number | undefined;
  if (values['max-bytes'] !== undefined) {
    maxBytes = Number(values['max-bytes']);
    if (!Number.isInteger(maxBytes) || maxBytes <= 0)
      return usageError(`--max-bytes must be a positive whole number (got "${values['max-bytes']}").`);
  }
  try {
    if (!(await stat(values.root)).isDirectory()) return usageError(`--root ${values.root} is not a directory.`);
  } catch {
    return usageError(`--root ${values.root} does not exist.`);
  }
  if (io.stdinIsTty)
    return usageError('pipe the patch on standard input (for example: switchyard apply --root . < change.diff).');
  const text = await io.readStdin(MAX_PATCH_BYTES);
  if (text === undefined) return usageError(`the patch on standard input is over ${MAX_PATCH_BYTES} bytes; split it.`);
  if (text.trim() === '') return usageError('standard input was empty; expected a patch.');

  const dryRun = values['dry-run'] === true;
  const report = (ok: boolean, files: FileResult[], problems: EditProblem[], diff?: string): number => {
    if (values.json) {
      io.out(
        JSON.stringify(
          { ok, dryRun, files, problems, ...(values.diff && diff !== undefined ? { diff } : {}) },
          null,
          2,
        ) + '\n',
      );
    } else {
      for (const f of files) {
        const tol = f.tolerances.length ? ` (tolerated: ${f.tolerances.join(', ')})` : '';
        const target = f.newPath ? `${f.path} -> ${f.newPath}` : f.path;
        if (f.status === 'applied' || f.status === 'would-apply')
          io.out(`${f.status === 'applied' ? 'applied' : 'would apply'} ${f.op} ${target}${tol}\n`);
      }
      if (values.diff && diff !== undefined) io.out(diff);
    }
    for (const p of problems) io.err(`rejected: ${oneLine(p.message)}\n`);
    return ok ? 0 : 1;
  };

  let plan;
  try {
    plan = parsePatch(text, format.data);
  } catch (e) {
    if (e instanceof PatchParseError) return report(false, [], e.problems);
    throw e;
  }
  const outcome = await resolveEdits(plan, values.root, { maxBytes });
  const result = (f: ResolvedFile, status: FileResult['status'], reason?: string): FileResult => ({
    path: f.path,
    op: f.op,
    ...(f.newPath ? { newPath: f.newPath } : {}),
    status,
    ...(reason ? { reason } : {}),
    tolerances: f.tolerances,
  });
  if (!outcome.ok) {
    const files: FileResult[] = outcome.resolvedFiles.map((f) =>
      result(f, 'not-applied', 'another file of this patch was rejected, so nothing was written'),
    );
    const rejected = new Map<string, string[]>();
    for (const p of outcome.problems)
      if (p.path) rejected.set(p.path, [...(rejected.get(p.path) ?? []), oneLine(p.message)]);
    for (const [path, reasons] of rejected) {
      const edit = plan.files.find((f) => f.path === path || f.newPath === path);
      files.push({ path, op: edit?.op ?? 'update', status: 'rejected', reason: reasons.join(' '), tolerances: [] });
    }
    return report(false, files, outcome.problems);
  }
  const diff = values.diff ? renderUnifiedDiff(outcome.resolved) : undefined;
  if (dryRun)
    return report(
      true,
      outcome.resolved.files.map((f) => result(f, 'would-apply')),
      [],
      diff,
    );
  const applied = await applyResolved(outcome.resolved, values.root);
  if (!applied.ok) {
    const files = outcome.resolved.files.map((f) => {
      const mine = applied.problems.filter((p) => p.path === f.path || p.path === f.newPath);
      return mine.length
        ? result(f, 'rejected', mine.map((p) => oneLine(p.message)).join(' '))
        : result(f, 'not-applied', 'another file of this patch was rejected, so nothing was written');
    });
    return report(false, files, applied.problems);
  }
  return report(
    true,
    outcome.resolved.files.map((f) => result(f, 'applied')),
    [],
    diff,
  );
}
