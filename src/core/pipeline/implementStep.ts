// implementing: one round of the implementer — the earlier run's change when it is reused and still
// fits, otherwise the implementer strategy inside its stage (with the critic's or a person's review
// to address after the first round). The change becomes the run's diff; the next round starts with
// the model that made it. Then → reviewing.
import { agentImplementerFor } from '../agents/agentImplementer';
import { diffArtifactOf, resolveImplementerReply } from '../stage/implementerEdits';
import { ImplementerChain } from './implementerChain';
import { ModelImplementer } from './modelImplementer';
import type { Brief, Implemented, Phase, RunState } from './runState';
import { newRunState } from './runState';
import { problemList, type RunScope } from './runScope';

/** The state the implement ⇄ review loop starts from: the implementer's chain and strategy, the files it reads. */
export async function startWork(scope: RunScope, brief: Brief): Promise<RunState> {
  const implD = scope.stageOf('implementer')!;
  const candidates = scope.specsOf(implD.chain);
  const foundPaths = brief.findings?.relevantFiles.map((f) => f.path) ?? [];
  const files = await scope.filesFor(brief.kit.userPaths, [...foundPaths, ...(brief.plan?.filesToTouch ?? [])]);
  // Each model of the chain implements its own way: a coding agent in a scratch copy of its own
  // (agents/agentImplementer.ts), a chat model by replying with edits (modelImplementer.ts).
  const { opts, policy, signal, ctx } = scope;
  const briefing = {
    ...{ root: opts.root, task: brief.kit.task, plan: brief.plan, findings: brief.findings, nonce: brief.kit.nonce },
    ...{ policy, host: opts.agents, priceLookup: opts.priceLookup, signal, budget: ctx.budget },
  };
  const strategy = new ImplementerChain({
    agent: (spec) => agentImplementerFor(spec, briefing),
    chat: (first) =>
      new ModelImplementer({
        brief,
        files: files.files,
        first,
        root: opts.root,
        touch: scope.touch,
        outBudget: scope.outBudget('implementer'),
      }),
  });
  return newRunState(brief, { strategy, candidates, why: implD.why, rejected: implD.rejected, vendor: '' });
}

export async function implementStep(scope: RunScope, state: RunState): Promise<Phase> {
  const round = ++state.round;
  const slot = state.implementer;
  const reused = round === 1 && !state.revision ? await reusedImplementation(scope, state) : undefined;
  const impl =
    reused ??
    (await scope.runStage('implementer', round, slot.candidates, slot.why, slot.rejected, (sr) => {
      const revision = state.revision;
      state.revision = undefined;
      return slot.strategy.implement(sr, revision);
    }));
  // The next round starts with the model that worked (a fallback stays in charge).
  slot.candidates = slot.candidates.slice(
    Math.max(
      0,
      slot.candidates.findIndex((m) => m.id === impl.spec.id),
    ),
  );
  slot.why = impl.why;
  slot.rejected = impl.rejected;
  slot.vendor = impl.spec.vendor;
  const diff = diffArtifactOf(impl.resolved);
  state.change = { diff, resolved: impl.resolved };
  await scope.touch(diff.files);
  scope.reported.diff = diff;
  scope.reported.resolved = impl.resolved;
  scope.emit({ type: 'artifact-ready', stage: 'implementer', round, artifact: { kind: 'diff', value: diff } });
  return { step: 'reviewing' };
}

/** The earlier run's change, when it still fits the files: reviewed as this run's first round. */
async function reusedImplementation(scope: RunScope, state: RunState): Promise<Implemented | undefined> {
  const reuse = scope.opts.reuse;
  const given = reuse?.implementation;
  const spec = given && scope.specsOf([given])[0];
  if (!reuse || !given || !spec) return undefined;
  const out = await resolveImplementerReply(given.diff, scope.opts.root);
  if (!out.ok) {
    scope.emit({
      type: 'stage-skipped',
      stage: 'implementer',
      reason: `the change from ${reuse.from} no longer fits the files (${problemList(out.problems.slice(0, 2))}); asking the implementer again`,
    });
    return undefined;
  }
  // The implementer starts as if it had written this change here, so a revision has its history.
  state.implementer.strategy.adopt?.(given.diff, spec.id);
  scope.emit({ type: 'stage-skipped', stage: 'implementer', reason: `change by ${spec.id} reused from ${reuse.from}` });
  return { resolved: out.resolved, spec, why: state.implementer.why, rejected: state.implementer.rejected };
}
