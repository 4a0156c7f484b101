// Hostile edits, end to end: an implementer (a real SDK over HTTP to the loopback server) proposes
// each edit the issue lists, the pipeline resolves and (where it gets that far) asks the gate and
// applies. Every case checks the clear error, that no byte changed inside or outside the workspace,
// and that the sentinel key appears nowhere but the auth header.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Reply } from '../../support/loopbackServer';
import { approve, searchReplace } from '../pipeline/harness';
import { carriedKey, hashTree, runError, startHostileRun, treeDiff, type HostileRun } from './support';

const SRC = 'export function total(xs: number[]) {\n  return xs.reduce((a, b) => a + b, 0);\n}\n';

interface EditCase {
  files?: Record<string, string | Buffer>;
  prepare?(h: HostileRun): void;
  reply: Reply | ((h: HostileRun) => Reply);
  task?: string;
  /** What the run's error (or rejection message) must say. */
  expect: RegExp;
  outcome?: 'failed' | 'rejected';
  gate?: (h: HostileRun) => boolean;
  /** Files the case itself changes mid-run (deleted/stale cases): expected in the diff, nothing else. */
  allowedDiff?: string;
  confirmEveryApply?: boolean;
}

async function editCase(c: EditCase): Promise<HostileRun> {
  const h = await startHostileRun({ 'src/total.ts': SRC, ...(c.files ?? {}) });
  try {
    c.prepare?.(h);
    h.replies.implementer = typeof c.reply === 'function' ? c.reply(h) : c.reply;
    h.replies.critic = approve();
    if (c.gate) h.gateAnswer = () => c.gate!(h);
    const before = hashTree(h.root);
    const outsideBefore = hashTree(h.outside);
    const r = await h.run(c.task ?? 'Fix the typo in the total helper', {
      confirmEveryApply: c.confirmEveryApply,
    });
    assert.equal(r.outcome, c.outcome ?? 'failed', `outcome: ${r.message}`);
    const err = runError(h.events);
    const said = `${err?.kind ?? ''}: ${err?.message ?? ''} | ${r.message}`;
    if (process.env.HOSTILE_DEBUG) console.error(`[hostile] ${said}`);
    assert.match(said, c.expect);
    assert.equal(treeDiff(before, hashTree(h.root)), c.allowedDiff ?? '', 'workspace bytes unchanged');
    assert.equal(treeDiff(outsideBefore, hashTree(h.outside)), '', 'nothing outside the workspace changed');
    assert.ok(h.server.requests.length > 0 && h.server.requests.every((q) => carriedKey(q, h.key)));
    assert.deepEqual(h.leaks(), []);
    return h;
  } finally {
    await h.close();
  }
}

test('a ".." path in an edit is refused; nothing inside or outside the workspace changes', async () => {
  await editCase({
    reply: searchReplace('../outside/secret.txt', 'outside the workspace', 'pwned'),
    expect: /edit-resolve.*(outside|\.\.)/i,
  });
});

test('an absolute path in an edit is refused', async () => {
  await editCase({
    reply: (h) => searchReplace(join(h.outside, 'secret.txt'), 'outside the workspace', 'pwned'),
    expect: /edit-resolve.*(absolute|outside)/i,
  });
});

test('a symlink inside the workspace pointing outside is not followed', async () => {
  await editCase({
    prepare: (h) => symlinkSync(join(h.outside, 'secret.txt'), join(h.root, 'notes.txt')),
    reply: searchReplace('notes.txt', 'outside the workspace', 'pwned'),
    expect: /edit-resolve.*notes\.txt.*(outside|symlink|link)/i,
  });
});

test('a symlinked directory pointing outside is not written through', async () => {
  await editCase({
    prepare: (h) => symlinkSync(h.outside, join(h.root, 'vendor')),
    reply: searchReplace('vendor/secret.txt', 'outside the workspace', 'pwned'),
    expect: /edit-resolve.*vendor\/secret\.txt.*(outside|symlink|link)/i,
  });
});

const PROTECTED: Array<[string, string]> = [
  ['.vscode/settings.json', '{\n  "editor.tabSize": 2\n}\n'],
  ['.env', 'DATABASE_URL=postgres://localhost/dev\n'],
  ['.env.production', 'DATABASE_URL=postgres://prod/db\n'],
  ['.github/workflows/ci.yml', 'name: ci\non: push\n'],
  ['.switchyard/routing.json', '{\n  "rules": {}\n}\n'],
];

for (const [path, content] of PROTECTED) {
  test(`a protected path (${path}) stops at the human gate; declined, nothing is written`, async () => {
    const firstLine = content.split('\n')[0]!;
    const h = await editCase({
      files: { [path]: content },
      reply: searchReplace(path, firstLine, `${firstLine} # changed`),
      outcome: 'rejected',
      gate: () => false,
      expect: /rejected at the human gate/,
    });
    assert.equal(h.gates.length, 1, 'asked once');
    assert.ok(h.gates[0]!.codes.includes('protected-path'), `gate codes: ${h.gates[0]!.codes.join(',')}`);
    assert.match(h.gates[0]!.reasons.join(' '), new RegExp(path.replace(/[.*/]/g, '\\$&')));
    assert.equal(h.applied.length, 0);
  });
}

test('a binary file is refused with a reason naming it', async () => {
  await editCase({
    files: { 'assets/logo.bin': Buffer.concat([Buffer.from('PNG header\n'), Buffer.from([0, 1, 2, 0, 255, 10])]) },
    reply: searchReplace('assets/logo.bin', 'PNG header', 'GIF header'),
    expect: /edit-resolve.*assets\/logo\.bin.*binary/i,
  });
});

test('a 10 MB file is refused as too large, not read into memory for matching', async () => {
  const line = 'const filler = "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx";\n';
  const big = 'export const start = 1;\n' + line.repeat(Math.ceil((10 * 1024 * 1024) / line.length));
  await editCase({
    files: { 'src/generated.ts': big },
    reply: searchReplace('src/generated.ts', 'export const start = 1;', 'export const start = 2;'),
    expect: /edit-resolve.*src\/generated\.ts.*(large|size|bytes|MB)/i,
  });
});

test('a missing target (quoted text not in the file) is refused and named', async () => {
  await editCase({
    reply: searchReplace('src/total.ts', '  return xs.reduceRight((a, b) => a - b);', '  return 0;'),
    expect: /edit-resolve.*src\/total\.ts/i,
  });
});

test('an edit to a file that does not exist is refused', async () => {
  await editCase({
    reply: searchReplace('src/nowhere.ts', 'export const a = 1;', 'export const a = 2;'),
    expect: /edit-resolve.*src\/nowhere\.ts/i,
  });
});

test('an ambiguous target (the quote matches twice) is refused, never guessed', async () => {
  await editCase({
    files: { 'src/twice.ts': 'let a = 0;\nreset();\nlet b = 0;\nreset();\n' },
    reply: searchReplace('src/twice.ts', 'reset();', 'resetAll();'),
    expect: /edit-resolve.*src\/twice\.ts.*(ambiguous|places|more than once|\d+ times)/i,
  });
});

test('overlapping hunks are refused', async () => {
  const file = 'a\nb\nc\nd\ne\nf\n';
  const udiff = [
    '--- a/src/letters.txt',
    '+++ b/src/letters.txt',
    '@@ -1,4 +1,4 @@',
    ' a',
    '-b',
    '+B',
    ' c',
    ' d',
    '@@ -2,4 +2,4 @@',
    ' b',
    ' c',
    '-d',
    '+D',
    ' e',
    '',
  ].join('\n');
  await editCase({
    files: { 'src/letters.txt': file },
    reply: { text: '```diff\n' + udiff + '```\n' },
    expect: /edit-resolve.*src\/letters\.txt/i,
  });
});

test('a five-file patch whose third file does not resolve changes none of the five', async () => {
  const files: Record<string, string> = {};
  for (let i = 1; i <= 5; i++) files[`src/m${i}.ts`] = `export const m${i} = ${i};\n`;
  const blocks = [1, 2, 3, 4, 5]
    .map((i) => {
      const from = i === 3 ? 'export const m3 = 33;' : `export const m${i} = ${i};`;
      return searchReplace(`src/m${i}.ts`, from, `export const m${i} = ${i * 10};`).text;
    })
    .join('\n');
  await editCase({
    files,
    reply: { text: blocks },
    task: 'Multiply every module constant by ten',
    expect: /edit-resolve.*src\/m3\.ts/i,
  });
});

test('a five-file patch whose third file changes before apply: all five stay as they were (all-or-nothing)', async () => {
  const files: Record<string, string> = {};
  for (let i = 1; i <= 5; i++) files[`src/m${i}.ts`] = `export const m${i} = ${i};\n`;
  const blocks = [1, 2, 3, 4, 5]
    .map((i) => searchReplace(`src/m${i}.ts`, `export const m${i} = ${i};`, `export const m${i} = ${i * 10};`).text)
    .join('\n');
  await editCase({
    files,
    reply: { text: blocks },
    task: 'Multiply every module constant by ten',
    confirmEveryApply: true,
    gate: (h) => {
      writeFileSync(join(h.root, 'src/m3.ts'), 'export const m3 = 3; // edited by a person meanwhile\n');
      return true;
    },
    allowedDiff: 'changed src/m3.ts',
    expect: /apply.*src\/m3\.ts.*(changed|stale)/i,
  });
});

test('a file deleted between review and apply: the apply is refused and nothing is recreated', async () => {
  await editCase({
    reply: searchReplace(
      'src/total.ts',
      '  return xs.reduce((a, b) => a + b, 0);',
      '  return xs.reduce((a, b) => a + b, 0) | 0;',
    ),
    confirmEveryApply: true,
    gate: (h) => {
      unlinkSync(join(h.root, 'src/total.ts'));
      return true;
    },
    allowedDiff: 'removed src/total.ts',
    expect: /apply.*src\/total\.ts.*(removed|deleted|no longer exists)/i,
  });
});

test('a stale base (the file was edited after the diff was made) is refused; the person’s edit survives', async () => {
  await editCase({
    reply: searchReplace(
      'src/total.ts',
      '  return xs.reduce((a, b) => a + b, 0);',
      '  return xs.reduce((a, b) => a + b, 0) | 0;',
    ),
    confirmEveryApply: true,
    gate: (h) => {
      writeFileSync(join(h.root, 'src/total.ts'), SRC + '// a person added this line\n');
      return true;
    },
    allowedDiff: 'changed src/total.ts',
    expect: /apply.*src\/total\.ts.*(changed|stale)/i,
  });
});

// Git's own files run code (hooks, config such as core.fsmonitor): the edit engine refuses them
// outright, as `git apply` does, so even a person answering yes at the gate cannot get one written.
for (const [path, content] of [
  ['.git/config', '[core]\n\tbare = false\n'],
  ['.git/hooks/post-checkout', '#!/bin/sh\nexit 0\n'],
  ['.git//config', '[core]\n\tbare = false\n'],
] as const) {
  test(`a path inside .git (${path}) is refused by the edit engine, even with a yes at the gate`, async () => {
    const real = path.replace('//', '/');
    const firstLine = content.split('\n')[0]!;
    const h = await editCase({
      files: { [real]: content },
      reply: searchReplace(path, firstLine, `${firstLine} # changed`),
      gate: () => true,
      expect: /edit-resolve.*inside a \.git folder/,
    });
    assert.equal(h.gates.length, 0, 'nothing reached the gate');
    assert.equal(h.applied.length, 0);
  });
}

// Spellings of a protected path that normalise to it: each must still stop at the gate.
const PROTECTED_SPELLINGS: Array<[string, string, string]> = [
  ['src/../.vscode/settings.json', '.vscode/settings.json', '  "a": 1'],
  ['./.vscode/settings.json', '.vscode/settings.json', '  "a": 1'],
  ['.vscode//settings.json', '.vscode/settings.json', '  "a": 1'],
  ['.vscode/./settings.json', '.vscode/settings.json', '  "a": 1'],
  ['src\\..\\.vscode\\settings.json', '.vscode/settings.json', '  "a": 1'],
  ['.github/workflows/../workflows/ci.yml', '.github/workflows/ci.yml', 'name: ci'],
  ['config/.env.production', 'config/.env.production', 'A=1'],
  ['.switchyard//routing.json', '.switchyard/routing.json', '  "rules": {}'],
];

for (const [spelled, real, line] of PROTECTED_SPELLINGS) {
  test(`a protected path spelled "${spelled}" still stops at the gate; nothing is written`, async () => {
    const content: Record<string, string> = {
      '.vscode/settings.json': '{\n  "a": 1\n}\n',
      '.github/workflows/ci.yml': 'name: ci\n',
      'config/.env.production': 'A=1\n',
      '.switchyard/routing.json': '{\n  "rules": {}\n}\n',
    };
    const h = await editCase({
      files: { [real]: content[real]! },
      reply: searchReplace(spelled, line, `${line} # changed`),
      outcome: 'rejected',
      gate: () => false,
      expect: /rejected at the human gate/,
    });
    assert.ok(h.gates[0]?.codes.includes('protected-path'));
  });
}

const REFUSED_SPELLINGS: Array<[string, RegExp]> = [
  ['..\\outside\\secret.txt', /climbs out/],
  ['C:\\Windows\\win.ini', /absolute/],
  ['/dev/null', /absolute/],
  ['src/\u0000total.ts', /NUL/],
];

for (const [spelled, why] of REFUSED_SPELLINGS) {
  test(`a path spelled ${JSON.stringify(spelled)} is refused before anything is read or written`, async () => {
    await editCase({
      reply: searchReplace(spelled, 'outside the workspace', 'pwned'),
      expect: new RegExp(`edit-resolve.*${why.source}`),
    });
  });
}

test('creating a file through a symlinked directory that points outside is refused', async () => {
  await editCase({
    prepare: (h) => symlinkSync(h.outside, join(h.root, 'vendor')),
    reply: { text: '*** Begin Patch\n*** Add File: vendor/payload.sh\n+#!/bin/sh\n+echo pwned\n*** End Patch\n' },
    expect: /edit-resolve.*vendor\/payload\.sh.*(outside|symlink)/i,
  });
});

test('moving a file out of the workspace, or deleting one outside it, is refused', async () => {
  await editCase({
    reply: {
      text: '*** Begin Patch\n*** Update File: src/total.ts\n*** Move to: ../outside/total.ts\n@@\n export function total(xs: number[]) {\n*** End Patch\n',
    },
    expect: /edit-resolve.*(climbs out|outside)/i,
  });
  await editCase({
    reply: { text: '*** Begin Patch\n*** Delete File: ../outside/secret.txt\n*** End Patch\n' },
    expect: /edit-resolve.*(climbs out|outside)/i,
  });
});
