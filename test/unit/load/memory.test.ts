// The host-side services in plain Node, small (bench/memory.mjs measures the real extension host):
// streamed output reaches the panel as about one message per frame, and holding the finished run (as
// the registry does) keeps the heap bounded — the run model keeps a capped tail, not the transcript.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { measureStreamingMemory } from './memoryScenario';

test('streaming 60 messages to the panel: each chunk a message, heap growth bounded', async () => {
  const g = globalThis as { gc?: () => void };
  if (!g.gc) {
    // The unit runner has no --expose-gc: turn it on for this process and pick up the function.
    setFlagsFromString('--expose-gc');
    g.gc = runInNewContext('gc') as () => void;
  }
  const r = await measureStreamingMemory({ messages: 60 });
  assert.ok(r.streamedMessages >= 60, `${r.streamedMessages} panel messages`);
  assert.ok(r.outputChars > 60 * 50, `${r.outputChars} characters delivered`);
  assert.ok(r.heapGrowthMB < 20, `heap grew ${r.heapGrowthMB.toFixed(1)} MB`);
});
