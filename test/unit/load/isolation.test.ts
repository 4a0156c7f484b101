// Isolated role sessions send fewer input tokens than one shared thread running the same scripted
// task (the same calls, models and replies); the run record's count matches what crossed the wire.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { measureIsolation } from './isolationScenario';

test('isolated role sessions send fewer input tokens than one shared thread for the same task', async () => {
  const out = await measureIsolation();
  assert.equal(out.outcome, 'applied');
  // Two review rounds, then the final owner (whose pass is numbered with the round it judged).
  assert.deepEqual(
    out.stages.map((x) => x.split('#')[0]),
    ['scout', 'architect', 'implementer', 'critic', 'implementer', 'critic', 'finalOwner'],
  );
  assert.ok(out.stages.includes('implementer#2') && out.stages.includes('critic#2'), out.stages.join(' '));
  assert.equal(out.recordedInputTokens, out.isolatedInputTokens, 'the record counts what was sent');
  assert.ok(out.sharedInputTokens > out.isolatedInputTokens, JSON.stringify(out));
  assert.ok(out.ratio > 0 && out.ratio < 1, `ratio ${out.ratio}`);
});
