// Makes each file a plan edits, inside the scratch, hold exactly the bytes the edit was made
// against before the edit engine applies it there. Two honest reasons they can differ: git's
// checkout filters (eol, autocrlf) wrote different bytes than the user's working file, and the
// plan was resolved against an editor's unsaved text. The scratch is throwaway and should test
// what the user sees, so: the workspace file's bytes when they match the base hash, else the
// plan's own `before` text when that matches it (unsaved editor text), else leave it and let the
// edit engine report the stale base.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { ResolvedPlan } from '../edits/editPlan';
import { sha256Hex } from '../edits/fileText';
import { normalizeEditPath, resolveInsideRoot } from '../edits/safePath';

/** Returns notes for the record (which files used unsaved editor text). */
export async function alignBases(source: string, scratchRoot: string, resolved: ResolvedPlan): Promise<string[]> {
  const notes: string[] = [];
  for (const file of resolved.files) {
    if (file.baseHash === null) continue;
    const rel = normalizeEditPath(file.path);
    if (!rel.ok) continue; // the edit engine refuses it with the reason
    const inScratch = await resolveInsideRoot(scratchRoot, rel.path);
    if (!inScratch.ok) continue;
    if ((await hashOf(inScratch.abs)) === file.baseHash) continue;
    // Both paths are real paths inside their roots (symlinks resolved and checked), so writing to
    // the scratch one can never reach the workspace.
    const inSource = await resolveInsideRoot(source, rel.path);
    const workspaceBytes = inSource.ok && inSource.exists ? await bytesOf(inSource.abs) : undefined;
    if (workspaceBytes && sha256Hex(workspaceBytes) === file.baseHash) {
      await writeInScratch(inScratch.abs, workspaceBytes);
      continue;
    }
    const beforeBytes = Buffer.from(file.before, 'utf8');
    if (sha256Hex(beforeBytes) === file.baseHash) {
      await writeInScratch(inScratch.abs, beforeBytes);
      notes.push(
        `${rel.path}: verified against the text the edit was made on (unsaved or changed since), not the file on disk.`,
      );
    }
  }
  return notes;
}

async function bytesOf(abs: string): Promise<Buffer | undefined> {
  try {
    return await readFile(abs);
  } catch {
    return undefined;
  }
}

async function hashOf(abs: string): Promise<string | undefined> {
  const bytes = await bytesOf(abs);
  return bytes && sha256Hex(bytes);
}

async function writeInScratch(abs: string, bytes: Buffer): Promise<void> {
  await mkdir(path.dirname(abs), { recursive: true });
  await writeFile(abs, bytes);
}
