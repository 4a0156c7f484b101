// Each step of runTask's state machine on its own: a scope built as runTask builds it (real SDK
// providers over HTTP to the loopback server, a temporary workspace, the real edit engine and
// verify stage), a state made by the steps before it, and the phase it hands on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ModelSpec } from '../../../src/core/config/policySchema';
import { applyResolved } from '../../../src/core/edits/applyResolved';
import { createProvider } from '../../../src/core/providers/createProvider';
import type { PipelineEvent } from '../../../src/core/stage/events';
import { StageFailure } from '../../../src/core/stage/runContext';
import { applyStep } from '../../../src/core/pipeline/applyStep';
import { decideStep } from '../../../src/core/pipeline/decideStep';
import { escalationStep } from '../../../src/core/pipeline/escalationStep';
import { gateStep, MAX_HUMAN_SEND_BACKS } from '../../../src/core/pipeline/gateStep';
import { implementStep, startWork } from '../../../src/core/pipeline/implementStep';
import { resolveImplementerReply } from '../../../src/core/stage/implementerEdits';
import { planStep, stageKit } from '../../../src/core/pipeline/planStep';
import { reviewStep } from '../../../src/core/pipeline/reviewStep';
import { runBase, runScope, type RunScope } from '../../../src/core/pipeline/runScope';
import type { Implementer, Revision, RunState } from '../../../src/core/pipeline/runState';
import type { GateAnswer, RunTaskOptions } from '../../../src/core/pipeline/runTypes';
import { verifyingStep } from '../../../src/core/pipeline/verifyingStep';
import { fsWorkspaceReader } from '../../../src/core/pipeline/workspaceReader';
import { runVerifyStage } from '../../../src/core/verify/verifyStage';
import { approve, KEY, searchReplace, startHarness, testPolicy, type Harness } from './harness';

const README = '# Demo\n\nThis projcet routes tasks.\n';
const TYPO_FIX = searchReplace('README.md', 'This projcet routes tasks.', 'This project routes tasks.').text as string;

/** The scope runTask builds for `task` (decided by the deciding step), with its events collected. */
async function scopeFor(h: Harness, task: string, extra: Partial<RunTaskOptions> = {}) {
  const events: PipelineEvent[] = [];
  const opts: RunTaskOptions = {
    task,
    policy: testPolicy(h.server),
    availability: () => undefined,
    providerFor: (spec: ModelSpec) => createProvider(spec, { apiKey: KEY, baseUrl: spec.baseUrl }),
    root: h.root,
    workspace: fsWorkspaceReader(h.root),
    gate: async () => true,
    apply: (resolved) => applyResolved(resolved, h.root),
    resilience: { sleep: async () => {}, random: () => 0 },
    ...extra,
  };
  const signal = new AbortController().signal;
  const base = runBase(opts, { runId: 'steps', signal, listeners: [(e) => events.push(e)] });
  const scope = runScope(base, await decideStep(base));
  return { scope, events };
}

/** An implementer strategy that makes a fixed change as `modelId`, keeping the revisions it was asked for. */
function fixedImplementer(scope: RunScope, reply: string, modelId: string) {
  const revisions: Array<Revision | undefined> = [];
  const strategy: Implementer = {
    async implement(sr, revision) {
      revisions.push(revision);
      const out = await resolveImplementerReply(reply, scope.opts.root);
      if (!out.ok) throw new Error(out.problems.map((p) => p.message).join('; '));
      return { resolved: out.resolved, spec: scope.specsOf([{ modelId }])[0]!, why: sr.snapshot.why, rejected: [] };
    },
  };
  return { strategy, revisions };
}

/** The state after planning with no scout or architect, the implementer being `strategy`. */
async function stateWith(scope: RunScope, strategy?: Implementer): Promise<RunState> {
  const state = await startWork(scope, { kit: stageKit(scope), findings: undefined, plan: undefined });
  return strategy ? { ...state, implementer: { ...state.implementer, strategy } } : state;
}

test('deciding: a confident local call routes every stage by the policy and asks no model', async () => {
  const h = await startHarness({ 'README.md': README });
  try {
    const { scope } = await scopeFor(h, 'Fix typo in README.md');
    assert.deepEqual(
      scope.decision.stages.map((s) => s.stage),
      ['implementer', 'critic'],
    );
    assert.equal(scope.decision.stages[0]!.modelId, 'sonnet');
    assert.equal(h.server.requests.length, 0);
    assert.deepEqual(scope.unstaged, { tokensIn: 0, tokensOut: 0, costUsd: 0 });
  } finally {
    await h.close();
  }
});

test('planning: a question is answered and the run is done; a change reuses the earlier findings and plan without a call', async () => {
  const login = 'export function login(user: string, password: string) {\n  return db.check(user, password);\n}\n';
  const h = await startHarness({ 'src/retry.ts': 'export const retries = 3;\n', 'src/auth/login.ts': login });
  try {
    h.queues.answer.push({ text: 'It retries 3 times.' });
    const asked = await scopeFor(h, 'How many times does src/retry.ts retry?');
    const done = await planStep(asked.scope);
    assert.deepEqual(done, { step: 'done', outcome: 'answered', message: 'answered; a question changes no files' });
    assert.equal(asked.scope.reported.answer?.text, 'It retries 3 times.');

    const findings = { relevantFiles: [{ path: 'src/auth/login.ts', why: 'the check' }], facts: ['plain compare'] };
    const plan = {
      summary: 'hash passwords',
      steps: ['use a hashed compare'],
      filesToTouch: ['src/auth/login.ts'],
      risks: [],
    };
    const change = await scopeFor(h, 'Hash passwords in the login flow', { reuse: { from: 'run-1', findings, plan } });
    const before = h.server.requests.length;
    const next = await planStep(change.scope);
    assert.equal(next.step, 'implementing');
    assert.ok(next.step === 'implementing' && next.brief.plan === plan);
    assert.equal(h.server.requests.length, before, 'a reused artifact costs no call');
    assert.ok(next.step === 'implementing' && next.brief.findings === findings);
    assert.deepEqual(
      change.events.map((e) => (e.type === 'stage-skipped' ? `${e.stage}: ${e.reason}` : e.type)),
      ['scout: findings reused from run-1', 'artifact-ready', 'architect: plan reused from run-1', 'artifact-ready'],
    );
  } finally {
    await h.close();
  }
});

test('implementing: the strategy makes the change inside the stage; the next round starts with the model that made it', async () => {
  const h = await startHarness({ 'README.md': README });
  try {
    const { scope, events } = await scopeFor(h, 'Fix typo in README.md');
    const fixed = fixedImplementer(scope, TYPO_FIX, 'gpt');
    const state = await stateWith(scope, fixed.strategy);
    assert.deepEqual(
      state.implementer.candidates.map((m) => m.id),
      ['sonnet', 'gpt'],
    );
    assert.deepEqual(await implementStep(scope, state), { step: 'reviewing' });
    assert.equal(state.round, 1);
    assert.deepEqual(fixed.revisions, [undefined]);
    assert.deepEqual(state.change?.diff.files, ['README.md']);
    assert.deepEqual(
      state.implementer.candidates.map((m) => m.id),
      ['gpt'],
    );
    assert.equal(state.implementer.vendor, 'openai');
    assert.equal(scope.reported.diff, state.change?.diff);
    // No model was called, so no stage-started: the stage's one pass finishes, then the diff is out.
    assert.deepEqual(
      events.map((e) => `${e.type} ${e.type === 'stage-finished' ? e.snapshot.stage : 'stage' in e ? e.stage : ''}`),
      ['stage-finished implementer', 'artifact-ready implementer'],
    );
    assert.equal(h.server.requests.length, 0);
  } finally {
    await h.close();
  }
});

test('reviewing: with no critic of another vendor ready, the critic is skipped with the reason and no model is asked', async () => {
  const h = await startHarness({ 'README.md': README });
  try {
    const policy = testPolicy(h.server, {
      stages: { implementer: ['sonnet'], critic: ['haiku'], scout: [], architect: [], finalOwner: [] },
    });
    const { scope, events } = await scopeFor(h, 'Fix typo in README.md', { policy });
    const state = await stateWith(scope, fixedImplementer(scope, TYPO_FIX, 'sonnet').strategy);
    await implementStep(scope, state);
    assert.deepEqual(await reviewStep(scope, state), { step: 'verifying', critic: undefined });
    assert.match(state.noReviewer ?? '', /^no reviewer from a vendor other than anthropic/);
    const skipped = events.at(-1);
    assert.ok(skipped?.type === 'stage-skipped' && skipped.stage === 'critic' && skipped.reason === state.noReviewer);
    assert.equal(h.server.requests.length, 0);
  } finally {
    await h.close();
  }
});

test('verifying: an approval whose tests fail goes back to the implementer; in the last allowed round it escalates instead', async () => {
  const h = await startHarness({
    'README.md': README,
    'test.sh': 'grep -q never README.md || { echo "README.md lacks never"; exit 1; }\n',
  });
  try {
    const command = 'sh test.sh';
    const base = testPolicy(h.server);
    const policy = { ...base, verify: { command, timeoutSeconds: 30 } };
    const { scope } = await scopeFor(h, 'Fix typo in README.md', {
      policy,
      verify: (resolvedPlan, signal) =>
        runVerifyStage({
          root: h.root,
          resolvedPlan,
          verify: { command, timeoutSeconds: 30 },
          trusted: true,
          approvals: { has: () => true, add: () => undefined },
          askApproval: async () => true,
          signal,
        }),
    });
    const state = await stateWith(scope, fixedImplementer(scope, TYPO_FIX, 'sonnet').strategy);
    await implementStep(scope, state);
    h.queues.critic.push(approve());
    const reviewed = await reviewStep(scope, state);
    assert.ok(reviewed.step === 'verifying' && reviewed.critic?.review.verdict === 'approve');

    assert.deepEqual(await verifyingStep(scope, state, reviewed.critic), { step: 'implementing' });
    assert.equal(state.lastCritic?.review.verdict, 'request-changes');
    assert.match(state.lastCritic?.review.summary ?? '', /README\.md lacks never/);
    assert.equal(state.revision?.by, "gpt, and the project's test command");
    assert.equal(state.lastTested?.failed, true);

    state.firstRound = state.round - policy.rules.maxReviewRounds;
    assert.deepEqual(await verifyingStep(scope, state, reviewed.critic), { step: 'escalating' });
    assert.equal(state.roundsExhausted, true);
    assert.equal(state.revision, undefined);
    assert.equal(state.criticReviews.length, 2);
  } finally {
    await h.close();
  }
});

test('escalating: a block with rules.humanGate.onBlock off is a rejection; a protected path goes to the gate after the final owner', async () => {
  const h = await startHarness({ 'README.md': README, '.github/workflows/ci.yml': 'name: ci\n' });
  try {
    const base = testPolicy(h.server);
    const policy = { ...base, rules: { ...base.rules, humanGate: { ...base.rules.humanGate, onBlock: false } } };
    const blocked = await scopeFor(h, 'Fix typo in README.md', { policy });
    const state = await stateWith(blocked.scope, fixedImplementer(blocked.scope, TYPO_FIX, 'sonnet').strategy);
    await implementStep(blocked.scope, state);
    const gpt = blocked.scope.specsOf([{ modelId: 'gpt' }])[0]!;
    state.lastCritic = { review: { verdict: 'block', summary: 'this breaks the docs', findings: [] }, spec: gpt };
    assert.deepEqual(await escalationStep(blocked.scope, state), {
      step: 'done',
      outcome: 'rejected',
      message: 'rejected: this breaks the docs',
    });
    assert.equal(blocked.events.at(-1)?.type, 'rejected');

    const ci = searchReplace('.github/workflows/ci.yml', 'name: ci', 'name: build').text as string;
    const guarded = await scopeFor(h, 'Rename the workflow in .github/workflows/ci.yml');
    const touched = await stateWith(guarded.scope, fixedImplementer(guarded.scope, ci, 'sonnet').strategy);
    await implementStep(guarded.scope, touched);
    touched.lastCritic = { review: { verdict: 'approve', summary: 'fine', findings: [] }, spec: gpt };
    h.queues.finalOwner.push(approve('fine by me'));
    const next = await escalationStep(guarded.scope, touched);
    assert.equal(next.step, 'at-gate');
    assert.ok(next.step === 'at-gate' && next.human.some((r) => r.code === 'protected-path'));
    assert.ok(next.step === 'at-gate' && next.review?.summary === 'fine by me');
    assert.equal(guarded.scope.reported.review?.summary, 'fine by me');
  } finally {
    await h.close();
  }
});

test('at the gate: a send-back starts a new pass with the notes; past the limit, or rejected, the run ends', async () => {
  const h = await startHarness({ 'README.md': README });
  try {
    let answer: GateAnswer = { sendBack: 'say "project" in bold', findings: [] };
    const { scope, events } = await scopeFor(h, 'Fix typo in README.md', { gate: async () => answer });
    const state = await stateWith(scope, fixedImplementer(scope, TYPO_FIX, 'sonnet').strategy);
    await implementStep(scope, state);
    const human = [{ code: 'risk' as const, reason: 'high risk: a person confirms' }];

    assert.deepEqual(await gateStep(scope, state, human, undefined), { step: 'implementing' });
    assert.equal(state.revision?.by, 'a person at the review gate');
    assert.equal(state.revision?.review.summary, 'say "project" in bold');
    assert.equal(state.firstRound, state.round + 1, 'a new pass counts its rounds afresh');
    const waiting = events.find((e) => e.type === 'gate-waiting');
    assert.ok(waiting?.type === 'gate-waiting' && waiting.reasons[0] === 'high risk: a person confirms');

    state.humanSendBacks = MAX_HUMAN_SEND_BACKS;
    const over = await gateStep(scope, state, human, undefined);
    assert.ok(over.step === 'done' && over.outcome === 'rejected' && /sent back 3 times already/.test(over.message));

    answer = { reject: 'not this week' };
    assert.deepEqual(await gateStep(scope, state, human, undefined), {
      step: 'done',
      outcome: 'rejected',
      message: 'rejected: not this week; nothing was applied',
    });
  } finally {
    await h.close();
  }
});

test('applying: the host writes the change; one it cannot write fails the run naming the file, and nothing is written', async () => {
  const h = await startHarness({ 'README.md': README });
  try {
    const { scope, events } = await scopeFor(h, 'Fix typo in README.md');
    const state = await stateWith(scope, fixedImplementer(scope, TYPO_FIX, 'sonnet').strategy);
    await implementStep(scope, state);
    writeFileSync(join(h.root, 'README.md'), '# Demo\n\nSomeone else changed this.\n');
    await assert.rejects(applyStep(scope, state), (e) => {
      assert.ok(e instanceof StageFailure);
      assert.equal(e.info.kind, 'apply');
      assert.match(e.info.message, /^The change could not be applied: README\.md.*Nothing was written\.$/);
      return true;
    });
    assert.equal(h.read('README.md'), '# Demo\n\nSomeone else changed this.\n');

    writeFileSync(join(h.root, 'README.md'), README);
    assert.deepEqual(await applyStep(scope, state), {
      step: 'done',
      outcome: 'applied',
      message: 'applied to 1 file(s)',
    });
    assert.equal(h.read('README.md'), '# Demo\n\nThis project routes tasks.\n');
    const applied = events.at(-1);
    assert.ok(applied?.type === 'applied' && applied.files[0] === 'README.md' && applied.diff === undefined);
    assert.ok(scope.host.ms > 0, 'the write counts as the host’s time');
  } finally {
    await h.close();
  }
});
