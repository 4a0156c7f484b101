// The read-only tools a role calls: what each returns, and what it refuses — paths outside the
// workspace (symlinks too), secret-looking and protected files (unless the person named them),
// binary and huge files — with ripgrep and with the JavaScript fallback.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { RepoIndex } from '../../../src/core/context/repoIndex';
import { ripgrepOnPath } from '../../../src/core/context/ripgrepPath';
import { ToolBox } from '../../../src/core/context/tools/toolBox';
import { DEFAULT_PROTECTED_PATHS } from '../../../src/core/config/policySchema';
import { protectedMatches } from '../../../src/core/paths/protectedPaths';
import { looksSecret } from '../../../src/core/paths/secretPaths';

let root: string;
let outside: string;

before(() => {
  root = mkdtempSync(join(tmpdir(), 'switchyard-tools-'));
  outside = mkdtempSync(join(tmpdir(), 'switchyard-outside-'));
  const w = (rel: string, text: string | Buffer) => {
    mkdirSync(join(root, rel, '..'), { recursive: true });
    writeFileSync(join(root, rel), text);
  };
  w('src/router.ts', 'export class Router {\n  handle(path: string) {\n    return matchRoute(path);\n  }\n}\n');
  w('src/match.ts', 'export function matchRoute(p: string) {\n  return p.length > 0;\n}\n');
  w('src/long.ts', Array.from({ length: 2000 }, (_, i) => `export const line${i} = ${i};`).join('\n'));
  w('.env', 'API_TOKEN=matchRoute-secret-value\n');
  w('.github/workflows/ci.yml', 'run: matchRoute\n');
  w('assets/logo.bin', Buffer.from([1, 2, 0, 3, 4]));
  w('big.txt', 'x'.repeat(5 * 1024 * 1024));
  writeFileSync(join(outside, 'stolen.ts'), 'export const matchRoute = "outside";\n');
  symlinkSync(join(outside, 'stolen.ts'), join(root, 'src/escape.ts'));
  symlinkSync(join(root, '.env'), join(root, 'src/config.ts'));
});
after(() => {
  rmSync(root, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});

function box(opts: { rg?: string; userPaths?: string[] } = {}): ToolBox {
  let index: Promise<RepoIndex> | undefined;
  return new ToolBox({
    root,
    index: () => (index ??= RepoIndex.build(root, { isSecret: looksSecret })),
    rules: {
      isSecret: looksSecret,
      protectedBy: (p) => protectedMatches(p, DEFAULT_PROTECTED_PATHS),
      userPaths: new Set(opts.userPaths ?? []),
    },
    rgPath: opts.rg,
  });
}

const engines = [
  { name: 'ripgrep', rg: ripgrepOnPath() },
  { name: 'javascript', rg: undefined },
];

for (const e of engines) {
  test(
    `search (${e.name}) finds the code and never shows secret, protected or outside files`,
    { skip: e.name === 'ripgrep' && !e.rg && 'no rg on PATH' },
    async () => {
      const r = await box({ rg: e.rg }).run('search', JSON.stringify({ pattern: 'matchRoute' }));
      assert.equal(r.ok, true);
      const files = [
        ...new Set(
          r.text
            .split('\n')
            .filter((l) => /^\S+:\d+:/.test(l))
            .map((l) => l.split(':')[0]),
        ),
      ].sort();
      assert.deepEqual(files, ['src/match.ts', 'src/router.ts']);
      assert.ok(r.text.includes('src/router.ts:3:     return matchRoute(path);'.replace('     ', ' ')), r.text);
      assert.ok(!r.text.includes('secret-value') && !r.text.includes('outside'), r.text);
      assert.match(r.summary, /"matchRoute": \d+ hit\(s\) in 2 file\(s\)/);
    },
  );
}

test('read_file returns numbered lines, caps a long file and says where to continue', async () => {
  const r = await box().run('read_file', JSON.stringify({ path: 'src/router.ts', startLine: 2, endLine: 3 }));
  assert.equal(
    r.text,
    'src/router.ts lines 2-3 of 6 — more follows: read from line 4\n2:   handle(path: string) {\n3:     return matchRoute(path);',
  );
  assert.deepEqual(r.paths, ['src/router.ts']);
  const long = await box().run('read_file', JSON.stringify({ path: 'src/long.ts' }));
  assert.match(long.text.split('\n')[0]!, /^src\/long.ts lines 1-400 of 2000 — more follows: read from line 401$/);
  assert.equal(long.text.split('\n').length, 401);
});

test('read_file refuses secrets, protected paths, symlinks out of the workspace or onto a secret, binary and huge files', async () => {
  const refused = async (path: string, why: RegExp) => {
    const r = await box().run('read_file', JSON.stringify({ path }));
    assert.equal(r.ok, false, path);
    assert.match(r.text, why);
    assert.ok(!r.text.includes('secret-value') && !r.text.includes('"outside"'));
  };
  await refused('.env', /looks like it holds secrets/);
  await refused('.github/workflows/ci.yml', /protected path/);
  await refused('src/escape.ts', /outside the workspace root/);
  await refused('src/config.ts', /src\/config.ts leads to .env looks like it holds secrets/);
  await refused('../' + outside.split('/').pop() + '/stolen.ts', /climbs out of the workspace/);
  await refused('assets/logo.bin', /binary/);
  await refused('big.txt', /too large to read/);
});

test('a secret-looking or protected file the person named may be read', async () => {
  const r = await box({ userPaths: ['.env'] }).run('read_file', JSON.stringify({ path: '.env' }));
  assert.equal(r.ok, true);
  assert.match(r.text, /API_TOKEN/);
});

test('list_dir lists a folder without secret-looking entries, and no protected folder', async () => {
  const r = await box().run('list_dir', JSON.stringify({}));
  assert.equal(r.ok, true);
  const entries = r.text.split('\n').slice(1);
  assert.ok(entries.includes('src/') && entries.includes('assets/'), r.text);
  assert.ok(!entries.includes('.env'), r.text);
  const workflows = await box().run('list_dir', JSON.stringify({ path: '.github/workflows' }));
  assert.equal(workflows.ok, false);
  assert.match(workflows.text, /protected path/);
});

test('find_symbol and repo_map use the tree-sitter definitions', async () => {
  const f = await box().run('find_symbol', JSON.stringify({ name: 'matchRoute' }));
  assert.match(
    f.text,
    /^Definitions of matchRoute:\nsrc\/match.ts:1-3 function matchRoute\nUsed in 1 other file\(s\): src\/router.ts$/,
  );
  const m = await box().run('repo_map', JSON.stringify({ focus: 'route matching in the router', budgetTokens: 200 }));
  assert.match(m.text, /src\/router.ts\n {2}class Router \(line 1\)\n {4}method handle \(line 2\)/);
});

test('bad calls come back as errors the model can read, never as exceptions', async () => {
  assert.match((await box().run('write_file', '{}')).text, /^error: there is no tool "write_file"/);
  assert.match((await box().run('read_file', '{"path": 3}')).text, /^error: bad arguments: path:/);
  assert.match((await box().run('search', 'not json')).text, /^error: the arguments are not valid JSON/);
  assert.match((await box().run('search', JSON.stringify({ pattern: '(', regex: true }))).text, /^error: /);
});
