// The shipped weights file stores thousandths as whole numbers; reading it back gives the numbers
// training rounded to, and a damaged file fails naming itself instead of routing on garbage.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseWeights, weightsFile, type ModelWeights } from '../../../src/core/routing/classifierModel';

const model: ModelWeights = {
  trainedOn: 'two rows',
  kinds: ['question', 'docs', 'test', 'bugfix', 'feature', 'refactor', 'chore'],
  risks: ['low', 'medium', 'high'],
  bias: { kind: [0.1, 0, 0, 0, 0, 0, -0.1], risk: [0.5, 0, -0.5], plan: -4.072 },
  features: {
    'w:charg': [0, 0, 0, 1.234, -0.5, 0, 0, -0.001, 0, 0.999, 0.02],
    't:typo': [0, 2.5, 0, 0, 0, 0, 0, 0.7, -0.3, -0.4, -0.05],
  },
};

test('a model written and read back is the same model, in whole thousandths on disk', () => {
  const text = weightsFile(model);
  const file = JSON.parse(text) as { version: number; scale: number; features: Record<string, number[]> };
  assert.equal(file.version, 2);
  assert.deepEqual(file.features['w:charg'], [0, 0, 0, 1234, -500, 0, 0, -1, 0, 999, 20]);
  assert.deepEqual(parseWeights(file, 'w.json'), model);
});

test('a damaged weights file is refused, naming the file and the row', () => {
  const file = JSON.parse(weightsFile(model)) as { features: Record<string, unknown>; version: number };
  assert.throws(
    () =>
      parseWeights({ ...file, features: { ...file.features, 'w:x': [0.5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0] } }, 'w.json'),
    /w\.json is not a valid classifier model \(feature "w:x" is not 11 whole numbers\)/,
  );
  assert.throws(() => parseWeights({ ...file, version: 1 }, 'old.json'), /old\.json is not a valid classifier model/);
  assert.throws(() => parseWeights([], 'w.json'), /run npm run train:classifier/);
});
