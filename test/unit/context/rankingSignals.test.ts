// Ranking signals of the locator beyond plain word matching, on the openai SDK's source as a fixture
// repository (see fixtureRepo.ts): each test shows the signal on real code and that its reason is said.
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { SUBJECT_COMMITS, subjectMatches } from '../../../src/core/context/historySubjects';
import { encodeCache } from '../../../src/core/context/indexCacheFormat';
import { decodeCache } from '../../../src/core/context/indexCacheRead';
import { locate } from '../../../src/core/context/locate';
import { twinsOf } from '../../../src/core/context/locateNeighbours';
import { W } from '../../../src/core/context/locateWeights';
import { queryTerms } from '../../../src/core/context/queryTerms';
import { RepoIndex } from '../../../src/core/context/repoIndex';
import { compoundTerm, pathTerms, subwords } from '../../../src/core/context/tokenize';
import { looksSecret } from '../../../src/core/paths/secretPaths';
import { makeOpenaiRepo, type FixtureRepo } from './fixtureRepo';

let fx: FixtureRepo;
let index: RepoIndex;

before(async () => {
  fx = makeOpenaiRepo();
  // A change whose subject says words no code in the SDK says (and one with no words of the task).
  appendFileSync(join(fx.root, 'src/internal/detect-platform.ts'), '\n// runtime note\n');
  fx.git('commit', '-q', '-am', 'Recognise Miniflare when run under Wrangler');
  appendFileSync(join(fx.root, 'src/internal/utils/sleep.ts'), '\n// timer note\n');
  fx.git('commit', '-q', '-am', 'Shorter timers');
  index = await RepoIndex.build(fx.root, { isSecret: looksSecret });
});
after(() => fx.dispose());

test('a word with a number keeps the number as a term of its own: oauth2 is not oauth, base64 is not base', () => {
  assert.deepEqual(subwords('oauth2'), ['oauth', 'oauth2']);
  assert.deepEqual(subwords('toBase64'), ['bas', 'base64']);
  assert.deepEqual(subwords('bashCompletionV2'), ['bash', 'completion', 'v2']);
  assert.deepEqual(subwords('HTTP2Server'), ['http', 'http2', 'serv']);
  // Numbers alone stay out, and a compound is not written twice when its whole is one of its parts.
  assert.deepEqual(subwords('retry_after_429'), ['retry', 'aft']);
  assert.equal(compoundTerm('oauth2'), undefined);
  assert.equal(compoundTerm('parseHeader'), 'parseheader');
  assert.deepEqual(pathTerms('database/redshift2/redshift.go'), ['databas', 'redshift', 'redshift2', 'redshift']);
  assert.equal(queryTerms('Rename Postgres in redshift2').terms.get('redshift2'), 1);
});

test('a task naming base64 finds the base64 helpers by their file name', async () => {
  const found = await locate(index, 'decode base64 strings', { limit: 5 });
  assert.equal(found[0]!.path, 'src/internal/utils/base64.ts');
  assert.ok(
    found[0]!.why.some((w) => /path matches: .*base64/.test(w)),
    found[0]!.why.join(' | '),
  );
});

test("a file whose earlier commits say the task's words ranks for them, saying so, though its code does not", async () => {
  const task = 'miniflare under wrangler dev';
  const found = await locate(index, task, { limit: 5 });
  assert.equal(found[0]?.path, 'src/internal/detect-platform.ts', found.map((f) => f.path).join(', '));
  assert.ok(
    found[0]!.why.includes('its earlier commits say Miniflare, Wrangler (1 commit)'),
    found[0]!.why.join(' | '),
  );
  const share = W.subjects;
  W.subjects = 0;
  try {
    // Its code says only "dev": without the signal it falls behind a file that says it as often and is more central.
    const without = await locate(index, task, { limit: 50 });
    const same = without.find((f) => f.path === 'src/internal/detect-platform.ts');
    assert.ok(same && same.score < found[0]!.score && without[0]!.path !== same.path, JSON.stringify(without[0]));
    assert.ok(!same.why.some((w) => w.includes('earlier commits')));
  } finally {
    W.subjects = share;
  }
});

test('subjects are ranked as BM25 documents per file: more commits saying a rarer word rank higher', () => {
  const history = {
    commits: [['a.ts'], ['a.ts', 'b.ts'], ['b.ts'], ['c.ts'], ['c.ts']],
    subjects: ['retry on timeout', 'retry backoff', 'rename things', 'timeout handling', 'timeout again'],
  };
  const m = subjectMatches(
    history,
    new Map([
      ['retry', 1],
      ['timeout', 1],
    ]),
    { k1: 1.2, b: 0.5 },
  );
  assert.deepEqual([...m.keys()].sort(), ['a.ts', 'b.ts', 'c.ts']);
  // a.ts: two commits say retry (in 2 of 3 files' histories) and one timeout; b.ts: one says retry.
  assert.ok(m.get('a.ts')!.score > m.get('c.ts')!.score && m.get('c.ts')!.score > m.get('b.ts')!.score);
  assert.equal(m.get('a.ts')!.commits, 2);
  assert.deepEqual(m.get('b.ts')!.terms, ['retry']);
  assert.deepEqual(m.get('c.ts')!.words, ['timeout']);
  // Only the newest SUBJECT_COMMITS count: a word said only by an older commit finds nothing.
  const old = {
    commits: [...Array.from({ length: SUBJECT_COMMITS }, () => ['x.ts']), ['y.ts']],
    subjects: [...Array.from({ length: SUBJECT_COMMITS }, () => 'tidy'), 'quokka support'],
  };
  assert.equal(subjectMatches(old, new Map([['quokka', 1]]), { k1: 1.2, b: 0.5 }).size, 0);
});

test('the subjects survive the CLI cache, one per commit, one-file commits included', () => {
  const data = decodeCache(encodeCache(index));
  assert.ok(data);
  assert.deepEqual(data.history.subjects, index.history.subjects);
  assert.deepEqual(data.history.commits, index.history.commits);
  const at = index.history.subjects.indexOf('Shorter timers');
  assert.deepEqual(index.history.commits[at], ['src/internal/utils/sleep.ts']);
});

test('a test lends to the source its name starts with when no source has its exact name', () => {
  const byName = new Map([
    ['ProcessBulkImportUsers', ['src/cronjobs/ProcessBulkImportUsers.java']],
    ['client', ['lib/client.py']],
    ['client_auth', ['lib/client_auth.py']],
    ['Run', ['src/Run.java']],
  ]);
  assert.deepEqual(twinsOf(byName, 'ProcessBulkImportUsersCronJob'), ['src/cronjobs/ProcessBulkImportUsers.java']);
  assert.deepEqual(twinsOf(byName, 'client_auth'), ['lib/client_auth.py']);
  assert.deepEqual(twinsOf(byName, 'client_tokens'), ['lib/client.py']);
  // Only at a word boundary, and never a name shorter than four characters.
  assert.deepEqual(twinsOf(byName, 'clientele'), []);
  assert.deepEqual(twinsOf(byName, 'RunnerLoop'), []);
});

test("a conventional commit's type is not a term, and the scope's folder outranks a file merely named like it", async () => {
  const q = queryTerms('feat(account): change the email address');
  assert.ok(!q.terms.has('feat') && q.terms.has('email'), [...q.terms.keys()].join(' '));
  assert.ok(queryTerms('docs: explain the email change').aboutDocs);
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-scope-'));
  try {
    mkdirSync(join(dir, 'lib/account'), { recursive: true });
    mkdirSync(join(dir, 'lib/tags'), { recursive: true });
    const body = 'def change_email(user, email_address):\n    return email_address\n';
    writeFileSync(join(dir, 'lib/account/forms.py'), body);
    writeFileSync(join(dir, 'lib/tags/account.py'), body);
    for (const n of ['one', 'two', 'three']) writeFileSync(join(dir, `lib/tags/${n}.py`), `def ${n}():\n    pass\n`);
    const small = await RepoIndex.build(dir, { isSecret: looksSecret });
    const found = await locate(small, 'feat(account): change the email address', { limit: 2 });
    assert.deepEqual(
      found.map((f) => f.path),
      ['lib/account/forms.py', 'lib/tags/account.py'],
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
