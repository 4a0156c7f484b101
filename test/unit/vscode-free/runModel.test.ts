import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RunModel, OUTPUT_TAIL_CHARS, SAW_TEXT_CAP } from '../../../src/vscode/runs/runModel';
import type { PipelineEvent, StageSnapshot } from '../../../src/core/stage/events';
import type { RoutingDecision } from '../../../src/core/routing/decisionSchema';
import { RunViewSchema } from '../../../src/protocol/panelProtocol';
import { renderHeader } from '../../../webview/renderRun';
import { FakeText, installFakeDom, walk } from '../hostile/fakeDom';

const base = { runId: 'r1', at: 1 };

function snap(over: Partial<StageSnapshot>): StageSnapshot {
  return {
    stage: 'implementer',
    role: 'Implementer',
    round: 1,
    modelId: 'sonnet',
    vendor: 'anthropic',
    state: 'running',
    tokensIn: 0,
    tokensOut: 0,
    costUsd: 0,
    elapsedMs: 0,
    why: 'first choice',
    rejected: [],
    ...over,
  };
}

const decision: RoutingDecision = {
  task: 'fix it',
  classification: {
    kind: 'bugfix',
    risk: 'medium',
    signals: ['fix requested'],
    details: [{ id: 'fix', label: 'fix requested', evidence: 'fix' }],
    reasons: [],
    source: 'local',
  },
  kind: 'bugfix',
  risk: 'medium',
  producesEdits: true,
  reasons: ['a bug fix: implement, then review'],
  stages: [
    {
      stage: 'implementer',
      role: 'Implementer',
      modelId: 'sonnet',
      vendor: 'anthropic',
      chain: [{ modelId: 'sonnet', vendor: 'anthropic' }],
      why: 'first choice',
      rejected: [{ modelId: 'gpt-5', vendor: 'openai', code: 'missing-key', reason: 'no key' }],
      estimate: { inputTokens: 1, outputTokens: 1, costUsd: 0.05 },
    },
    {
      stage: 'critic',
      role: 'Critic',
      modelId: 'gpt-5',
      vendor: 'openai',
      chain: [{ modelId: 'gpt-5', vendor: 'openai' }],
      why: 'different vendor',
      rejected: [],
      estimate: { inputTokens: 1, outputTokens: 1, costUsd: 0.02 },
    },
  ],
  gates: [{ code: 'risk', at: 'before-apply', reason: 'risk is high' }],
  maxReviewRounds: 2,
  estimatedCostUsd: 0.07,
  budget: {},
  warnings: [],
};

test('the decision lays out the stages with models, reasons, rejections and estimates', () => {
  const m = new RunModel('r1', 'fix it');
  assert.equal(m.apply({ ...base, type: 'decision-made', decision }), true);
  const v = m.view;
  assert.equal(v.kind, 'bugfix');
  assert.deepEqual(v.signals, [{ id: 'fix requested', detail: 'fix' }]);
  assert.deepEqual(v.gates, ['risk is high']);
  assert.deepEqual(v.reasons, ['a bug fix: implement, then review']);
  assert.deepEqual(
    v.stages.map((s) => [s.stage, s.state, s.modelId]),
    [
      ['implementer', 'waiting', 'sonnet'],
      ['critic', 'waiting', 'gpt-5'],
    ],
  );
  assert.deepEqual(v.stages[0]!.rejected, [{ modelId: 'gpt-5', reason: 'no key' }]);
  assert.equal(v.stages[0]!.estimatedCostUsd, 0.05);
  // What the host sends must pass the protocol's own validation.
  assert.ok(RunViewSchema.safeParse(v).success);
});

test('costs and tokens add up across review rounds instead of being overwritten', () => {
  const m = new RunModel('r1', 't');
  m.apply({
    ...base,
    type: 'stage-finished',
    snapshot: snap({ state: 'done', tokensIn: 100, tokensOut: 50, costUsd: 0.01, elapsedMs: 1000 }),
  });
  m.apply({ ...base, type: 'stage-started', snapshot: snap({ round: 2 }) });
  m.apply({
    ...base,
    type: 'stage-finished',
    snapshot: snap({ round: 2, state: 'done', tokensIn: 10, tokensOut: 5, costUsd: 0.002, elapsedMs: 500 }),
  });
  const s = m.view.stages[0]!;
  assert.equal(s.inputTokens, 110);
  assert.equal(s.outputTokens, 55);
  assert.ok(Math.abs(s.costUsd - 0.012) < 1e-9);
  assert.equal(s.elapsedMs, 1500);
  assert.equal(s.round, 2);
  assert.ok(Math.abs(m.view.actualCostUsd - 0.012) < 1e-9);
  assert.match(m.outputs.get('implementer') ?? '', /round 2/);
});

test('deltas are not structural, and the kept output is capped to its tail', () => {
  const m = new RunModel('r1', 't');
  const delta: PipelineEvent = {
    ...base,
    type: 'stage-delta',
    stage: 'critic',
    round: 1,
    text: 'x'.repeat(OUTPUT_TAIL_CHARS),
  };
  assert.equal(m.apply(delta), false);
  m.apply({ ...delta, text: 'END' });
  const out = m.outputs.get('critic')!;
  assert.equal(out.length, OUTPUT_TAIL_CHARS);
  assert.ok(out.endsWith('END'));
});

test('fallbacks, failures, context and reviews show up where the UI reads them', () => {
  const m = new RunModel('r1', 't');
  m.apply({ ...base, type: 'decision-made', decision });
  m.apply({ ...base, type: 'stage-delta', stage: 'critic', round: 1, text: 'half a rev' });
  m.apply({
    ...base,
    type: 'fallback-taken',
    stage: 'critic',
    fromModelId: 'gpt-5',
    toModelId: 'gemini',
    toVendor: 'google',
    error: { kind: 'overloaded', message: '529' },
    discardPartial: true,
  });
  assert.equal(m.outputs.get('critic'), undefined, 'the failed partial reply is dropped');
  const critic = m.view.stages.find((s) => s.stage === 'critic')!;
  assert.equal(critic.modelId, 'gemini');
  assert.match(critic.rejected.at(-1)!.reason, /failed at run time: 529/);
  m.apply({
    ...base,
    type: 'context-sent',
    stage: 'critic',
    round: 1,
    modelId: 'gemini',
    artifacts: ['task', 'diff'],
    chars: 1234,
  });
  assert.deepEqual(critic.saw, [{ kind: 'round 1 · gemini', label: 'task, diff', chars: 1234 }]);
  m.apply({
    ...base,
    type: 'review-ready',
    stage: 'critic',
    round: 1,
    reviewerModelId: 'gemini',
    reviewerVendor: 'google',
    implementerVendor: 'anthropic',
    review: {
      verdict: 'request-changes',
      summary: '',
      findings: [{ file: 'a.ts', startLine: 3, endLine: 4, severity: 'major', message: 'off by one' }],
    },
  });
  assert.equal(m.view.reviews[0]?.verdict, 'request-changes');
  assert.equal(m.finding('r1f1')?.message, 'off by one');
  m.apply({
    ...base,
    type: 'stage-failed',
    snapshot: snap({ state: 'failed' }),
    error: { kind: 'auth', message: 'bad key for sonnet' },
  });
  assert.equal(m.view.stages.find((s) => s.stage === 'implementer')!.error, 'bad key for sonnet');
});

test('gates, cancellation and the finish set the run state', () => {
  const m = new RunModel('r1', 't');
  m.apply({ ...base, type: 'decision-made', decision });
  m.apply({ ...base, type: 'gate-waiting', gateId: 'g', reasons: ['risk is high'] });
  assert.equal(m.view.state, 'running', 'awaiting approval only once the host has the diff ready');
  m.apply({ type: 'change-ready', files: ['a.ts'], codes: ['risk'], reasons: ['risk is high'] });
  assert.equal(m.view.state, 'awaiting-approval');
  assert.deepEqual(m.humanGateReasons(), ['risk is high', 'no reviewer looked at this change']);
  m.apply({ ...base, type: 'gate-resolved', gateId: 'g', approved: true });
  assert.equal(m.view.state, 'running');
  m.apply({ ...base, type: 'cancelled', reason: 'cancelled by the user' });
  assert.equal(m.view.state, 'cancelled');
  assert.ok(m.view.stages.every((s) => s.state === 'cancelled'));
  assert.equal(m.finished, false);
  m.apply({
    ...base,
    at: 99,
    type: 'run-finished',
    outcome: 'cancelled',
    message: 'cancelled; nothing was applied',
    totals: { tokensIn: 0, tokensOut: 0, costUsd: 0.5, elapsedMs: 1 },
  });
  assert.equal(m.finished, true);
  assert.equal(m.view.actualCostUsd, 0.5);
  assert.equal(m.view.message, 'cancelled; nothing was applied');
});

test('a verify result is shown with the round it checked', () => {
  const m = new RunModel('r1', 't');
  m.apply({ ...base, type: 'verified', round: 2, status: 'ran', passed: false, summary: 'npm test failed: 1 of 12' });
  assert.deepEqual(m.view.verification, {
    status: 'ran',
    passed: false,
    summary: 'npm test failed: 1 of 12',
    round: 2,
  });
  assert.ok(RunViewSchema.safeParse(m.view).success);
});

test('a run that cannot start says why once, not in every place', () => {
  const m = new RunModel('r1', 't');
  const why = 'no model in stages.implementer is ready (sonnet: no ANTHROPIC_API_KEY stored)';
  m.apply({
    ...base,
    type: 'decision-made',
    decision: {
      ...decision,
      stages: [{ ...decision.stages[0]!, modelId: undefined, why, unavailableReason: why }],
      gates: [{ code: 'no-implementer', at: 'before-run', reason: why }],
      blockedReason: why,
    },
  });
  // Said once, as the run's message; the stage row points there instead of repeating it.
  assert.match(m.view.stages[0]!.why ?? '', /^not run: the run cannot start \(see the message above/);
  assert.deepEqual(m.view.gates, []);
  assert.equal(m.view.message, why);
  m.apply({
    ...base,
    type: 'run-finished',
    outcome: 'failed',
    message: why,
    totals: { tokensIn: 0, tokensOut: 0, costUsd: 0, elapsedMs: 0 },
    error: { kind: 'no-model', message: why },
  });
  assert.equal(m.view.message, why);
  assert.equal(m.view.stages[0]!.state, 'skipped', 'a stage that never ran is not left "waiting"');
});

test('what each role was sent is attached to its "saw" entries in order, capped', () => {
  const m = new RunModel('r1', 't');
  m.apply({
    ...base,
    type: 'context-sent',
    stage: 'critic',
    round: 1,
    modelId: 'gpt',
    artifacts: ['task', 'diff'],
    chars: 10,
  });
  m.apply({
    ...base,
    type: 'context-sent',
    stage: 'critic',
    round: 2,
    modelId: 'gpt',
    artifacts: ['task', 'diff', 'review'],
    chars: 10,
  });
  m.attachBoundary([
    { stage: 'critic', system: 'You are the critic', messages: [{ role: 'user', content: 'DIFF 1' }] },
    {
      stage: 'critic',
      system: 'You are the critic',
      messages: [{ role: 'user', content: 'x'.repeat(SAW_TEXT_CAP + 5) }],
    },
    { stage: 'scout', system: 'no entry for this one', messages: [] },
  ]);
  const saw = m.view.stages.find((s) => s.stage === 'critic')!.saw;
  assert.equal(saw[0]!.text, 'system: You are the critic\n\nuser: DIFF 1');
  assert.ok(saw[1]!.text!.length < SAW_TEXT_CAP + 100);
  assert.match(saw[1]!.text!, /more characters\)$/);
  assert.ok(RunViewSchema.safeParse(m.view).success);
});

test('the human gate lists every reason to confirm, once', () => {
  const m = new RunModel('r1', 't');
  assert.deepEqual(m.humanGateReasons(), ['no reviewer looked at this change']);
  m.apply({ ...base, type: 'decision-made', decision });
  m.apply({
    ...base,
    type: 'review-ready',
    stage: 'critic',
    round: 1,
    reviewerModelId: 'gpt-5',
    reviewerVendor: 'openai',
    implementerVendor: 'anthropic',
    review: { verdict: 'request-changes', summary: '', findings: [] },
  });
  // The decision predicted a risk gate; at the gate the pipeline says it again in its own words: once.
  m.view.gates = ['high risk (auth): a person confirms before anything is applied'];
  m.apply({
    type: 'change-ready',
    files: ['a.ts'],
    codes: ['risk', 'protected-path', 'protected-path'],
    reasons: [
      'high risk: rules.humanGate.onRisk asks a person to confirm',
      'the diff touches protected paths: .github/workflows/ci.yml',
      'the diff touches protected paths: .github/workflows/ci.yml',
    ],
  });
  assert.deepEqual(m.humanGateReasons(), [
    'high risk: rules.humanGate.onRisk asks a person to confirm',
    'the diff touches protected paths: .github/workflows/ci.yml',
    'the reviewer (gpt-5) said "request-changes"',
  ]);
  // A plain confirmation ("gpt-5 approved the change; apply it?") is not a reason to stop.
  m.apply({ type: 'change-ready', files: ['a.ts'], codes: [], reasons: ['gpt-5 approved the change; apply it?'] });
  m.view.reviews[0]!.verdict = 'approve';
  assert.deepEqual(m.humanGateReasons(), [], 'an approved change with no gate needs only the Apply click');
});

test("a role's tool calls show on its stage, each with its result, and the view stays valid for the panel", () => {
  const m = new RunModel('r1', 'fix it');
  m.apply({ ...base, type: 'decision-made', decision });
  const called = { ...base, stage: 'scout' as const, round: 1 };
  assert.equal(
    m.apply({ ...called, type: 'tool-called', callId: 'c1', tool: 'search', args: '{"pattern":"login"}' }),
    true,
  );
  assert.deepEqual(
    m.stage('scout').tools.map((t) => t.state),
    ['running'],
  );
  m.apply({
    ...called,
    type: 'tool-result',
    callId: 'c1',
    tool: 'search',
    ok: true,
    summary: '"login": 2 hit(s) in 1 file(s)',
    chars: 120,
    paths: [],
  });
  m.apply({ ...called, type: 'tool-called', callId: 'c2', tool: 'read_file', args: '{"path":".env"}' });
  m.apply({
    ...called,
    type: 'tool-result',
    callId: 'c2',
    tool: 'read_file',
    ok: false,
    summary: 'read_file failed: .env looks like it holds secrets',
    chars: 80,
    paths: [],
  });
  assert.deepEqual(
    m.stage('scout').tools.map((t) => [t.tool, t.state, t.summary]),
    [
      ['search', 'done', '"login": 2 hit(s) in 1 file(s)'],
      ['read_file', 'failed', 'read_file failed: .env looks like it holds secrets'],
    ],
  );
  assert.equal(RunViewSchema.safeParse(m.view).success, true);
});

test('data residency: the rules that shaped the decision, then models kept out as files were read at run time', () => {
  const m = new RunModel('r1', 'fix it');
  const residency = {
    rule: 'rules.residency[0]',
    summary: 'src/payments/**: not regions cn',
    applies: true,
    files: ['src/payments/charge.ts'],
    excluded: [{ stage: 'implementer' as const, modelId: 'ds' }],
  };
  const reason = 'region cn not allowed for src/payments/** (rules.residency[0])';
  const rejected = {
    modelId: 'ds',
    vendor: 'deepseek',
    code: 'residency' as const,
    reason,
    rule: 'rules.residency[0]',
  };
  m.apply({
    ...base,
    type: 'decision-made',
    decision: {
      ...decision,
      residency: [residency],
      stages: decision.stages.map((s) => (s.stage === 'implementer' ? { ...s, rejected: [rejected] } : s)),
    },
  });
  assert.deepEqual(m.view.residency, [
    'rules.residency[0]: src/payments/**: not regions cn — applies to src/payments/charge.ts; kept ds from the implementer',
  ]);
  // The implementer's snapshot repeats the decision's rejection: not a new line. The critic's is new.
  m.apply({ ...base, type: 'stage-started', snapshot: snap({ rejected: [rejected] }) });
  m.apply({
    ...base,
    type: 'stage-started',
    snapshot: snap({ stage: 'critic', role: 'Critic', modelId: 'gpt-5', vendor: 'openai', rejected: [rejected] }),
  });
  assert.equal(m.view.residency.length, 2);
  assert.equal(m.view.residency[1], `At run time, Critic: ds kept out — ${reason}`);
  assert.ok(m.view.stages.find((s) => s.stage === 'critic')!.rejected.some((r) => r.reason === reason));
  assert.ok(RunViewSchema.safeParse(m.view).success);
});

test('the panel header lists the residency lines as text', () => {
  const uninstall = installFakeDom();
  try {
    const m = new RunModel('r1', 'fix it');
    m.view.residency = ['rules.residency[0]: src/payments/**: not regions cn — applies'];
    const root = renderHeader(m.view) as unknown as Parameters<typeof walk>[0];
    const section = [...walk(root)].find(
      (n) => !(n instanceof FakeText) && n.attributes.get('data-testid') === 'residency',
    );
    assert.ok(section, 'a residency section');
    const text = [...walk(section as Parameters<typeof walk>[0])]
      .filter((n): n is InstanceType<typeof FakeText> => n instanceof FakeText)
      .map((n) => n.data)
      .join('|');
    assert.equal(text, 'Data residency|rules.residency[0]: src/payments/**: not regions cn — applies');
  } finally {
    uninstall();
  }
});

const reviewOf = (
  stage: 'critic' | 'finalOwner',
  verdict: 'approve' | 'request-changes',
  findings: Array<{ message: string; severity: 'major' | 'minor' }>,
): PipelineEvent => ({
  ...base,
  type: 'review-ready',
  stage,
  round: 1,
  reviewerModelId: stage === 'critic' ? 'gpt-5' : 'o3',
  reviewerVendor: 'openai',
  implementerVendor: 'anthropic',
  review: {
    verdict,
    summary: '',
    findings: findings.map((f, i) => ({ file: 'a.ts', startLine: i + 1, endLine: i + 1, ...f })),
  },
});

test("the final owner's review sits beside the critic's: its approval never hides the critic's findings", () => {
  const m = new RunModel('r1', 't');
  m.apply({ ...base, type: 'decision-made', decision });
  m.apply(reviewOf('critic', 'request-changes', [{ message: 'token compared with ==', severity: 'major' }]));
  m.apply(reviewOf('finalOwner', 'approve', []));
  assert.deepEqual(
    m.view.reviews.map((r) => `${r.stage}:${r.verdict}:${r.findings.length}`),
    ['critic:request-changes:1', 'finalOwner:approve:0'],
  );
  assert.equal(m.findings.length, 1);
  assert.equal(m.finding('r1f1')?.message, 'token compared with ==');
  assert.equal(m.finalReview?.stage, 'finalOwner', 'the apply decision rests on the final owner');
  assert.ok(RunViewSchema.safeParse(m.view).success);
  // A revised change (a new diff) starts without the reviews of the old one.
  m.apply({
    ...base,
    type: 'artifact-ready',
    stage: 'implementer',
    round: 2,
    artifact: { kind: 'diff', value: { diff: 'd', files: ['a.ts'], addedLines: 1, removedLines: 1 } },
  });
  assert.deepEqual(m.view.reviews, []);
});

test('what a person does to the change is folded in as events: suggestion, dismissal, send-back, the revision', () => {
  const m = new RunModel('r1', 't');
  m.apply({ ...base, type: 'decision-made', decision });
  m.apply(
    reviewOf('critic', 'approve', [
      { message: 'say why', severity: 'minor' },
      { message: 'name it', severity: 'minor' },
    ]),
  );
  m.apply({ type: 'change-ready', files: ['a.ts'], codes: [], reasons: [] });
  m.apply({ type: 'suggestion-applied', findingId: 'r1f1', file: 'a.ts' });
  m.apply({ type: 'finding-dismissed', findingId: 'r1f2' });
  assert.deepEqual(
    m.findings.map((f) => f.status),
    ['applied', 'dismissed'],
  );
  m.apply({ type: 'sent-back', findingIds: [], note: 'keep it on one line' });
  assert.match(m.view.message ?? '', /^Sent back to the implementer with your note/);
  m.apply({ ...base, type: 'gate-resolved', gateId: 'g', approved: false, sentBack: true });
  m.apply({ type: 'change-ready', files: ['a.ts'], codes: [], reasons: [] });
  assert.equal(m.view.state, 'awaiting-approval');
  assert.doesNotMatch(m.view.message ?? '', /Sent back/, '"Sent back" does not outlive the revision');
});
