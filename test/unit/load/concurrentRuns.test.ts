// Load: 20 routed tasks at once against the loopback server (real SDK streams, interleaved) finish
// with no cross-talk — every role's history holds only its own task — each file holds exactly its
// own task's edit, and the event loop stays responsive (maximum delay under 100 ms).
// The delay is wall time, so a machine running other work can starve this process regardless of our
// code: the measurement is repeated (up to 3 times) until one run is under 100 ms; if none is, every
// run must show that its long gaps were not our CPU (under 100 ms of process CPU within any gap).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runConcurrentTasks, type LoadOutcome } from './concurrentScenario';

test('20 concurrent routed tasks: no cross-talk, every file its own edit, event loop delay under 100 ms', async (t) => {
  const attempts: LoadOutcome[] = [];
  for (let i = 0; i < 3; i++) {
    const run = await runConcurrentTasks({ n: 20 });
    attempts.push(run);
    checkRun(run);
    if (run.maxDelayMs < 100) break;
  }
  const figures = attempts.map(
    (a) =>
      `max delay ${a.maxDelayMs.toFixed(1)} ms, p99 ${a.p99DelayMs.toFixed(1)} ms, worst gap ${a.worstTickWallMs.toFixed(1)} ms with ${a.worstTickCpuMs.toFixed(1)} ms CPU, most CPU in one gap ${a.maxGapCpuMs.toFixed(1)} ms`,
  );
  t.diagnostic(figures.join(' | '));
  const best = Math.min(...attempts.map((a) => a.maxDelayMs));
  if (best >= 100) {
    for (const a of attempts)
      assert.ok(a.maxGapCpuMs < 100, `the event loop was blocked by our own work: ${figures.join(' | ')}`);
  }
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
