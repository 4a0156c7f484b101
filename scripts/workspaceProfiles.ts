// Writes test/fixtures/routing/profiles.json: the workspace profile (workspaceProfile.ts) of each
// repository of the labelled set that has at least MIN_ROWS texts across train, dev and test, from
// the file list of a snapshot of that repository (`git ls-tree -r --name-only HEAD` of a mirror under
// MIRRORS). The same rule for every split: only each row's `repo` is read, never a text or a label.
// A repository with no snapshot gets no profile; the classifier works without one.
// `node --import tsx scripts/workspaceProfiles.ts [mirrors-dir]`
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { workspaceProfile, type WorkspaceProfile } from '../src/core/routing/workspaceProfile';

const ROOT = join(__dirname, '..');
export const PROFILES_FILE = join(ROOT, 'test/fixtures/routing/profiles.json');
/** A repository with one text is a single issue; the profile is worth a snapshot from two up. */
const MIN_ROWS = 2;

export interface ProfileEntry extends WorkspaceProfile {
  /** The commit whose tree was listed. */
  commit: string;
  how: string;
}

export interface ProfilesFile {
  rule: string;
  profiles: Record<string, ProfileEntry>;
  /** Repositories the rule selected that have no profile, and why. */
  missing: Record<string, string>;
}

/** The `repo` field of every row of a split, nothing else. */
function reposOf(split: string): string[] {
  const file = join(ROOT, 'test/fixtures/routing', `${split}.jsonl`);
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => (JSON.parse(l) as { repo: string }).repo);
}

/** The profiles the fixture holds, keyed by repository (empty when the file is absent). */
export function loadProfiles(): Record<string, WorkspaceProfile> {
  if (!existsSync(PROFILES_FILE)) return {};
  return (JSON.parse(readFileSync(PROFILES_FILE, 'utf8')) as ProfilesFile).profiles;
}

function main(mirrors: string): void {
  const counts = new Map<string, number>();
  for (const split of ['train', 'dev', 'test'])
    for (const repo of reposOf(split)) counts.set(repo, (counts.get(repo) ?? 0) + 1);
  const chosen = [...counts].filter(([, n]) => n >= MIN_ROWS).map(([repo]) => repo);
  const out: ProfilesFile = {
    rule: `every repository with at least ${MIN_ROWS} texts across train, dev and test; its snapshot's HEAD tree`,
    profiles: {},
    missing: {},
  };
  for (const repo of chosen.sort()) {
    const git = join(mirrors, repo.replace('/', '+'), 'repo');
    if (!existsSync(git)) {
      out.missing[repo] = 'no snapshot could be had (too large, or none stored)';
      continue;
    }
    const run = (args: string[]): string =>
      execFileSync('git', ['--git-dir', git, ...args], { encoding: 'utf8', maxBuffer: 256 << 20 });
    const commit = run(['rev-parse', 'HEAD']).trim();
    const paths = run(['ls-tree', '-r', '--name-only', '-z', 'HEAD']).split('\0').filter(Boolean);
    const profile = workspaceProfile(paths);
    if (!profile) {
      out.missing[repo] = `too few files (${paths.length})`;
      continue;
    }
    out.profiles[repo] = { ...profile, commit, how: 'git ls-tree -r --name-only HEAD of a public snapshot' };
  }
  writeFileSync(PROFILES_FILE, JSON.stringify(out, null, 1) + '\n');
  console.log(
    `wrote ${PROFILES_FILE}: ${Object.keys(out.profiles).length} profiles, ${Object.keys(out.missing).length} missing`,
  );
}

if (require.main === module) main(process.argv[2] ?? '/work/.mirror');
