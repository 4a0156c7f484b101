// `switchyard locate` as a person runs it: JSON for scripts, a readable list otherwise, and clear
// errors for bad input.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { runCli } from '../../../src/cli/main';
import { runLocate } from '../../../src/cli/locate';
import type { VerbIo } from '../../../src/cli/verbIo';
import { makeOpenaiRepo, type FixtureRepo } from './fixtureRepo';

let fx: FixtureRepo;
let cacheDir: string;
before(() => {
  fx = makeOpenaiRepo();
  cacheDir = mkdtempSync(join(tmpdir(), 'switchyard-cli-cache-'));
});
after(() => {
  fx.dispose();
  rmSync(cacheDir, { recursive: true, force: true });
});

function io(): VerbIo & { stdout: string; stderr: string } {
  const o = {
    stdout: '',
    stderr: '',
    out: (t: string) => void (o.stdout += t.endsWith('\n') ? t : `${t}\n`),
    err: (t: string) => void (o.stderr += t.endsWith('\n') ? t : `${t}\n`),
    env: {},
    cwd: fx.root,
  };
  return o;
}

test('--json prints the ranked files with score, reasons and symbols, most likely first', async () => {
  const o = io();
  const code = await runLocate(
    ['the SSE stream parser drops the last event', '--json', '--limit', '3', '--cache-dir', cacheDir],
    o,
  );
  assert.equal(code, 0, o.stderr);
  const out = JSON.parse(o.stdout) as {
    files: Array<{ path: string; score: number; why: string[]; symbols: string[] }>;
  };
  assert.equal(out.files.length, 3);
  assert.equal(out.files[0]!.path, 'src/core/streaming.ts');
  assert.deepEqual(Object.keys(out.files[0]!).sort(), ['path', 'score', 'symbols', 'why']);
  assert.ok(out.files[0]!.score >= out.files[1]!.score && out.files[1]!.score >= out.files[2]!.score);
});

test('without --json: a readable list; the second run comes from the cache', async () => {
  const o = io();
  assert.equal(
    await runLocate(['`toFile` should accept a Blob', '--root', fx.root, '--limit', '2', '--cache-dir', cacheDir], o),
    0,
  );
  const lines = o.stdout.split('\n');
  assert.match(lines[0]!, /^ 1\. src\/internal\/to-file\.ts {2}\(\d+(\.\d+)?\)$/);
  assert.match(lines[1]!, /^ {4}why: defines toFile \(named in the task\)/);
  assert.match(lines[2]!, /^ {4}symbols: toFile/);
  assert.match(o.stdout, /files indexed \(from cache\) in \d+ ms/);
});

test('bad input: a clear message and exit 2', async () => {
  const o = io();
  assert.equal(await runCli(['locate', 'x', '--limit', 'many'], undefined, { out: () => {}, err: () => {} }), 2);
  assert.equal(await runLocate(['x', '--root', join(fx.root, 'nope')], o), 2);
  assert.match(o.stderr, /is not a folder: give the workspace with --root DIR/);
  assert.equal(await runLocate([], io()), 2);
});
