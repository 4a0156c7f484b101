// The verify sandbox's cost (section "sandbox"), or run alone: node bench/sandbox.mjs
// On this repository itself (its real history and node_modules): making an isolated copy (a clone
// with its own git directory, uncommitted changes carried over, a baseline commit) beside what the
// verify stage did before (`git worktree add` + remove of the same repository), and starting a
// confined `/bin/sh -c true` (bubblewrap, prlimit; as root via setpriv) beside a plain spawn of it.
// Medians of several runs; the code is compiled the way it ships (bundleTs.mjs) before it is measured.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleTs } from './bundleTs.mjs';

const RUNS = 5;

function load(root, work) {
  return bundleTs({
    contents: [
      "export { createIsolatedCopy } from './src/core/sandbox/isolatedCopy';",
      "export { runConfined } from './src/core/sandbox/confinedProcess';",
      "export { chooseIsolation } from './src/core/sandbox/chooseIsolation';",
      "export { DEFAULT_LIMITS } from './src/core/sandbox/sandboxLimits';",
    ].join('\n'),
    resolveDir: root,
    outfile: join(work, 'sandbox.cjs'),
  });
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function timed(fn) {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

export async function run({ root = fileURLToPath(new URL('..', import.meta.url)) } = {}) {
  const work = mkdtempSync(join(tmpdir(), 'switchyard-bench-sandbox-'));
  try {
    const m = await load(root, work);
    const copies = [];
    const worktrees = [];
    for (let i = 0; i < RUNS; i++) {
      copies.push(
        await timed(async () => {
          const copy = await m.createIsolatedCopy(root, { tmpDir: work });
          await copy.dispose();
        }),
      );
      const tree = join(work, `wt-${i}`);
      worktrees.push(
        await timed(async () => {
          execFileSync(
            'git',
            ['-c', 'core.hooksPath=/dev/null', 'worktree', 'add', '--detach', '--quiet', tree, 'HEAD'],
            { cwd: root },
          );
          execFileSync('git', ['worktree', 'remove', '--force', tree], { cwd: root });
        }),
      );
    }
    const files = Number(execFileSync('git', ['ls-files', '-z'], { cwd: root }).toString().split('\0').length - 1);
    const isolation = await m.chooseIsolation();
    const figures = {
      repoTrackedFiles: files,
      isolatedCopyMsMedian: Math.round(median(copies)),
      gitWorktreeMsMedian: Math.round(median(worktrees)),
      sandboxAvailable: 'refused' in isolation ? `no: ${isolation.refused}` : 'yes',
    };
    if ('refused' in isolation) return figures;
    const starts = [];
    const plain = [];
    const dir = join(work, 'run');
    execFileSync('mkdir', ['-p', join(dir, 'home')]);
    execFileSync('chmod', ['-R', '755', work]);
    for (let i = 0; i < RUNS; i++) {
      starts.push(
        await timed(async () => {
          const exit = await m.runConfined({
            argv: ['/bin/sh', '-c', 'true'],
            layout: { cwd: dir, home: join(dir, 'home'), writable: [dir], readOnly: [] },
            env: { PATH: '/usr/bin:/bin' },
            isolation,
            limits: m.DEFAULT_LIMITS,
            timeoutMs: 30_000,
          });
          if (exit.exitCode !== 0)
            throw new Error(`sandbox bench: true exited ${exit.exitCode} ${exit.startError ?? ''}`);
        }),
      );
      plain.push(await timed(async () => spawnSync('/bin/sh', ['-c', 'true'])));
    }
    return {
      ...figures,
      confinedTrueMsMedian: Math.round(median(starts)),
      plainTrueMsMedian: Math.round(median(plain) * 10) / 10,
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(await run());
}
