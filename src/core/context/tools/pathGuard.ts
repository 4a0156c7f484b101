// Every path a tool touches goes through here: it must stay inside the workspace (symlinks resolved,
// so a link pointing outside is refused), and neither the path asked for nor the real path it lands
// on may look like a secret or match a protected pattern — unless the person named that path
// themselves (the task or the editor), in which case they chose to share it.
import { realpath } from 'node:fs/promises';
import * as path from 'node:path';
import { resolveInsideRoot } from '../../edits/safePath';

export interface PathRules {
  /** The host's secret-looking-path rule (pipeline/workspaceReader's looksSecret). */
  isSecret(relPath: string): boolean;
  /** The protected patterns a path matches (pipeline/protectedPaths' protectedMatches with the policy's list). */
  protectedBy(relPath: string): string[];
  /** Paths the person named: these may be read even when secret-looking or protected. */
  userPaths: ReadonlySet<string>;
}

export type Guarded = { ok: true; abs: string; rel: string; exists: boolean } | { ok: false; reason: string };

/** Why a workspace-relative path may not be shown to a model, or undefined when it may. */
export function refusal(rel: string, rules: PathRules): string | undefined {
  if (rules.userPaths.has(rel)) return undefined;
  if (rules.isSecret(rel))
    return `${rel} looks like it holds secrets; it is never shown to a model unless you name it in the task`;
  const hit = rules.protectedBy(rel);
  if (hit.length)
    return `${rel} is a protected path (${hit[0]}); it is not shown to a model unless you name it in the task`;
  return undefined;
}

export async function guardPath(root: string, rel: string, rules: PathRules): Promise<Guarded> {
  const where = await resolveInsideRoot(root, rel || '.');
  if (!where.ok) {
    // The root itself ("." or "") is allowed for listing.
    if (rel === '' || rel === '.' || rel === './')
      return { ok: true, abs: await realRoot(root), rel: '', exists: true };
    return where;
  }
  const realRel = path
    .relative(await realRoot(root), where.abs)
    .split(path.sep)
    .join('/');
  const asked = rel.replace(/\\/g, '/').replace(/^\.\//, '');
  for (const p of new Set([asked, realRel])) {
    const why = refusal(p, rules);
    if (why) return { ok: false, reason: p === asked ? why : `${asked} leads to ${why}` };
  }
  return { ok: true, abs: where.abs, rel: realRel, exists: where.exists };
}

async function realRoot(root: string): Promise<string> {
  return realpath(root).catch(() => path.resolve(root));
}
