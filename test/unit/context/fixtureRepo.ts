// A fixture repository of real public source for the index and locator tests: the TypeScript source
// of the `openai` npm package (Apache-2.0, a locked dependency, so the same bytes on every machine;
// its LICENSE is copied with it), committed into a fresh git repository at test time, then given a
// short history of its own (files changed together) so history and co-change have something to read.
import { execFileSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';

const req = createRequire(__filename);

/** The package folder (its package.json is not exported, so from the main entry up to the folder named openai). */
function openaiPackageDir(): string {
  let dir = dirname(req.resolve('openai'));
  while (basename(dir) !== 'openai') dir = dirname(dir);
  return dir;
}

export function openaiSourceDir(): string {
  return join(openaiPackageDir(), 'src');
}

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'fixture',
      GIT_AUTHOR_EMAIL: 'fixture@example.invalid',
      GIT_COMMITTER_NAME: 'fixture',
      GIT_COMMITTER_EMAIL: 'fixture@example.invalid',
    },
  });
}

export interface FixtureRepo {
  root: string;
  git(...args: string[]): string;
  dispose(): void;
}

/** The openai SDK's src/ as a git repository, plus two commits that change streaming.ts and error.ts together. */
export function makeOpenaiRepo(): FixtureRepo {
  const root = mkdtempSync(join(tmpdir(), 'switchyard-fixture-'));
  cpSync(openaiSourceDir(), join(root, 'src'), { recursive: true });
  cpSync(join(openaiPackageDir(), 'LICENSE'), join(root, 'LICENSE'));
  git(root, 'init', '-q', '-b', 'main');
  git(root, 'config', 'commit.gpgsign', 'false');
  git(root, 'add', '-A');
  git(root, 'commit', '-q', '-m', 'import the openai SDK source');
  for (const n of [1, 2]) {
    appendFileSync(join(root, 'src/core/streaming.ts'), `\n// stream change ${n}\n`);
    appendFileSync(join(root, 'src/core/error.ts'), `\n// error change ${n}\n`);
    git(root, 'commit', '-q', '-am', `streaming errors, part ${n}`);
  }
  return { root, git: (...args) => git(root, ...args), dispose: () => rmSync(root, { recursive: true, force: true }) };
}
