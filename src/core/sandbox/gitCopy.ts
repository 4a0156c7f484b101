// The git side of an isolated copy: a clone of the user's repository with a git directory of its
// own (its own config, hooks, index and refs; no remote pointing back), checked out at HEAD, with
// the working tree's uncommitted changes carried over, then committed as a baseline so that
// `git diff <baseline>` is exactly what was changed in the copy afterwards.
//
// The clone borrows the repository's object store through git's alternates file (`--shared`)
// instead of copying gigabytes of history. Git itself never writes into an alternate; inside the
// sandbox the object store is mounted read-only, so nothing can.
import { readFile, rm } from 'node:fs/promises';
import * as path from 'node:path';
import { copyEntry, copyTree, exists, type CopyBudget, type NodeModulesHandler } from './copyTree';
import { gitOrThrow, runGit, splitNul } from './git';

const BASELINE_IDENTITY = [
  '-c',
  'user.name=Switchyard',
  '-c',
  'user.email=switchyard@localhost',
  '-c',
  'commit.gpgsign=false',
];

/** Clones `top` into `tree` sharing its objects, with no remote, detached at `head`. */
export async function cloneAt(top: string, tree: string, head: string): Promise<void> {
  // No template: a user's init.templateDir could carry active hooks into the copy.
  await gitOrThrow(
    ['clone', '--quiet', '--shared', '--no-checkout', '--template=', '--', top, tree],
    path.dirname(tree),
  );
  // A remote would let `git push` inside the copy write the user's refs.
  await gitOrThrow(['remote', 'remove', 'origin'], tree);
  await gitOrThrow(['-c', 'advice.detachedHead=false', 'checkout', '--quiet', '--detach', head], tree);
  // A blob git could not read (a partial clone offline) is reported but still exits 0: a copy
  // missing files would test something other than what the user has, so say so and fail.
  const missing = splitNul(await gitOrThrow(['diff', '--name-only', '-z'], tree));
  if (missing.length)
    throw new Error(`checking out HEAD left ${missing.length} file(s) unreadable: ${missing.slice(0, 3).join(', ')}`);
}

/**
 * Makes the fresh checkout match the working tree: every path that differs from HEAD (staged or
 * not) is copied over or deleted, then every untracked file git does not ignore is copied.
 * Returns what came over, and the submodule paths (copied as plain folders).
 */
export async function carryOverChanges(
  top: string,
  tree: string,
  budget: CopyBudget,
  nodeModules: NodeModulesHandler,
): Promise<{ carriedOver: string[]; submodules: string[] }> {
  const submodules = await gitlinks(top);
  const changed = splitNul(await gitOrThrow(['diff', '--no-renames', '--name-only', '-z', 'HEAD', '--'], top)).filter(
    (p) => !submodules.includes(p),
  );
  const untracked = splitNul(await gitOrThrow(['ls-files', '--others', '--exclude-standard', '-z'], top));
  const present: string[] = [];
  for (const rel of changed) {
    if (await exists(path.join(top, rel))) present.push(rel);
    else await rm(path.join(tree, rel), { recursive: true, force: true });
  }
  // A node_modules folder nobody ignored is listed file by file: handle the folder once instead.
  const modules = new Set<string>();
  const copied: string[] = [];
  for (const rel of untracked) {
    const nm = /^(.*?(?:^|\/)node_modules)(?:\/|$)/.exec(rel);
    if (nm) modules.add(nm[1]!);
    else copied.push(rel);
  }
  for (const m of modules) await nodeModules(path.join(top, m), path.join(tree, m));
  // Deletions first: a file that became a folder must make way before the folder's files arrive.
  for (const rel of [...present, ...copied]) {
    // A nested repository shows up as "dir/": copied without its .git.
    await copyEntry(top, tree, rel.replace(/\/$/, ''), budget, nodeModules);
  }
  // A fresh checkout leaves submodules empty; the tests need them as the user has them checked out.
  const subs: string[] = [];
  for (const rel of submodules) {
    const src = path.join(top, rel);
    if (!(await exists(path.join(src, '.git')))) continue; // not initialised in the workspace either
    await rm(path.join(tree, rel), { recursive: true, force: true });
    await copyTree(src, path.join(tree, rel), { skip: new Set(['.git', 'node_modules']), nodeModules, budget });
    subs.push(`${rel}/ (submodule)`);
  }
  return {
    carriedOver: [...changed, ...copied, ...[...modules].map((m) => `${m}/ (dependencies)`), ...subs],
    submodules,
  };
}

/** Paths of submodules (gitlink entries, mode 160000) in the index. */
async function gitlinks(top: string): Promise<string[]> {
  const entries = splitNul(await gitOrThrow(['ls-files', '--stage', '-z'], top));
  return entries.filter((e) => e.startsWith('160000 ')).map((e) => e.slice(e.indexOf('\t') + 1));
}

/** Ignored `node_modules` folders anywhere in the repository (a monorepo's packages), not nested in another. */
export async function ignoredNodeModules(top: string): Promise<string[]> {
  const r = await runGit(['ls-files', '--others', '--ignored', '--exclude-standard', '--directory', '-z'], top);
  if (r.code !== 0) return [];
  return splitNul(r.stdout)
    .map((p) => p.replace(/\/$/, ''))
    .filter((p) => path.basename(p) === 'node_modules' && !path.dirname(p).split('/').includes('node_modules'));
}

/**
 * Commits the copy's working tree as it is now (dependency folders and submodules left out) and
 * returns the commit. `git init` first when the copy has no repository yet.
 */
export async function commitBaseline(tree: string, submodules: string[], init: boolean): Promise<string> {
  if (init) await gitOrThrow(['init', '--quiet', '--template='], tree);
  const exclude = submodules.map((s) => `:(exclude)${s}`);
  await gitOrThrow(['add', '--all', '--', '.', ...exclude], tree);
  await gitOrThrow(
    [
      ...BASELINE_IDENTITY,
      'commit',
      '--quiet',
      '--no-verify',
      '--allow-empty',
      '-m',
      'switchyard: the working tree before the change',
    ],
    tree,
  );
  return gitOrThrow(['rev-parse', 'HEAD'], tree).then((b) => b.toString('utf8').trim());
}

/** Every object store the copy reads through alternates, following chains (absolute real paths). */
export async function alternatesOf(objectsDir: string, depth = 0): Promise<string[]> {
  if (depth > 5) return [];
  let text: string;
  try {
    text = await readFile(path.join(objectsDir, 'info', 'alternates'), 'utf8');
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const l = line.trim();
    if (!l || l.startsWith('#')) continue;
    const abs = path.resolve(objectsDir, l);
    out.push(abs, ...(await alternatesOf(abs, depth + 1)));
  }
  return out;
}
