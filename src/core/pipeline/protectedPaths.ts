// Protected-path matching (".git/**", ".env.*", CI workflows, the policy file): a diff touching one
// always stops at the human gate. A small glob matcher (**, *, ?) over workspace-relative POSIX
// paths, so the rule does not depend on which glob library the host has.
function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') {
      if (glob[i + 1] === '*') {
        // "**/" matches zero or more directories; a trailing "**" matches everything below.
        if (glob[i + 2] === '/') {
          re += '(?:.*/)?';
          i += 2;
        } else {
          re += '.*';
          i += 1;
        }
      } else {
        re += '[^/]*';
      }
    } else if (c === '?') {
      re += '[^/]';
    } else {
      re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    }
  }
  return new RegExp(`^${re}$`, process.platform === 'win32' ? 'i' : '');
}

const cache = new Map<string, RegExp>();

export function normalizeRelPath(path: string): string {
  return path
    .replace(/\\/g, '/')
    .replace(/^(\.\/)+/, '')
    .replace(/^\/+/, '');
}

/** The protected patterns a path matches (empty when none). "dir/**" also protects "dir" itself. */
export function protectedMatches(path: string, patterns: readonly string[]): string[] {
  const p = normalizeRelPath(path);
  const hits: string[] = [];
  for (const pattern of patterns) {
    let re = cache.get(pattern);
    if (!re) {
      re = globToRegExp(normalizeRelPath(pattern));
      cache.set(pattern, re);
    }
    if (re.test(p) || (pattern.endsWith('/**') && p === normalizeRelPath(pattern.slice(0, -3)))) hits.push(pattern);
  }
  return hits;
}
