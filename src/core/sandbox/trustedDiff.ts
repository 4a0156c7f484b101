// The diff of an isolated copy, taken so that nothing the confined command wrote can steer it.
// The command can rewrite everything under its copy, the copy's own .git included: its config (a
// filter or diff driver, core.fsmonitor), a `commondir` or a `.git` file pointing at the user's
// repository, an `objects` symlink into the user's object store. So the host never runs git on
// that .git. Right after the baseline commit, the copy's .git is duplicated into a folder the
// sandbox never sees; the diff runs with that git directory, the copy as its work tree, and no
// system or user configuration (so no driver, hook or fsmonitor exists to be started).
import { mkdir } from 'node:fs/promises';
import * as path from 'node:path';
import { copyTree } from './copyTree';
import { gitOrThrow } from './git';

/** Copies the copy's git directory (as of the baseline) to `trustedDir`, out of the sandbox's reach. */
export async function keepTrustedGitDir(tree: string, trustedDir: string): Promise<void> {
  await mkdir(path.dirname(trustedDir), { recursive: true });
  await copyTree(path.join(tree, '.git'), trustedDir, { skip: new Set() });
}

/** Everything changed in `tree` since `baseline`, new and deleted files included, as a binary-safe diff. */
export async function trustedDiff(
  trustedDir: string,
  tree: string,
  baseline: string,
  submodules: readonly string[],
): Promise<string> {
  const git = ['--git-dir', trustedDir, '--work-tree', tree];
  const exclude = submodules.map((s) => `:(exclude)${s}`);
  await gitOrThrow([...git, 'add', '--all', '--', '.', ...exclude], tree, true);
  const out = await gitOrThrow(
    [...git, 'diff', '--cached', '--binary', '--no-ext-diff', '--no-textconv', '--no-renames', baseline, '--'],
    tree,
    true,
  );
  return out.toString('utf8');
}
