// Writes the editor's unsaved texts into the scratch, so the tests run against what the user sees
// in the editor and not only what is on disk. Paths go through the same inside-the-root check as
// edits; one that would land outside the scratch is skipped and reported, never written.
import { mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { z } from 'zod';
import { normalizeEditPath, resolveInsideRoot } from '../edits/safePath';

export const UnsavedFileSchema = z.object({
  /** Relative to the workspace root, forward slashes. */
  path: z.string().min(1),
  /** The document's full text as the editor holds it. */
  text: z.string(),
});
export type UnsavedFile = z.infer<typeof UnsavedFileSchema>;

/** Returns notes for the outcome: which files used unsaved text, and which were refused. */
export async function writeUnsavedFiles(scratchRoot: string, files: readonly UnsavedFile[]): Promise<string[]> {
  const used: string[] = [];
  const refused: string[] = [];
  for (const f of files) {
    const rel = normalizeEditPath(f.path);
    const where = rel.ok ? await resolveInsideRoot(scratchRoot, rel.path) : rel;
    if (!rel.ok || !where.ok) {
      refused.push(`${f.path} (${where.ok ? '' : where.reason})`);
      continue;
    }
    await mkdir(path.dirname(where.abs), { recursive: true });
    await writeFile(where.abs, f.text);
    used.push(rel.path);
  }
  const notes: string[] = [];
  if (used.length) notes.push(`Verified with the editor's unsaved text of: ${used.join(', ')}.`);
  if (refused.length) notes.push(`Unsaved text not used (path outside the workspace): ${refused.join('; ')}.`);
  return notes;
}
