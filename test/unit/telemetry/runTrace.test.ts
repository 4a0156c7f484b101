// The run fold and the session, with real runs of the pipeline against the loopback model server:
// a review round trip becomes one span per stage pass with its verdict; the exporter is loaded only
// after the run has finished and the run never waits on it; failures warn once; shutdown is bounded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RunTraceBuilder } from '../../../src/core/telemetry/runTrace';
import type { TelemetryConfig } from '../../../src/core/telemetry/telemetryConfig';
import { TelemetrySession, type TelemetrySink } from '../../../src/core/telemetry/telemetrySession';
import type { RunTrace, TraceSpan } from '../../../src/core/telemetry/traceTypes';
import { approve, json, searchReplace, startHarness } from '../pipeline/harness';

const FILES = { 'src/app.ts': 'export const greeting = "helo";\n' };
const fix = (round: number) =>
  searchReplace('src/app.ts', 'export const greeting = "helo";', `export const greeting = "hello${round}";`);
const changes = json({
  verdict: 'request-changes',
  summary: 'greeting',
  findings: [{ file: 'src/app.ts', startLine: 1, endLine: 1, severity: 'major', message: 'say it properly' }],
});

const CONFIG: TelemetryConfig = {
  traces: {
    url: 'http://127.0.0.1:1/v1/traces',
    headers: { authorization: 'Bearer tok-secret-value' },
    protocol: 'http/json',
    timeoutMs: 300,
  },
  captureContent: false,
  serviceName: 'switchyard',
  resourceAttributes: {},
  surface: 'cli',
  temporality: 'cumulative',
};

test('a request-changes round trip: a span per stage pass and round, verdicts where they were given, calls under their pass', async () => {
  const h = await startHarness(FILES);
  try {
    h.queues.implementer.push(fix(1), fix(2));
    h.queues.critic.push(changes, approve());
    let trace: RunTrace | undefined;
    const builder = new RunTraceBuilder({ captureContent: false });
    const r = await h.run('Fix the greeting typo in src/app.ts', {
      listeners: [(e) => (trace = builder.apply(e) ?? trace)],
    });
    assert.equal(r.outcome, 'applied');
    assert.ok(trace);
    const spans: TraceSpan[] = trace.spans;
    const passes = spans.filter((s) => s.attributes['gen_ai.operation.name'] === 'invoke_agent');
    assert.deepEqual(
      passes.map(
        (p) =>
          `${p.attributes['switchyard.stage']}#${p.attributes['switchyard.round']}:${p.attributes['switchyard.verdict'] ?? '-'}`,
      ),
      ['implementer#1:-', 'critic#1:request-changes', 'implementer#2:-', 'critic#2:approve'],
    );
    assert.equal(passes[1]!.attributes['switchyard.findings.critical_major'], 1);
    const root = spans[0]!;
    assert.equal(root.parentKey, undefined);
    assert.equal(root.attributes['switchyard.review_rounds'], 2);
    assert.equal(root.attributes['switchyard.verdict'], 'approve');
    const calls = spans.filter((s) => s.kind === 'client');
    assert.equal(calls.length, 4);
    for (const c of calls) {
      const parent = spans.find((s) => s.key === c.parentKey)!;
      assert.equal(parent.attributes['switchyard.stage'], c.attributes['switchyard.stage']);
      assert.equal(parent.attributes['switchyard.round'], c.attributes['switchyard.round']);
      assert.ok(c.startMs >= parent.startMs - 1 && c.endMs <= parent.endMs + 1, 'a call lies inside its pass');
      assert.equal(c.attributes['server.address'], '127.0.0.1');
      assert.equal(typeof c.attributes['server.port'], 'number');
    }
    // Cost adds up: the calls' costs are the run's.
    const sum = calls.reduce((n, c) => n + (c.attributes['switchyard.cost_usd'] as number), 0);
    assert.ok(Math.abs(sum - (root.attributes['switchyard.cost_usd'] as number)) < 1e-9);
    // Both passes of both roles took part in the applied change.
    const accepted = trace.metrics.filter((m) => m.metric === 'switchyard.changes.accepted');
    assert.deepEqual(
      accepted.map((m) => `${m.attributes['switchyard.model']}/${m.attributes['switchyard.role']}`).sort(),
      ['gpt/critic', 'sonnet/implementer'],
    );
  } finally {
    await h.close();
  }
});

test('the session loads the exporter only after the run finished; the run never waits on it; failures warn once', async () => {
  const h = await startHarness(FILES);
  try {
    h.queues.implementer.push(fix(1));
    h.queues.critic.push(approve());
    const loads: string[] = [];
    const warnings: string[] = [];
    const exported: RunTrace[] = [];
    let sawRunFinished = false;
    let release!: () => void;
    const slowLoad = new Promise<void>((r) => (release = r));
    const session = new TelemetrySession(
      CONFIG,
      async () => {
        loads.push(sawRunFinished ? 'after run-finished' : 'during the run');
        await slowLoad; // the chunk is slow to read: the run must not notice
        return (_config, onFailure): TelemetrySink => ({
          export(run) {
            exported.push(run);
            const error = new Error('connect ECONNREFUSED 127.0.0.1:1 (Bearer tok-secret-value)');
            onFailure({ signal: 'traces', url: CONFIG.traces!.url, error });
            onFailure({ signal: 'traces', url: CONFIG.traces!.url, error });
          },
          flush: async () => undefined,
          shutdown: () => new Promise(() => undefined), // a collector that never answers
          abort: () => loads.push('aborted'),
        });
      },
      (line) => warnings.push(line),
    );
    const r = await h.run('Fix the greeting typo in src/app.ts', {
      listeners: [(e) => (sawRunFinished ||= e.type === 'run-finished'), session.listener()],
    });
    assert.equal(r.outcome, 'applied');
    assert.deepEqual(loads, [], 'the export waits a turn of the event loop: the run answered first');
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(loads, ['after run-finished']);
    assert.equal(exported.length, 0, 'the exporter is still loading; nothing waited on it');
    release();
    const t0 = performance.now();
    await session.shutdown(150);
    const waited = performance.now() - t0;
    assert.ok(waited < 1000, `shutdown is bounded (${Math.round(waited)} ms)`);
    assert.equal(exported.length, 1);
    assert.ok(exported[0]!.spans.length >= 5);
    assert.deepEqual(loads, ['after run-finished', 'aborted']);
    assert.equal(warnings.length, 1, warnings.join('\n'));
    assert.match(warnings[0]!, /could not send traces to http:\/\/127\.0\.0\.1:1\/v1\/traces \(connect ECONNREFUSED/);
    assert.doesNotMatch(warnings[0]!, /tok-secret-value/);
  } finally {
    await h.close();
  }
});
