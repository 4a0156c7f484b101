import assert from 'node:assert/strict';
import { test } from 'node:test';
import { taskHeadline } from '../../../src/core/ledger/taskHeadline';

test('a short first line is shown whole, without the rest of the task', () => {
  assert.equal(taskHeadline('Fix the login redirect\n\nSteps: …'), 'Fix the login redirect');
  assert.equal(taskHeadline('  \n'), '');
});

test('a long line is cut at a word boundary, with an ellipsis, within the limit', () => {
  const task = 'Refactor the invoice renderer so that currency formatting lives in one module';
  const out = taskHeadline(task, 40);
  assert.equal(out, 'Refactor the invoice renderer so that…');
  assert.ok(out.length <= 40);
  assert.ok(task.startsWith(out.slice(0, -1)));
});

test('punctuation before the cut is dropped and one endless word is cut inside the limit', () => {
  assert.equal(taskHeadline('Update docs, examples, and the changelog for v2', 24), 'Update docs, examples…');
  const word = 'x'.repeat(100);
  assert.equal(taskHeadline(word, 20), `${'x'.repeat(19)}…`);
});
