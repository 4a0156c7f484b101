// Makes each file a plan edits, inside the scratch, hold exactly the bytes the edit was made
// against before the edit engine applies it there. Two honest reasons they can differ: git's
// checkout filters (eol, autocrlf) wrote different bytes than the user's working file, and the
// plan was resolved against an editor's unsaved text. The scratch is throwaway and should test
// what the user sees, so: the workspace file's bytes when they match the base hash, else the
// plan's own `before` text when that matches it (unsaved editor text), else leave it and let the
// edit engine report the stale base.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { ResolvedPlan } from '../edits/editPlan';
import { sha256Hex } from '../edits/fileText';
import { normalizeEditPath, resolveInsideRoot } from '../edits/safePath';
import { copyEntry } from './copyTree';

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
    const inSource = await resolveInsideRoot(source, rel.path);
    if (inSource.ok && inSource.exists && (await hashOf(inSource.abs)) === file.baseHash) {
      await copyEntry(source, scratchRoot, path.relative(source, inSource.abs));
      continue;
    }
    if (sha256Hex(Buffer.from(file.before, 'utf8')) === file.baseHash) {
      await mkdir(path.dirname(inScratch.abs), { recursive: true });
      await rm(inScratch.abs, { force: true }); // a symlink here must not be written through
      await writeFile(inScratch.abs, file.before);
      notes.push(
        `${rel.path}: verified against the text the edit was made on (unsaved or changed since), not the file on disk.`,
      );
    }
  }
  return notes;
}

async function hashOf(abs: string): Promise<string | undefined> {
  try {
    return sha256Hex(await readFile(abs));
  } catch {
    return undefined;
  }
}
