// Load: 20 routed tasks at once against the loopback server (real SDK streams, interleaved) finish
// with no cross-talk — every role's history holds only its own task — and each file holds exactly its
// own task's edit. How responsive the event loop stays under this load is a figure, not a pass/fail:
// `npm run bench` (bench/load.mjs) measures it on the same scenario; here it is only reported.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runConcurrentTasks, type LoadOutcome } from './concurrentScenario';

test('20 concurrent routed tasks: no cross-talk, every file its own edit', async (t) => {
  const run = await runConcurrentTasks({ n: 20 });
  checkRun(run);
  t.diagnostic(
    `event loop (see npm run bench for the measured figure): max delay ${run.maxDelayMs.toFixed(1)} ms, p99 ${run.p99DelayMs.toFixed(1)} ms`,
  );
});

function checkRun(out: LoadOutcome, retried = false): void {
  assert.equal(out.results.length, 20);
  const outcomes = out.results.map((r) => `${r.runId}:${r.outcome}`);
  for (const r of out.results) {
    assert.ok(r.outcome === 'applied' || r.outcome === 'answered', `${r.runId}: ${r.outcome} — ${r.message}`);
  }
  // The three task shapes all ran: answers, applied trivial fixes and applied multi-stage refactors.
  assert.ok(
    out.results.some((r) => r.outcome === 'answered'),
    outcomes.join(' '),
  );
  assert.ok(
    out.results.some((r) => r.boundary.seenBy('architect').length > 0),
    'some runs went through scout and architect',
  );
  assert.deepEqual(out.crossTalk, []);
  assert.deepEqual(out.wrongFiles, []);
  // Every role call of every run reached the server (none short-circuited).
  const calls = out.results.reduce((n, r) => n + r.boundary.all().length, 0);
  if (!retried) assert.equal(out.requests, calls);
}

test('20 concurrent tasks while some implementers fail once (500, cut stream) and are retried: still no cross-talk', async () => {
  const out = await runConcurrentTasks({ n: 20, faults: true });
  checkRun(out, true);
  // The faults happened: more requests than role calls recorded (each retry is another request).
  const calls = out.results.reduce((n, r) => n + r.boundary.all().length, 0);
  assert.ok(out.requests > calls, `requests ${out.requests}, role calls ${calls}`);
});
