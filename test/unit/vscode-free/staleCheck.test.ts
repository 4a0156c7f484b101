import { test } from 'node:test';
import assert from 'node:assert/strict';
import { explainStale, findStale, withoutBom } from '../../../src/vscode/review/staleCheck';
import type { ResolvedFile } from '../../../src/core/edits/editPlan';

function file(over: Partial<ResolvedFile>): ResolvedFile {
  return { path: 'a.ts', op: 'update', baseHash: 'h', before: 'one\n', after: 'two\n', tolerances: [], ...over };
}

const disk = (files: Record<string, string>) => async (p: string) => files[p];

test('unchanged files pass, including a BOM the editor does not show', async () => {
  assert.deepEqual(await findStale([file({ before: '\uFEFFone\n' })], disk({ 'a.ts': 'one\n' })), []);
  assert.equal(withoutBom('\uFEFFx'), 'x');
});

test('a file edited since, deleted since, or created since is named with its reason', async () => {
  const problems = await findStale(
    [file({}), file({ path: 'gone.ts' }), file({ path: 'new.ts', op: 'create', before: '', baseHash: null })],
    disk({ 'a.ts': 'one edited\n', 'new.ts': 'someone made it\n' }),
  );
  assert.deepEqual(problems, [
    { path: 'a.ts', reason: 'it changed since the edit was made' },
    { path: 'gone.ts', reason: 'it no longer exists' },
    { path: 'new.ts', reason: 'it now exists, but the change was made to create it' },
  ]);
  const text = explainStale(problems);
  assert.match(text, /3 files no longer match/);
  assert.match(text, /a\.ts: it changed since the edit was made/);
  assert.match(text, /Nothing was written/);
});

test('a rename onto an existing file is refused', async () => {
  const problems = await findStale([file({ op: 'rename', newPath: 'b.ts' })], disk({ 'a.ts': 'one\n', 'b.ts': 'x' }));
  assert.deepEqual(problems, [{ path: 'b.ts', reason: 'the rename target already exists' }]);
});
