// The files a role is sent: the user's paths and the ones a model suggested, each let through only
// when paths/modelRead.ts allows it (real path, secret-looking, protected), then read with the usual
// caps. A refused user path is skipped with a note saying why; a refused model path is dropped.
import type { FileContext } from '../sessions/prompts';
import { checkModelRead } from '../paths/modelRead';
import { readContextFiles, type WorkspaceReader } from './workspaceReader';

export async function safeContextFiles(
  root: string,
  reader: WorkspaceReader,
  protectedPaths: readonly string[],
  userPaths: readonly string[],
  modelPaths: readonly string[],
): Promise<{ files: FileContext[]; notes: string[] }> {
  const named = new Set(userPaths);
  const safe: string[] = [];
  const refused: string[] = [];
  for (const p of [...userPaths, ...modelPaths]) {
    const check = await checkModelRead(root, p, { protectedPaths, userNamed: named.has(p) });
    if (check.ok) safe.push(p);
    else if (named.has(p)) refused.push(`skipped ${p}: ${check.reason}`);
  }
  const read = await readContextFiles(reader, safe);
  return { ...read, notes: [...refused, ...read.notes] };
}
