// `npm start` with desktop VS Code on PATH: it must open `code` on the sample workspace with this repo
// as the extension under development, and stay until that window closes. A stand-in `code` on PATH
// records how it was called (no real VS Code here).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

const repoRoot = join(__dirname, '..', '..', '..');

test(
  'npm start opens desktop VS Code with --extensionDevelopmentPath when `code` is on PATH',
  { timeout: 60_000 },
  () => {
    const work = mkdtempSync(join(tmpdir(), 'switchyard-start-desktop-'));
    try {
      const bin = join(work, 'bin');
      const argsFile = join(work, 'code-args.json');
      mkdirSync(bin);
      writeFileSync(
        join(bin, 'code'),
        `#!${process.execPath}\nrequire('node:fs').writeFileSync(${JSON.stringify(argsFile)}, JSON.stringify(process.argv.slice(2)));\n`,
      );
      chmodSync(join(bin, 'code'), 0o755);
      const state = join(work, 'state');
      const r = spawnSync(process.execPath, [join(repoRoot, 'scripts', 'start.mjs')], {
        cwd: repoRoot,
        env: {
          ...process.env,
          PATH: `${bin}:${process.env.PATH}`,
          SWITCHYARD_START_STATE: state,
          SWITCHYARD_SKIP_BUILD: '1',
          SWITCHYARD_START_WEB: '',
        },
        encoding: 'utf8',
        timeout: 50_000,
      });
      assert.equal(r.status, 0, `npm start failed:\n${r.stdout}\n${r.stderr}`);
      assert.ok(existsSync(argsFile), `the stand-in code was not called:\n${r.stdout}\n${r.stderr}`);
      const args = JSON.parse(readFileSync(argsFile, 'utf8')) as string[];
      const workspace = join(state, 'sample-workspace');
      assert.ok(args.includes(`--extensionDevelopmentPath=${repoRoot}`), args.join(' '));
      assert.ok(args.includes('--wait'), 'without --wait npm start would return while VS Code is still open');
      assert.equal(args.at(-1), workspace);
      // The workspace is a copy of the sample, so the person's edits never touch the fixture.
      assert.equal(
        readFileSync(join(workspace, 'src', 'cart.ts'), 'utf8'),
        readFileSync(join(repoRoot, 'test', 'fixtures', 'sample-workspace', 'src', 'cart.ts'), 'utf8'),
      );
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  },
);
