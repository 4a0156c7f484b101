// Decides whether a proposed change may still be applied: every file must read exactly as it did
// when the edit was made (or still be absent, for a file the change creates). vscode-free; the
// caller supplies how to read the current text (open document first, else disk).
import type { ResolvedFile } from '../../core/edits/editPlan';

export interface StaleProblem {
  path: string;
  reason: string;
}

/** Text as an editor holds it: VS Code's documents never include the BOM. */
export function withoutBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** `current` resolves to the text now, or undefined when the file does not exist. */
export async function findStale(
  files: readonly ResolvedFile[],
  current: (path: string) => Promise<string | undefined>,
): Promise<StaleProblem[]> {
  const problems: StaleProblem[] = [];
  for (const f of files) {
    const now = await current(f.path);
    if (f.op === 'create') {
      if (now !== undefined)
        problems.push({ path: f.path, reason: 'it now exists, but the change was made to create it' });
      continue;
    }
    if (now === undefined) {
      problems.push({ path: f.path, reason: 'it no longer exists' });
    } else if (withoutBom(now) !== withoutBom(f.before)) {
      problems.push({ path: f.path, reason: 'it changed since the edit was made' });
    }
    if (f.op === 'rename' && f.newPath && (await current(f.newPath)) !== undefined) {
      problems.push({ path: f.newPath, reason: 'the rename target already exists' });
    }
  }
  return problems;
}

export function explainStale(problems: readonly StaleProblem[]): string {
  const list = problems.map((p) => `${p.path}: ${p.reason}`).join('; ');
  return `Switchyard did not apply the change, because ${problems.length === 1 ? 'a file' : `${problems.length} files`} no longer match what the change was made against (${list}). Nothing was written. Route the task again to make the change against the current files.`;
}
