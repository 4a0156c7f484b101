// Builds bench/localization/commits.json, the localization bench's measurement set, from public
// repositories fetched into /work/.mirror/<owner>+<name>/repo (bare git). Run it by hand when the
// set should change: node bench/localizationSet.mjs. The bench itself only reads the stored list.
// A case is a real commit: task = its subject, truth = the source files it modified (that existed in
// its parent; tests, docs and config are not truth), tree = its parent. Chosen commits change 1-5
// such files and have a subject that says what changed (no merges, releases, version bumps, reverts).
// Commits are taken evenly spaced over each repository's recent non-merge history, deterministically.
import * as esbuild from 'esbuild';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const MIRROR = process.env.SWITCHYARD_MIRROR ?? '/work/.mirror';

/** tune: weights in src/core/context/locateWeights.ts are adjusted on these (13 repositories, 260 commits); heldout: never looked at while tuning. */
export const REPOS = [
  { repo: 'pallets/click', split: 'tune' },
  { repo: 'spf13/cobra', split: 'tune' },
  { repo: 'sindresorhus/got', split: 'tune' },
  { repo: 'clap-rs/clap', split: 'tune' },
  { repo: 'jhy/jsoup', split: 'tune' },
  // Added later to make tuning less noisy (different languages and sizes); none is in held-out.
  { repo: 'golang-migrate/migrate', split: 'tune' },
  { repo: 'yargs/yargs', split: 'tune' },
  { repo: 'oauthlib/oauthlib', split: 'tune' },
  { repo: 'panva/jose', split: 'tune' },
  { repo: 'supertokens/supertokens-core', split: 'tune' },
  { repo: 'python-social-auth/social-core', split: 'tune' },
  { repo: 'pennersr/django-allauth', split: 'tune' },
  { repo: 'sindresorhus/ky', split: 'tune' },
  { repo: 'pallets/flask', split: 'heldout' },
  { repo: 'encode/httpx', split: 'heldout' },
  { repo: 'gin-gonic/gin', split: 'heldout' },
  { repo: 'oauth2-proxy/oauth2-proxy', split: 'heldout' },
  { repo: 'colinhacks/zod', split: 'heldout' },
  { repo: 'axios/axios', split: 'heldout' },
  { repo: 'knex/knex', split: 'heldout' },
  { repo: 'jaredhanson/passport', split: 'heldout' },
  { repo: 'BurntSushi/ripgrep', split: 'heldout' },
  { repo: 'google/gson', split: 'heldout' },
];

const PER_REPO = 20;
const WINDOW = 1500;
const BORING =
  /^(merge|bump|release|prepare|version|v?\d+\.\d+|revert|update (the )?(changelog|readme|deps|dependencies|docs)|chore\(deps|chore\(release|build\(deps|\[?ci\]?|lint|format|typo|wip|fixup|squash)/i;

export function mirrorDir(repo) {
  return join(MIRROR, repo.replace('/', '+'), 'repo');
}

function git(dir, args) {
  const r = spawnSync('git', ['--git-dir', dir, ...args], { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')} in ${dir}: ${r.stderr}`);
  return r.stdout;
}

async function loadRoles(root) {
  const outfile = join(root, 'out/bench/languages.cjs');
  await esbuild.build({
    entryPoints: [join(root, 'src/core/context/languages.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    outfile,
    logLevel: 'warning',
  });
  return createRequire(import.meta.url)(outfile);
}

function casesFor(dir, fileRole) {
  const log = git(dir, [
    'log',
    '--no-merges',
    `-n${WINDOW}`,
    '--format=%x01%H %P%x02%s',
    '--name-status',
    '--no-renames',
  ]);
  const all = [];
  for (const chunk of log.split('\x01').slice(1)) {
    const [head, ...lines] = chunk.split('\n');
    const [ids, subject] = head.split('\x02');
    const [sha, parent, extraParent] = ids.split(' ');
    if (!parent || extraParent) continue;
    const status = lines.filter(Boolean).map((l) => l.split('\t'));
    const modified = status.filter(([s, p]) => s === 'M' && fileRole(p) === 'source').map(([, p]) => p);
    const sourceTouched = status.filter(([, p]) => fileRole(p) === 'source').length;
    if (modified.length < 1 || sourceTouched > 5) continue;
    if (subject.split(/\s+/).length < 4 || BORING.test(subject.trim())) continue;
    all.push({ sha, parent, subject: subject.trim(), files: modified });
  }
  // Evenly spaced over the window: no cherry-picking, and recent and older code both appear.
  const step = all.length / PER_REPO;
  return Array.from({ length: Math.min(PER_REPO, all.length) }, (_, i) => all[Math.floor(i * step)]);
}

/**
 * The set for REPOS. A repository already in `previous` (the stored set) keeps its cases as they are,
 * so adding repositories never changes the commits of the others (held-out above all).
 */
export async function buildSet(root, previous) {
  const { fileRole } = await loadRoles(root);
  const kept = new Map((previous?.repos ?? []).map((r) => [r.repo, r]));
  const repos = [];
  for (const r of REPOS) {
    const old = kept.get(r.repo);
    if (old?.split === r.split) {
      repos.push(old);
      continue;
    }
    const dir = mirrorDir(r.repo);
    const cases = casesFor(dir, fileRole);
    repos.push({ ...r, head: git(dir, ['rev-parse', 'HEAD']).trim(), cases });
    console.log(`${r.repo}: ${cases.length} cases`);
  }
  return {
    description: 'Localization bench: task = commit subject, truth = modified source files, tree = parent.',
    repos,
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const file = join(root, 'bench/localization/commits.json');
  const set = await buildSet(root, existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : undefined);
  mkdirSync(join(root, 'bench/localization'), { recursive: true });
  writeFileSync(file, JSON.stringify(set, null, 1) + '\n');
}
