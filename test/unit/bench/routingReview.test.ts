// A routing review over a three-task benchmark set, end to end: real SDK providers over HTTP to the
// loopback model server, the real pipeline in scratch copies, the policy's verify command, and the
// side-by-side figures checked against numbers worked out by hand from the scripted usage.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { reviewRouting } from '../../../src/core/bench/routingReview';
import type { ReplayHost } from '../../../src/core/bench/replayItem';
import { CandidateError } from '../../../src/core/bench/candidatePolicy';
import { createProvider } from '../../../src/core/providers/createProvider';
import { runVerifyStage } from '../../../src/core/verify/verifyStage';
import type { RoutingPolicy } from '../../../src/core/config/policySchema';
import { startLoopbackServer } from '../../support/loopbackServer';
import { benchHandler, benchPolicy, benchSet, KEY, makeWorkspace, treeHash, VERIFY } from './support';

function hostFor(policy: RoutingPolicy): ReplayHost {
  return {
    availability: () => undefined,
    providerFor: (spec) => createProvider(spec, { apiKey: KEY, baseUrl: spec.baseUrl }),
    verify: (root, resolved, signal) =>
      runVerifyStage({
        root,
        resolvedPlan: resolved,
        verify: policy.verify!,
        trusted: true,
        approvals: { has: () => true, add: () => undefined },
        askApproval: async () => true,
        signal,
      }),
    resilience: { sleep: async () => {}, random: () => 0 },
  };
}

test('candidate as implementer: side-by-side figures, per-item outcomes, workspace untouched, no switch suggested', async () => {
  const server = await startLoopbackServer();
  const root = makeWorkspace();
  try {
    server.setHandler(benchHandler());
    const policy = benchPolicy(server, VERIFY);
    const before = treeHash(root);
    const progress: string[] = [];
    const report = await reviewRouting({
      root,
      set: benchSet(),
      policy,
      stage: 'implementer',
      candidate: 'newbie',
      host: hostFor(policy),
      onProgress: (p) => progress.push(`${p.side}:${p.index + 1}/${p.total}`),
    });
    assert.equal(treeHash(root), before, 'the workspace is byte-identical after six replays');
    assert.deepEqual(progress, [
      'current:1/3',
      'current:2/3',
      'current:3/3',
      'candidate:1/3',
      'candidate:2/3',
      'candidate:3/3',
    ]);
    // Each replay: one implementer call + one critic call; nothing else reached the server.
    assert.equal(server.requests.length, 12);
    assert.equal(server.requests.filter((r) => r.model === 'newbie-test').length, 3);

    const c = report.current;
    const n = report.candidateSide;
    // Current routing: sonnet 1000 in / 200 out at $3/$15 per MTok = 0.003 + 0.003 = $0.006;
    // gpt critic 2000 in / 100 out at $1.25/$10 = 0.0025 + 0.001 = $0.0035. Per item $0.0095, x3 = $0.0285.
    assert.equal(c.items, 3);
    assert.equal(c.approved, 3);
    assert.equal(c.approvalRate, 1);
    assert.equal(c.verified, 3);
    assert.equal(c.verifyPassRate, 1);
    assert.deepEqual(c.findings, { critical: 0, major: 0, minor: 0, info: 0 });
    assert.equal(c.tokensIn, 3 * (1000 + 2000));
    assert.equal(c.tokensOut, 3 * (200 + 100));
    assert.ok(Math.abs(c.costUsd - 0.0285) < 1e-9, `current cost ${c.costUsd}`);
    assert.equal(c.trustedChanges, 3);
    assert.ok(Math.abs(c.costPerTrustedChange! - 0.0095) < 1e-9);
    assert.equal(c.headUsed, 3);
    // Candidate: newbie 1000 in / 200 out at $0.5/$2 = 0.0005 + 0.0004 = $0.0009; + critic $0.0035 = $0.0044 per item, x3 = $0.0132.
    // Approved 2 of 3 (the range fix is wrong: verification fails, the critic asks for changes with one major finding).
    // Trusted: 2 items at $0.0044 each → cost per trusted change $0.0044.
    assert.equal(n.items, 3);
    assert.equal(n.approved, 2);
    assert.ok(Math.abs(n.approvalRate! - 2 / 3) < 1e-12);
    assert.equal(n.verified, 3);
    assert.equal(n.verifyPassed, 2);
    assert.ok(Math.abs(n.verifyPassRate! - 2 / 3) < 1e-12);
    assert.deepEqual(n.findings, { critical: 0, major: 1, minor: 0, info: 0 });
    assert.equal(n.tokensIn, 9000);
    assert.equal(n.tokensOut, 900);
    assert.ok(Math.abs(n.costUsd - 0.0132) < 1e-9, `candidate cost ${n.costUsd}`);
    assert.equal(n.trustedChanges, 2);
    assert.ok(Math.abs(n.costPerTrustedChange! - 0.0044) < 1e-9);
    assert.equal(n.headUsed, 3);
    assert.equal(n.failed, 0);
    // Time: the sum of each run's own wall time, positive on both sides.
    assert.ok(c.elapsedMs > 0 && n.elapsedMs > 0);

    assert.deepEqual(
      report.items.map((i) => [
        i.itemId,
        i.current.outcome,
        i.candidate.outcome,
        i.candidate.stageModel,
        i.candidate.verified,
      ]),
      [
        ['item-1', 'applied', 'applied', 'newbie', true],
        ['item-2', 'applied', 'applied', 'newbie', true],
        ['item-3', 'applied', 'rejected', 'newbie', false],
      ],
    );
    assert.equal(report.suggestion.recommend, false);
    assert.match(report.suggestion.reasons.join(' '), /Approval rate drops: 67% vs 100%/);
    assert.deepEqual(report.cleanupProblems, []);
  } finally {
    await server.close();
    rmSync(root, { recursive: true, force: true });
  }
});

test('a candidate that matches the approvals for less money is suggested at the head of the chain', async () => {
  const server = await startLoopbackServer();
  const root = makeWorkspace();
  try {
    server.setHandler(benchHandler({ candidateWrongOnRange: false }));
    const policy = benchPolicy(server); // no verify command: the pass rate is n/a on both sides
    const before = treeHash(root);
    const report = await reviewRouting({
      root,
      set: benchSet(),
      policy,
      stage: 'implementer',
      candidate: 'newbie',
      host: hostFor(policy),
    });
    assert.equal(treeHash(root), before);
    assert.equal(report.current.verifyPassRate, null);
    assert.equal(report.candidateSide.verifyPassRate, null);
    assert.equal(report.candidateSide.approvalRate, 1);
    assert.equal(report.suggestion.recommend, true);
    assert.deepEqual(report.suggestion.fromChain, ['sonnet']);
    assert.deepEqual(report.suggestion.toChain, ['newbie', 'sonnet']);
    assert.match(report.suggestion.reasons.join(' '), /Cost per trusted change \$0\.0044 vs \$0\.0095/);
  } finally {
    await server.close();
    rmSync(root, { recursive: true, force: true });
  }
});

test('an unknown candidate is refused before any replay, naming the known models', async () => {
  const server = await startLoopbackServer();
  const root = makeWorkspace();
  try {
    const policy = benchPolicy(server);
    await assert.rejects(
      reviewRouting({ root, set: benchSet(), policy, stage: 'implementer', candidate: 'nope', host: hostFor(policy) }),
      (e: unknown) =>
        e instanceof CandidateError &&
        /"nope" is not in the routing policy \(known: sonnet, gpt, newbie\)/.test(e.message),
    );
    assert.equal(server.requests.length, 0);
  } finally {
    await server.close();
    rmSync(root, { recursive: true, force: true });
  }
});

test('cancelled part-way: the figures cover what finished, nothing is suggested, the workspace is untouched', async () => {
  const server = await startLoopbackServer();
  const root = makeWorkspace();
  try {
    server.setHandler(benchHandler({ candidateWrongOnRange: false }));
    const policy = benchPolicy(server);
    const before = treeHash(root);
    const ac = new AbortController();
    const report = await reviewRouting({
      root,
      set: benchSet(),
      policy,
      stage: 'implementer',
      candidate: 'newbie',
      host: { ...hostFor(policy), signal: ac.signal },
      // Cancel as the second item of the current routing starts: it ends cancelled, nothing more runs.
      onProgress: (p) => {
        if (p.side === 'current' && p.index === 1) ac.abort('cancelled by the test');
      },
    });
    assert.equal(report.cancelled, true);
    assert.equal(report.suggestion.recommend, false);
    assert.match(report.suggestion.reasons[0]!, /cancelled before every item ran/);
    assert.equal(report.current.items, 2);
    assert.equal(report.candidateSide.items, 0);
    assert.equal(server.requests.filter((r) => r.model === 'newbie-test').length, 0);
    assert.equal(treeHash(root), before);
  } finally {
    await server.close();
    rmSync(root, { recursive: true, force: true });
  }
});

test('an item whose accepted change is already in the workspace replays on the files as they were before it', async () => {
  const server = await startLoopbackServer();
  // The README typo was fixed by the marked run: the workspace has the fixed line today.
  const root = makeWorkspace({ 'README.md': '# Demo\n\nThis project routes tasks.\n' });
  try {
    server.setHandler(benchHandler());
    const policy = benchPolicy(server);
    const before = treeHash(root);
    const acceptedDiff = [
      'diff --git a/README.md b/README.md',
      '--- a/README.md',
      '+++ b/README.md',
      '@@ -3 +3 @@',
      '-This projcet routes tasks.',
      '+This project routes tasks.',
      '',
    ].join('\n');
    const set = {
      version: 1 as const,
      items: [
        {
          id: 'typo',
          task: 'Fix typo in README.md',
          addedAt: '2026-11-01T00:00:00.000Z',
          contextFiles: [],
          acceptedDiff,
        },
      ],
    };
    const report = await reviewRouting({
      root,
      set,
      policy,
      stage: 'implementer',
      candidate: 'newbie',
      host: hostFor(policy),
    });
    assert.equal(report.items[0]!.base, 'restored');
    // The implementer's SEARCH text ("projcet") only exists once the fix was taken back in the scratch.
    assert.equal(report.items[0]!.current.outcome, 'applied', report.items[0]!.current.message);
    assert.equal(report.items[0]!.candidate.outcome, 'applied', report.items[0]!.candidate.message);
    assert.equal(treeHash(root), before, 'the workspace keeps its fixed README');
    // A reference that no longer fits the files: replayed on today's files, and said so.
    const stale = {
      ...set,
      items: [
        {
          ...set.items[0]!,
          acceptedDiff: acceptedDiff.replace('+This project routes tasks.', '+This project routes all tasks.'),
        },
      ],
    };
    const r2 = await reviewRouting({
      root,
      set: stale,
      policy,
      stage: 'implementer',
      candidate: 'newbie',
      host: hostFor(policy),
    });
    assert.equal(r2.items[0]!.base, 'as-is');
    assert.equal(r2.items[0]!.current.outcome, 'failed', 'the task cannot be redone on the already-fixed file');
    assert.equal(treeHash(root), before);
  } finally {
    await server.close();
    rmSync(root, { recursive: true, force: true });
  }
});
