// Runs git for the isolated copy, with the settings that keep it from touching or running anything
// it should not: no hooks (a post-checkout hook is code nobody approved), no fsmonitor daemon, no
// optional index writes in the user's repository, no credential prompts, no automatic gc.
import { execFile } from 'node:child_process';

export interface GitResult {
  code: number;
  stdout: Buffer;
  stderr: string;
}

const SAFE_CONFIG = ['-c', 'core.hooksPath=/dev/null', '-c', 'core.fsmonitor=false', '-c', 'gc.auto=0'];

function gitEnv(extra?: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, GIT_OPTIONAL_LOCKS: '0', GIT_TERMINAL_PROMPT: '0', ...extra };
  // Set when the host itself runs inside a git hook; they would point git at the wrong repository.
  for (const name of ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE', 'GIT_COMMON_DIR', 'GIT_PREFIX']) delete env[name];
  return env;
}

/**
 * Runs `git <args>` in `cwd`; resolves with the exit code rather than throwing on failure.
 * `isolated` reads no system or user configuration either: for a repository a sandboxed command
 * could write to, whose own config is restored first (a filter or diff driver defined in the
 * user's ~/.gitconfig must not be started by attributes the command wrote).
 */
export function runGit(args: string[], cwd: string, isolated = false): Promise<GitResult> {
  const extra = isolated ? { GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' } : undefined;
  return new Promise((resolve) => {
    execFile(
      'git',
      [...SAFE_CONFIG, ...args],
      { cwd, env: gitEnv(extra), encoding: 'buffer', maxBuffer: 256 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        const err = stderr.toString('utf8') || (error && typeof error.code !== 'number' ? error.message : '');
        resolve({ code, stdout, stderr: err.trim() });
      },
    );
  });
}

/** Like runGit, but a non-zero exit becomes an error naming the command and git's own message. */
export async function gitOrThrow(args: string[], cwd: string, isolated = false): Promise<Buffer> {
  const r = await runGit(args, cwd, isolated);
  if (r.code !== 0) {
    throw new Error(`git ${args.join(' ')} failed in ${cwd} (exit ${r.code}): ${r.stderr || 'no message'}`);
  }
  return r.stdout;
}

/** Splits `-z` output into paths. */
export function splitNul(out: Buffer): string[] {
  return out
    .toString('utf8')
    .split('\0')
    .filter((p) => p.length > 0);
}
