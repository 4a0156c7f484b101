// `--file` arguments, turned into workspace paths (shared by explain, locate and route; apart from
// the policy loader so that `locate` loads no more than it needs).
import { isAbsolute, relative, resolve, sep } from 'node:path';

/**
 * `--file` arguments as workspace-relative paths: relative ones are taken from the current directory
 * (as a shell user means them), absolute ones must be inside the root. Returns the bad ones apart.
 */
export function filesUnderRoot(
  files: readonly string[],
  root: string,
  cwd: string,
): { paths: string[]; outside: string[] } {
  const paths: string[] = [];
  const outside: string[] = [];
  for (const f of files) {
    const rel = relative(root, resolve(cwd, f));
    if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) outside.push(f);
    else paths.push(rel.split(sep).join('/'));
  }
  return { paths, outside };
}
