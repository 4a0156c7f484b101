// The CLI's index cache on real public source: a current cache answers without git and without
// reading a source file; any change (a file edited, a file added, a new commit) is noticed; a damaged
// cache is ignored, never trusted.
import assert from 'node:assert/strict';
import {
  appendFileSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { readHeadFast } from '../../../src/core/context/gitHead';
import { loadIndexWithCache, saveIndex } from '../../../src/core/context/indexCache';
import { CACHE_VERSION } from '../../../src/core/context/indexCacheFormat';
import { decodeCache, decodeOpened, openCache } from '../../../src/core/context/indexCacheRead';
import { locate } from '../../../src/core/context/locate';
import { looksSecret } from '../../../src/core/paths/secretPaths';
import { makeOpenaiRepo, type FixtureRepo } from './fixtureRepo';

let fx: FixtureRepo;
let cacheDir: string;
const opts = { isSecret: looksSecret };

before(async () => {
  fx = makeOpenaiRepo();
  cacheDir = mkdtempSync(join(tmpdir(), 'switchyard-idx-cache-'));
  const first = await loadIndexWithCache(fx.root, opts, cacheDir);
  await locate(first.index, 'the SSE stream parser drops the last event', { limit: 5 });
  await first.index.definitions('src/core/streaming.ts');
  await saveIndex(first.index, cacheDir);
});
after(() => {
  fx.dispose();
  rmSync(cacheDir, { recursive: true, force: true });
});

test('HEAD is read from the repository files as git reports it', () => {
  assert.equal(readHeadFast(fx.root), fx.git('rev-parse', 'HEAD').trim());
  assert.equal(readHeadFast(join(fx.root, 'src')), fx.git('rev-parse', 'HEAD').trim());
});

test('a current cache is used as it is: same ranking, graph, history and definitions', async () => {
  const loaded = await loadIndexWithCache(fx.root, opts, cacheDir);
  assert.equal(loaded.fromCache, true);
  assert.equal(loaded.untouched, true);
  const idx = loaded.index;
  assert.ok(idx.files.size > 250);
  assert.ok((idx.importedBy.get('src/core/error.ts')?.length ?? 0) > 5);
  assert.equal(idx.history.files.get('src/core/streaming.ts')?.commits, 3);
  assert.deepEqual(idx.coChanged('src/core/streaming.ts')[0], { path: 'src/core/error.ts', times: 2 });
  assert.ok(idx.files.get('src/core/streaming.ts')!.defs?.length, 'definitions parsed before come from the cache');
  const found = await locate(idx, 'the SSE stream parser drops the last event', { limit: 3 });
  assert.equal(found[0]!.path, 'src/core/streaming.ts');
  // Nothing new was parsed or read, so there is nothing to write back.
  assert.equal(idx.generation, loaded.restored);
});

test('an edited file, a new file and a new commit each make the cache revalidate', async () => {
  try {
    appendFileSync(join(fx.root, 'src/resources/files.ts'), '\nexport const zephyrMarker = 1;\n');
    let loaded = await loadIndexWithCache(fx.root, opts, cacheDir);
    assert.equal(loaded.untouched, false);
    assert.equal((await locate(loaded.index, 'zephyrMarker', { limit: 1 }))[0]!.path, 'src/resources/files.ts');
    fx.git('checkout', '-q', '--', '.');

    writeFileSync(join(fx.root, 'src/quokkaRelay.ts'), 'export function quokkaRelay() {}\n');
    loaded = await loadIndexWithCache(fx.root, opts, cacheDir);
    assert.equal(loaded.untouched, false);
    assert.equal((await locate(loaded.index, 'quokkaRelay', { limit: 1 }))[0]!.path, 'src/quokkaRelay.ts');
    rmSync(join(fx.root, 'src/quokkaRelay.ts'));

    fx.git('commit', '-q', '--allow-empty', '-m', 'an empty commit moves HEAD');
    loaded = await loadIndexWithCache(fx.root, opts, cacheDir);
    assert.equal(loaded.untouched, false);
    assert.equal(loaded.index.history.head, fx.git('rev-parse', 'HEAD').trim());
  } finally {
    fx.git('checkout', '-q', '--', '.');
    fx.git('clean', '-q', '-fd');
  }
});

test('a deleted file, a renamed file and a switched branch each make the cache revalidate', async () => {
  const current = async () => {
    await saveIndex((await loadIndexWithCache(fx.root, opts, cacheDir)).index, cacheDir);
    assert.equal((await loadIndexWithCache(fx.root, opts, cacheDir)).untouched, true);
  };
  const branch = fx.git('rev-parse', '--abbrev-ref', 'HEAD').trim();
  try {
    await current();
    rmSync(join(fx.root, 'src/core/streaming.ts'));
    let loaded = await loadIndexWithCache(fx.root, opts, cacheDir);
    assert.equal(loaded.untouched, false);
    assert.equal(loaded.index.files.has('src/core/streaming.ts'), false);
    fx.git('checkout', '-q', '--', '.');

    await current();
    renameSync(join(fx.root, 'src/resources/files.ts'), join(fx.root, 'src/resources/archive.ts'));
    loaded = await loadIndexWithCache(fx.root, opts, cacheDir);
    assert.equal(loaded.untouched, false);
    assert.equal(loaded.index.files.has('src/resources/files.ts'), false);
    assert.ok(loaded.index.files.has('src/resources/archive.ts'));
    rmSync(join(fx.root, 'src/resources/archive.ts'));
    fx.git('checkout', '-q', '--', '.');

    // Another branch whose commit changes a file: HEAD moves, and what the file says now is ranked.
    await current();
    fx.git('checkout', '-q', '-b', 'cache-branch');
    appendFileSync(join(fx.root, 'src/core/error.ts'), '\nexport const wombatSignal = 1;\n');
    fx.git('commit', '-q', '-am', 'wombat signal');
    fx.git('checkout', '-q', branch);
    await current();
    fx.git('checkout', '-q', 'cache-branch');
    loaded = await loadIndexWithCache(fx.root, opts, cacheDir);
    assert.equal(loaded.untouched, false);
    assert.equal((await locate(loaded.index, 'wombatSignal', { limit: 1 }))[0]!.path, 'src/core/error.ts');
  } finally {
    fx.git('checkout', '-q', '-f', branch);
    fx.git('clean', '-q', '-fd');
  }
});

test('a cache whose columns do not add up is never used', async () => {
  const current = await loadIndexWithCache(fx.root, opts, cacheDir);
  await saveIndex(current.index, cacheDir);
  const [name] = readdirSync(cacheDir).filter((f) => f.endsWith('.idx'));
  const bytes = readFileSync(join(cacheDir, name!));
  const opened = openCache(bytes);
  assert.ok(opened && decodeOpened(opened), 'the saved cache opens and decodes');
  // The header says where each column is: shorten the path document frequencies by one term.
  const jsonLength = bytes.readUInt32LE(8);
  const header = JSON.parse(bytes.toString('utf8', 12, 12 + jsonLength)) as { at: Record<string, [number, number]> };
  header.at.pathDf![1] -= 4;
  const json = Buffer.from(JSON.stringify(header).padEnd(jsonLength, ' '), 'utf8');
  assert.equal(json.length, jsonLength);
  const damaged = Buffer.from(bytes);
  json.copy(damaged, 12);
  assert.equal(openCache(damaged), undefined);
});

test('a damaged cache is ignored and the index is built from the files', async () => {
  const [name] = readdirSync(cacheDir).filter((f) => f.endsWith('.idx'));
  const file = join(cacheDir, name!);
  writeFileSync(file, Buffer.from('SYIX garbage that is not a cache'));
  const loaded = await loadIndexWithCache(fx.root, opts, cacheDir);
  assert.equal(loaded.fromCache, false);
  assert.ok(loaded.index.files.has('src/core/streaming.ts'));
});

test('an edit that keeps the size is noticed by its mtime, and what it says is ranked', async () => {
  const file = join(fx.root, 'src/resources/files.ts');
  const before = readFileSync(file, 'utf8');
  await saveIndex((await loadIndexWithCache(fx.root, opts, cacheDir)).index, cacheDir);
  assert.equal((await loadIndexWithCache(fx.root, opts, cacheDir)).untouched, true);
  try {
    // Same length, new words: only the mtime tells.
    const edited = before.replace(/export /, 'zorbax ');
    assert.equal(edited.length, before.length);
    writeFileSync(file, edited);
    const later = new Date(Date.now() + 5_000);
    utimesSync(file, later, later);
    const loaded = await loadIndexWithCache(fx.root, opts, cacheDir);
    assert.equal(loaded.fromCache, true);
    assert.equal(loaded.untouched, false);
    assert.equal((await locate(loaded.index, 'zorbax', { limit: 1 }))[0]!.path, 'src/resources/files.ts');
  } finally {
    fx.git('checkout', '-q', '--', '.');
  }
});

test('a cache written by another format version is rebuilt from the files, never read as this one', async () => {
  const [name] = readdirSync(cacheDir).filter((f) => f.endsWith('.idx'));
  const file = join(cacheDir, name!);
  const current = await loadIndexWithCache(fx.root, opts, cacheDir);
  await saveIndex(current.index, cacheDir);
  const bytes = readFileSync(file);
  assert.ok(decodeCache(bytes), 'the current cache decodes');
  const older = Buffer.from(bytes);
  older.writeUInt32LE(CACHE_VERSION - 1, 4);
  assert.equal(decodeCache(older), undefined);
  writeFileSync(file, older);
  const loaded = await loadIndexWithCache(fx.root, opts, cacheDir);
  assert.equal(loaded.fromCache, false);
  assert.ok(loaded.index.files.has('src/core/streaming.ts'));
  assert.equal(
    (await locate(loaded.index, 'the SSE stream parser drops the last event', { limit: 1 }))[0]!.path,
    'src/core/streaming.ts',
  );
});
