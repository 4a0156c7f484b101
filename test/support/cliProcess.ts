// The real `switchyard` command line as a person's shell runs it (src/cli/main.ts under tsx, no
// terminal on stdin), and git with a throwaway identity, for the CLI journeys. Not product code.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const repoRoot = resolve(__dirname, '..', '..');
// The repository's own tsx (the child runs in a temp repository, where a bare 'tsx' would not resolve).
const TSX = pathToFileURL(require.resolve('tsx')).href;

export function switchyard(args: string[], env: Record<string, string>, cwd: string) {
  return new Promise<{ code: number | null; out: string; err: string }>((done) => {
    const child = spawn(process.execPath, ['--import', TSX, join(repoRoot, 'src', 'cli', 'main.ts'), ...args], {
      cwd,
      env: { PATH: process.env.PATH ?? '', HOME: env.HOME ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => done({ code, out, err }));
  });
}

export function git(cwd: string, ...args: string[]): string {
  const r = spawnSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd });
  assert.equal(r.status, 0, `git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.toString();
}
