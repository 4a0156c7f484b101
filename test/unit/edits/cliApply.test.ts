import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { runApply } from '../../../src/cli/apply';
import { runCli, type VerbEntry } from '../../../src/cli/main';
import { ToleranceSchema } from '../../../src/core/edits/editPlan';
import { fingerprint, makeTree, removeTree } from '../../fixtures/edits/tree';

function io(stdin: string, tty = false) {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: {
      readStdin: async (max: number) => (Buffer.byteLength(stdin) > max ? undefined : stdin),
      stdinIsTty: tty,
      out: (t: string) => void out.push(t),
      err: (t: string) => void err.push(t),
    },
    out: () => out.join(''),
    err: () => err.join(''),
  };
}

const JsonResult = z.object({
  ok: z.boolean(),
  dryRun: z.boolean(),
  files: z.array(
    z.object({
      path: z.string(),
      op: z.string(),
      status: z.enum(['applied', 'would-apply', 'not-applied', 'rejected']),
      reason: z.string().optional(),
      tolerances: z.array(ToleranceSchema),
    }),
  ),
  problems: z.array(z.object({ kind: z.string(), message: z.string() }).passthrough()),
  diff: z.string().optional(),
});

const GOOD = '--- a/a.txt\n+++ b/a.txt\n@@ -9,1 +9,1 @@\n-one\n+ONE\n';

test('apply: exit 0 and the file written; --json reports the tolerance used', async (t) => {
  const root = makeTree({ 'a.txt': 'one\n' });
  t.after(() => removeTree(root));
  const c = io(GOOD);
  assert.equal(await runApply(['--root', root, '--json'], c.io), 0);
  assert.equal(readFileSync(join(root, 'a.txt'), 'utf8'), 'ONE\n');
  const j = JsonResult.parse(JSON.parse(c.out()));
  assert.deepEqual(
    j.files.map((f) => [f.path, f.status, f.tolerances]),
    [['a.txt', 'applied', ['line-numbers']]],
  );
  assert.equal(c.err(), '');
});

test('apply --dry-run writes nothing and exits 0; --diff prints the canonical diff', async (t) => {
  const root = makeTree({ 'a.txt': 'one\n' });
  t.after(() => removeTree(root));
  const before = fingerprint(root);
  const c = io(GOOD);
  assert.equal(await runApply(['--root', root, '--dry-run', '--diff'], c.io), 0);
  assert.deepEqual(fingerprint(root), before);
  assert.match(c.out(), /^would apply update a\.txt \(tolerated: line-numbers\)\n/);
  assert.match(c.out(), /--- a\/a\.txt\n\+\+\+ b\/a\.txt\n@@ -1 \+1 @@\n-one\n\+ONE\n/);
});

test('apply: exit 1 on rejection, one stderr line per problem, nothing written, per-file JSON', async (t) => {
  const root = makeTree({ 'a.txt': 'one\n', 'b.txt': 'two\n' });
  t.after(() => removeTree(root));
  const before = fingerprint(root);
  const patch =
    'a.txt\n<<<<<<< SEARCH\none\n=======\n1\n>>>>>>> REPLACE\nb.txt\n<<<<<<< SEARCH\nthree\n=======\n3\n>>>>>>> REPLACE\nc.txt\n<<<<<<< SEARCH\nx\n=======\ny\n>>>>>>> REPLACE\n';
  const c = io(patch);
  assert.equal(await runApply(['--root', root, '--json'], c.io), 1);
  assert.deepEqual(fingerprint(root), before);
  const lines = c.err().trimEnd().split('\n');
  assert.equal(lines.length, 2);
  assert.match(lines[0], /^rejected: b\.txt, block 2 \(patch line 8\): the old text was not found/);
  assert.match(lines[1], /^rejected: c\.txt: the file does not exist/);
  const j = JsonResult.parse(JSON.parse(c.out()));
  assert.equal(j.ok, false);
  assert.deepEqual(
    j.files.map((f) => [f.path, f.status]),
    [
      ['a.txt', 'not-applied'],
      ['b.txt', 'rejected'],
      ['c.txt', 'rejected'],
    ],
  );
});

test('apply: a patch that does not parse is a rejection (exit 1) naming the line', async (t) => {
  const root = makeTree({ 'a.txt': 'one\n' });
  t.after(() => removeTree(root));
  const c = io('*** Begin Patch\n*** Frobnicate File: a.txt\n*** End Patch\n');
  assert.equal(await runApply(['--root', root], c.io), 1);
  assert.match(c.err(), /^rejected: patch line 2: expected "\*\*\* Add File:"/);
});

test('apply: usage errors exit 2 and say what is wrong', async (t) => {
  const root = makeTree({ 'a.txt': 'one\n' });
  t.after(() => removeTree(root));
  const cases: Array<[string[], string, boolean, RegExp]> = [
    [[], GOOD, false, /--root DIR is required/],
    [['--root', root, '--format', 'xml'], GOOD, false, /--format must be one of/],
    [['--root', root, '--frobnicate'], GOOD, false, /unknown option --frobnicate/],
    [['--root', join(root, 'nope')], GOOD, false, /does not exist/],
    [['--root', join(root, 'a.txt')], GOOD, false, /is not a directory/],
    [['--root', root], '', false, /standard input was empty/],
    [['--root', root], GOOD, true, /pipe the patch on standard input/],
    [['--root', root, '--max-bytes=-3'], GOOD, false, /--max-bytes must be a positive whole number/],
  ];
  for (const [args, stdin, tty, why] of cases) {
    const c = io(stdin, tty);
    assert.equal(await runApply(args, c.io), 2, args.join(' '));
    assert.match(c.err(), why);
  }
  assert.equal(readFileSync(join(root, 'a.txt'), 'utf8'), 'one\n');
});

test('the dispatcher runs a verb from its table and refuses unknown ones with exit 2', async () => {
  const seen: string[][] = [];
  const verbs: Record<string, VerbEntry> = {
    echo: { summary: 'test verb', run: async (args) => (seen.push(args), 7) },
  };
  const out: string[] = [];
  const print = { out: (t: string) => void out.push(t), err: (t: string) => void out.push(t) };
  assert.equal(await runCli(['echo', 'a', '--b'], verbs, print), 7);
  assert.deepEqual(seen, [['a', '--b']]);
  assert.equal(await runCli(['nope'], verbs, print), 2);
  assert.match(out.join(''), /unknown command "nope"[\s\S]*echo +test verb/);
  assert.equal(await runCli([], verbs, print), 2);
  assert.equal(await runCli(['--help'], verbs, print), 0);
});

test('the real process: exit codes and output through stdin/stdout/stderr', (t) => {
  const root = makeTree({ 'a.txt': 'one\n' });
  t.after(() => removeTree(root));
  const cli = (args: string[], input: string) =>
    spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
      input,
      encoding: 'utf8',
      cwd: join(__dirname, '../../..'),
    });
  const bad = cli(['apply', '--root', root], 'a.txt\n<<<<<<< SEARCH\nzzz\n=======\ny\n>>>>>>> REPLACE\n');
  assert.equal(bad.status, 1, bad.stderr);
  assert.match(bad.stderr, /^rejected: a\.txt, block 1/);
  const good = cli(['apply', '--root', root, '--format', 'udiff'], GOOD);
  assert.equal(good.status, 0, good.stderr);
  assert.equal(good.stdout, 'applied update a.txt (tolerated: line-numbers)\n');
  assert.equal(readFileSync(join(root, 'a.txt'), 'utf8'), 'ONE\n');
  assert.equal(cli(['apply'], '').status, 2);
});

test('apply: a patch over the size limit on stdin is a usage error, read no further', async (t) => {
  const root = makeTree({ 'a.txt': 'one\n' });
  t.after(() => removeTree(root));
  let asked = 0;
  const err: string[] = [];
  const code = await runApply(['--root', root], {
    readStdin: async (max: number) => {
      asked = max;
      return undefined;
    },
    stdinIsTty: false,
    out: () => undefined,
    err: (s: string) => void err.push(s),
  });
  assert.equal(code, 2);
  assert.ok(asked >= 1024 * 1024);
  assert.match(err.join(''), /over \d+ bytes; split it/);
});
