// Protected paths (".git/**", ".env*", CI workflows, the policy file …): a diff touching one always
// stops at the human gate. Two rules make the check hold against a repository that wants it to miss:
// - the fixed minimum (config/workspaceLimits.ts) is always part of the list, whatever a policy says;
// - names are compared with case folded (a checkout on macOS or Windows makes ".ENV" the ".env" file,
//   and a repository is shared across systems), and `protectedHitsOnDisk` also matches the real path
//   after symlinks, so `ci-config/ci.yml` → `.github/workflows/ci.yml` is caught by what it is.
import * as nodePath from 'node:path';
import { FIXED_PROTECTED_PATHS } from '../config/workspaceLimits';
import { resolveInsideRoot } from '../edits/safePath';
import { globMatcher, type GlobMatcher } from '../config/pathGlob';

const cache = new Map<string, GlobMatcher>();

function matcherFor(pattern: string): GlobMatcher {
  let m = cache.get(pattern);
  if (!m) {
    m = globMatcher([normalizeRelPath(pattern)], { nocase: true });
    // Patterns come from policies: few, but a long-lived host reloads them; keep the cache bounded.
    if (cache.size > 1000) cache.clear();
    cache.set(pattern, m);
  }
  return m;
}

export function normalizeRelPath(path: string): string {
  const p = nodePath.posix.normalize(path.replace(/\\/g, '/'));
  return p.replace(/^(\.\/)+/, '').replace(/^\/+/, '');
}

/** The protected patterns a path matches (empty when none), the fixed minimum included. */
export function protectedMatches(path: string, patterns: readonly string[]): string[] {
  const p = normalizeRelPath(path);
  return [...new Set([...patterns, ...FIXED_PROTECTED_PATHS])].filter((pattern) => matcherFor(pattern)(p));
}

export interface ProtectedHit {
  /** The path as the change names it, with its real path after symlinks when that differs. */
  path: string;
  pattern: string;
}

/**
 * Protected patterns hit by each path, matched on the path as written and on where it really lands
 * under `root` (symlinks in any component followed). A path that cannot be resolved is matched as
 * written only (the edit engine refuses it anyway).
 */
export async function protectedHitsOnDisk(
  root: string,
  paths: readonly string[],
  patterns: readonly string[],
): Promise<ProtectedHit[]> {
  const hits: ProtectedHit[] = [];
  for (const path of paths) {
    const written = normalizeRelPath(path);
    const where = await resolveInsideRoot(root, written);
    const real = where.ok ? where.rel : written;
    const label = real.toLowerCase() === written.toLowerCase() ? written : `${written} → ${real}`;
    for (const pattern of new Set([...protectedMatches(written, patterns), ...protectedMatches(real, patterns)]))
      hits.push({ path: label, pattern });
  }
  return hits;
}
