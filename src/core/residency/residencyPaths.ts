// The paths residency rules are matched against: workspace-relative, forward slashes, normalised —
// plus, for a path that goes through a symlink, where it really lands, so "docs/link.ts" pointing at
// "src/payments/charge.ts" is judged as the payments file it is. Paths outside the workspace are
// dropped (nothing reads them). Without a root (a diff from elsewhere) the paths are only normalised.
import { realpath } from 'node:fs/promises';
import * as path from 'node:path';
import { normalizeEditPath, resolveInsideRoot } from '../edits/safePath';

export async function residencyPaths(root: string | undefined, paths: Iterable<string>): Promise<string[]> {
  const out = new Set<string>();
  let realRoot: string | undefined;
  for (const raw of paths) {
    const norm = normalizeEditPath(raw);
    if (!norm.ok) continue;
    out.add(norm.path);
    if (root === undefined) continue;
    const where = await resolveInsideRoot(root, norm.path);
    if (!where.ok || !where.exists) continue;
    realRoot ??= await realpath(root).catch(() => root);
    const real = path.relative(realRoot, where.abs).split(path.sep).join('/');
    if (real && !real.startsWith('../')) out.add(real);
  }
  return [...out];
}

/** How many of the locator's best-ranked files the residency rules weigh at decision time (run and explain alike). */
export const LIKELY_FILES_SCREENED = 5;
