// Ranking signals of the locator beyond plain word matching, on the openai SDK's source as a fixture
// repository (see fixtureRepo.ts): each test shows the signal on real code and that its reason is said.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { locate } from '../../../src/core/context/locate';
import { queryTerms } from '../../../src/core/context/queryTerms';
import { RepoIndex } from '../../../src/core/context/repoIndex';
import { compoundTerm, pathTerms, subwords } from '../../../src/core/context/tokenize';
import { looksSecret } from '../../../src/core/paths/secretPaths';
import { makeOpenaiRepo, type FixtureRepo } from './fixtureRepo';

let fx: FixtureRepo;
let index: RepoIndex;

before(async () => {
  fx = makeOpenaiRepo();
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
