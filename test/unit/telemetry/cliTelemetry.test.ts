// `switchyard route` with OpenTelemetry export, in-process, against the loopback model server and a
// loopback OTLP/HTTP collector that decodes what really arrived: the trace (run → stage passes →
// model calls) with the GenAI and switchyard.* attributes, the metrics, no content unless asked
// for, nothing at all when export is off, and a dead or silent collector that costs the CLI
// (almost) nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runRoute } from '../../../src/cli/route';
import type { VerbIo } from '../../../src/cli/verbIo';
import { startLoopbackServer, type LoopbackServer, type Reply } from '../../support/loopbackServer';
import type { OtlpPoint, OtlpSpan } from '../../support/otlpDecode';
import { startOtlpReceiver, type OtlpReceiver } from '../../support/otlpReceiver';
import { roleOf, type Role } from '../pipeline/harness';

// Loaded once up front, so the timing tests measure the collector, not the first require of the SDK.
require('../../../src/core/telemetry/otlpSink');

const KEYS = { OPENAI_API_KEY: 'sk-openai-telemetry-0001', ANTHROPIC_API_KEY: 'sk-ant-telemetry-0002' };
const TASK = 'Fix typo in README.md (zebra-marker-4711)';
const README = '# Demo\n\nThis projcet routes tasks. giraffe-content-0815\n';
const FIX: Reply = {
  text: 'README.md\n<<<<<<< SEARCH\nThis projcet routes tasks. giraffe-content-0815\n=======\nThis project routes tasks. giraffe-content-0815\n>>>>>>> REPLACE\n',
  responseModel: 'gpt-5-2025-08-07',
};
const APPROVE: Reply = {
  text: '```json\n{"verdict":"approve","summary":"typo fixed","findings":[]}\n```',
  responseModel: 'claude-sonnet-4-6-20260101',
};

interface Setup {
  models: LoopbackServer;
  otlp: OtlpReceiver;
  queues: Partial<Record<Role, Reply[]>>;
  root: string;
  env: Record<string, string>;
  close(): Promise<void>;
}

async function setup(): Promise<Setup> {
  const models = await startLoopbackServer();
  const otlp = await startOtlpReceiver();
  const queues: Partial<Record<Role, Reply[]>> = {};
  models.setHandler((req) => {
    const role = roleOf(req);
    return role ? queues[role]?.shift() : undefined;
  });
  const root = mkdtempSync(join(tmpdir(), 'switchyard-otel-'));
  writeFileSync(join(root, 'README.md'), README);
  const env = { ...KEYS, OPENAI_BASE_URL: models.openaiBaseUrl, ANTHROPIC_BASE_URL: models.anthropicBaseUrl };
  return {
    models,
    otlp,
    queues,
    root,
    env,
    async close() {
      await otlp.close();
      await models.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

function io(cwd: string, env: Record<string, string>) {
  const out: string[] = [];
  const err: string[] = [];
  let finishedAt = 0;
  const verb: VerbIo = {
    out: (t) => out.push(t),
    err: (t) => {
      err.push(t);
      // The run's outcome line ("applied to 1 file(s) (…)", "rejected: …") ends the run.
      if (/^(applied|rejected|failed|cancelled|answered|reviewed)\b/.test(t)) finishedAt = performance.now();
    },
    env,
    cwd,
  };
  return { out, err, io: verb, finishedAt: () => finishedAt };
}

/** The implementer's first model fails (a 401), so the chain falls back, then a cross-vendor critic approves. */
function scriptFallbackRun(s: Setup): void {
  s.queues.implementer = [{ fault: { kind: 'auth' } }, FIX];
  s.queues.critic = [APPROVE];
}

const byName = (spans: OtlpSpan[], name: string) => spans.filter((sp) => sp.name === name);
const point = (points: OtlpPoint[], metric: string, attrs: Record<string, unknown>) =>
  points.filter((p) => p.metric === metric && Object.entries(attrs).every(([k, v]) => p.attributes[k] === v));

test('route with OTEL_EXPORTER_OTLP_ENDPOINT: one trace run → stages → model calls, GenAI attributes, metrics; no content, no keys', async () => {
  const s = await setup();
  const otlp = s.otlp;
  try {
    scriptFallbackRun(s);
    const t = io(s.root, {
      ...s.env,
      OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url,
      OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%20collector-token-42,x-team=core',
    });
    assert.equal(await runRoute([TASK, '--yes', '--no-ledger'], t.io), 0, t.err.join('\n'));
    await otlp.waitFor(() => otlp.spans.length >= 6 && otlp.points.length > 0, 'the run’s spans and metrics');

    // Protobuf by default, to /v1/traces and /v1/metrics, with the configured headers.
    assert.ok(otlp.requests.every((r) => r.contentType === 'application/x-protobuf'));
    assert.deepEqual([...new Set(otlp.requests.map((r) => r.path))].sort(), ['/v1/metrics', '/v1/traces']);
    assert.ok(otlp.requests.every((r) => r.headers['authorization'] === 'Bearer collector-token-42'));
    assert.ok(otlp.requests.every((r) => r.headers['x-team'] === 'core'));

    const spans = otlp.spans;
    assert.equal(new Set(spans.map((sp) => sp.traceId)).size, 1, 'one trace per run');
    const [root] = byName(spans, 'invoke_workflow switchyard.route');
    assert.ok(root, `a root span; got ${spans.map((sp) => sp.name).join(', ')}`);
    assert.equal(root.parentSpanId, '');
    assert.equal(root.kind, 1);
    assert.equal(root.resource['service.name'], 'switchyard');
    assert.equal(root.resource['switchyard.surface'], 'cli');
    assert.equal(root.scope, 'switchyard');
    assert.equal(root.attributes['gen_ai.operation.name'], 'invoke_workflow');
    assert.equal(root.attributes['switchyard.task.kind'], 'docs');
    assert.equal(root.attributes['switchyard.task.risk'], 'low');
    assert.equal(root.attributes['switchyard.outcome'], 'applied');
    assert.equal(root.attributes['switchyard.applied'], true);
    assert.equal(root.attributes['switchyard.verdict'], 'approve');
    assert.equal(root.attributes['switchyard.fallback_taken'], true);
    assert.ok((root.attributes['switchyard.cost_usd'] as number) > 0);
    assert.ok(
      root.events.some((e) => e.name === 'switchyard.applied' && e.attributes['switchyard.files_changed'] === 1),
    );

    const [impl] = byName(spans, 'invoke_agent Implementer');
    const [critic] = byName(spans, 'invoke_agent Critic');
    for (const stage of [impl, critic]) {
      assert.ok(stage);
      assert.equal(stage.parentSpanId, root.spanId);
      assert.equal(stage.attributes['gen_ai.operation.name'], 'invoke_agent');
      assert.ok(stage.startMs >= root.startMs && stage.endMs <= root.endMs);
    }
    assert.equal(impl!.attributes['switchyard.role'], 'implementer');
    assert.equal(impl!.attributes['switchyard.model'], 'gpt-5');
    assert.equal(impl!.attributes['switchyard.vendor'], 'openai');
    assert.equal(impl!.attributes['switchyard.fallback_taken'], true);
    assert.ok(impl!.events.some((e) => e.name === 'switchyard.fallback' && e.attributes['error.type'] === 'auth'));
    assert.equal(critic!.attributes['switchyard.model'], 'claude-sonnet');
    assert.equal(critic!.attributes['switchyard.verdict'], 'approve');
    assert.equal(critic!.attributes['switchyard.findings'], 0);

    // Model calls: the failed one and the fallback under the implementer, one under the critic.
    const calls = spans.filter((sp) => sp.attributes['gen_ai.operation.name'] === 'chat');
    assert.deepEqual(calls.map((c) => c.name).sort(), [
      'chat claude-sonnet-4-6',
      'chat claude-sonnet-4-6',
      'chat gpt-5',
    ]);
    const failed = calls.find((c) => c.parentSpanId === impl!.spanId && c.status.code === 2);
    assert.ok(failed, 'the 401 is an error span under the implementer');
    assert.equal(failed.attributes['error.type'], 'auth');
    assert.equal(failed.attributes['gen_ai.provider.name'], 'anthropic');
    const ok = calls.find((c) => c.parentSpanId === impl!.spanId && c.status.code !== 2)!;
    assert.equal(ok.kind, 3, 'model calls are CLIENT spans');
    assert.equal(ok.attributes['gen_ai.provider.name'], 'openai');
    assert.equal(ok.attributes['gen_ai.request.model'], 'gpt-5');
    assert.equal(ok.attributes['gen_ai.response.model'], 'gpt-5-2025-08-07');
    assert.ok((ok.attributes['gen_ai.usage.input_tokens'] as number) > 0);
    assert.ok((ok.attributes['gen_ai.usage.output_tokens'] as number) > 0);
    assert.deepEqual(ok.attributes['gen_ai.response.finish_reasons'], ['stop']);
    assert.ok((ok.attributes['switchyard.cost_usd'] as number) > 0);
    const review = calls.find((c) => c.parentSpanId === critic!.spanId)!;
    assert.equal(review.attributes['gen_ai.response.model'], 'claude-sonnet-4-6-20260101');

    // Metrics by model and role.
    const tokens = point(otlp.lastMetrics(), 'gen_ai.client.token.usage', {
      'switchyard.role': 'implementer',
      'gen_ai.token.type': 'output',
    });
    assert.equal(tokens.length, 1);
    assert.equal(tokens[0]!.type, 'histogram');
    assert.equal(tokens[0]!.unit, '{token}');
    assert.equal(tokens[0]!.value, ok.attributes['gen_ai.usage.output_tokens']);
    assert.equal(tokens[0]!.bounds[0], 1);
    const duration = point(otlp.lastMetrics(), 'gen_ai.client.operation.duration', {
      'switchyard.model': 'claude-sonnet',
      'error.type': 'auth',
    });
    assert.equal(duration.length, 1, 'the failed call has a duration with its error type');
    const cost = point(otlp.lastMetrics(), 'switchyard.cost', {
      'switchyard.model': 'gpt-5',
      'switchyard.role': 'implementer',
    });
    assert.equal(cost[0]?.value, ok.attributes['switchyard.cost_usd']);
    for (const role of ['implementer', 'critic']) {
      const accepted = point(otlp.lastMetrics(), 'switchyard.changes.accepted', {
        'switchyard.role': role,
        'switchyard.trusted': true,
      });
      assert.equal(accepted[0]?.value, 1, `${role}: one trusted change`);
    }
    const runs = point(otlp.lastMetrics(), 'switchyard.runs', {
      'switchyard.outcome': 'applied',
      'switchyard.task.kind': 'docs',
    });
    assert.equal(runs[0]?.value, 1);

    // Privacy by default: no task text, no file content, no diff, no key, no collector token.
    for (const secret of [
      'zebra-marker-4711',
      'giraffe-content-0815',
      'projcet',
      KEYS.OPENAI_API_KEY,
      KEYS.ANTHROPIC_API_KEY,
    ])
      assert.equal(otlp.received(secret), false, `${secret} was sent`);
    assert.ok(
      !spans.some((sp) => Object.keys(sp.attributes).some((k) => /messages|instructions|switchyard\.task$/.test(k))),
    );
    assert.doesNotMatch(t.err.join('\n'), /telemetry/);
  } finally {
    await s.close();
  }
});

test('--otlp-endpoint with http/json and --otlp-capture-content: prompts and replies on the spans, keys scrubbed', async () => {
  const s = await setup();
  const otlp = s.otlp;
  try {
    // The implementer leaks a key into its reply; captured content must not carry it.
    s.queues.implementer = [{ ...FIX, text: `${FIX.text}\n(used ${KEYS.ANTHROPIC_API_KEY})` }];
    s.queues.critic = [{ ...APPROVE, responseModel: undefined }];
    s.env.ANTHROPIC_BASE_URL = s.models.anthropicBaseUrl;
    const t = io(s.root, { ...s.env, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' });
    const code = await runRoute(
      [TASK, '--yes', '--no-ledger', '--otlp-endpoint', otlp.url, '--otlp-capture-content'],
      t.io,
    );
    assert.equal(code, 0, t.err.join('\n'));
    await otlp.waitFor(() => otlp.spans.length >= 4, 'the spans');
    assert.ok(otlp.requests.every((r) => r.contentType === 'application/json'));
    const [root] = byName(otlp.spans, 'invoke_workflow switchyard.route');
    assert.equal(root!.attributes['switchyard.task'], TASK);
    const call = otlp.spans.find(
      (sp) => sp.name === 'chat claude-sonnet-4-6' && sp.attributes['switchyard.role'] === 'implementer',
    );
    assert.ok(call);
    const input = JSON.parse(call.attributes['gen_ai.input.messages'] as string);
    assert.equal(input[0].role, 'user');
    assert.match(input[0].parts[0].content, /zebra-marker-4711/);
    assert.match(input[0].parts[0].content, /giraffe-content-0815/, 'the file the implementer saw');
    assert.match(
      JSON.parse(call.attributes['gen_ai.system_instructions'] as string)[0].content,
      /You are the implementer/,
    );
    const output = JSON.parse(call.attributes['gen_ai.output.messages'] as string);
    assert.equal(output[0].finish_reason, 'stop');
    assert.match(output[0].parts[0].content, /This project routes tasks/);
    assert.match(output[0].parts[0].content, /\[redacted key\]/);
    assert.equal(otlp.received(KEYS.ANTHROPIC_API_KEY), false);
    assert.equal(otlp.received(KEYS.OPENAI_API_KEY), false);
  } finally {
    await s.close();
  }
});

test('export off: without an endpoint, with --no-telemetry, or with OTEL_SDK_DISABLED nothing leaves', async () => {
  const s = await setup();
  const otlp = s.otlp;
  try {
    const cases: Array<[string, string[], Record<string, string>]> = [
      ['no endpoint', [], {}],
      ['--no-telemetry', ['--no-telemetry'], { OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url }],
      ['OTEL_SDK_DISABLED', [], { OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url, OTEL_SDK_DISABLED: 'true' }],
      [
        'OTEL_*_EXPORTER=none',
        [],
        { OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url, OTEL_TRACES_EXPORTER: 'none', OTEL_METRICS_EXPORTER: 'none' },
      ],
    ];
    for (const [name, flags, env] of cases) {
      writeFileSync(join(s.root, 'README.md'), README);
      s.queues.implementer = [FIX];
      s.queues.critic = [APPROVE];
      const t = io(s.root, { ...s.env, ...env });
      assert.equal(await runRoute([TASK, '--yes', '--no-ledger', ...flags], t.io), 0, `${name}: ${t.err.join('\n')}`);
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(otlp.requests.length, 0, `${name}: nothing may reach the collector`);
    }
  } finally {
    await s.close();
  }
});

/** A port nothing listens on: connections are refused at once. */
async function deadPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as AddressInfo;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

/** Milliseconds between the run finishing (its last progress line) and `route` returning. */
async function tailMs(s: Setup, env: Record<string, string>): Promise<{ ms: number; err: string[]; code: number }> {
  writeFileSync(join(s.root, 'README.md'), README);
  s.queues.implementer = [FIX];
  s.queues.critic = [APPROVE];
  const t = io(s.root, { ...s.env, ...env });
  const code = await runRoute([TASK, '--yes', '--no-ledger'], t.io);
  assert.ok(t.finishedAt() > 0, `no outcome line in: ${t.err.join('\n')}`);
  return { ms: performance.now() - t.finishedAt(), err: t.err, code };
}

test('a dead collector costs the CLI a few milliseconds and one warning line; a silent one at most the export timeout', async () => {
  const s = await setup();
  const otlp = s.otlp;
  try {
    // Warm up (first export: the sink is created, its code compiled), then compare with a live collector.
    await tailMs(s, { OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url });
    const live = await tailMs(s, { OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url });
    const dead = await tailMs(s, { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${await deadPort()}` });
    assert.equal(dead.code, 0, 'the run is unaffected');
    const warnings = dead.err.filter((l) => /telemetry/.test(l));
    assert.equal(warnings.length, 1, warnings.join('\n'));
    assert.match(
      warnings[0]!,
      /could not send (traces|metrics) to http:\/\/127\.0\.0\.1:\d+\/v1\/(traces|metrics) \(.*ECONNREFUSED.*\); runs go on/,
    );
    // The SDK's own transport retries a refused connection for seconds (1 s, then 1.5 s …); ours
    // drops it at once. Bounds generous for a busy shared 2-core machine.
    const cost = Math.round(dead.ms - live.ms);
    assert.ok(cost < 300, `a dead collector cost ${cost} ms more than a live one after the run`);
    assert.ok(dead.ms < 2000, `route returned ${Math.round(dead.ms)} ms after the run with a dead collector`);

    otlp.setMode('hang');
    const silent = await tailMs(s, { OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url, OTEL_EXPORTER_OTLP_TIMEOUT: '400' });
    assert.equal(silent.code, 0);
    assert.ok(otlp.requests.length > 0, 'the export was attempted');
    assert.ok(silent.ms < 400 + 600, `a silent collector held the CLI ${Math.round(silent.ms)} ms (timeout 400 ms)`);
    assert.equal(silent.err.filter((l) => /telemetry/.test(l)).length, 1);

    otlp.setMode({ status: 401 });
    const refused = await tailMs(s, { OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url });
    assert.match(refused.err.join('\n'), /could not send \w+ to .* \(HTTP 401: .*loopback collector says no.*\)/);
  } finally {
    await s.close();
  }
});

test('bad telemetry settings: a bad --otlp-endpoint is a usage error; a grpc protocol is named and the run goes on', async () => {
  const s = await setup();
  try {
    const bad = io(s.root, s.env);
    assert.equal(await runRoute([TASK, '--otlp-endpoint', 'localhost:4318'], bad.io), 2);
    assert.match(bad.err.join('\n'), /--otlp-endpoint must be an http:\/\/ or https:\/\/ URL/);
    s.queues.implementer = [FIX];
    s.queues.critic = [APPROVE];
    const grpc = io(s.root, {
      ...s.env,
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4317',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
    });
    assert.equal(await runRoute([TASK, '--yes', '--no-ledger'], grpc.io), 0);
    assert.match(
      grpc.err.join('\n'),
      /OTLP protocol "grpc" is not supported for traces: .*http\/protobuf or http\/json/,
    );
    assert.equal(readFileSync(join(s.root, 'README.md'), 'utf8').includes('This project'), true);
  } finally {
    await s.close();
  }
});
