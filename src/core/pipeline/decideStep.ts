// deciding: the local classifier reads the task; a configured classifier model refines only the
// calls it was unsure of (residency and availability permitting, with short timeouts and one try;
// its cost counts toward the run); then decide() routes every stage by the policy. A host that
// decided already (the panel) passes its decision and this step does not run.
import { classify } from '../routing/classifier';
import { decide } from '../routing/decide';
import type { RoutingDecision } from '../routing/decisionSchema';
import { costOf } from '../routing/estimate';
import { classifyWithModel } from '../routing/modelClassifier';
import { withPersonCalls } from '../routing/personCalls';
import { residencyPaths } from '../residency/residencyPaths';
import { residencyViolations } from '../residency/residencyRules';
import { likelyFilesForResidency } from './exploreKit';
import type { RunBase } from './runScope';

export async function decideStep(base: RunBase): Promise<RoutingDecision> {
  const { opts, policy, contextPaths } = base;
  // The run's one ranking: its first candidate weighs in the risk (a guess, one step at most).
  const ranked = await base.located();
  const local = classify(opts.task, {
    ...opts.context,
    filePaths: contextPaths,
    likelyPaths: ranked.slice(0, 1).map((f) => f.path),
    workspace: opts.context?.workspace ?? (await base.located.profile?.()),
  });
  let classification = local;
  const notes: string[] = [];
  const id = policy.classifier.model;
  // A configured model refines only the calls the local classifier was unsure of: a confident
  // local call costs nothing and waits for no one. A call the person made is settled.
  const person = opts.personCalls ?? {};
  const unsure = local.calls
    ? (local.calls.kind.uncertain && person.kind === undefined) ||
      (local.calls.risk.uncertain && person.risk === undefined)
    : person.kind === undefined || person.risk === undefined;
  const spec = id && unsure ? policy.models.find((m) => m.id === id) : undefined;
  const files = await residencyPaths(opts.root, contextPaths);
  // Rules scoped to paths also weigh the files the locator ranks for the task (see decide.ts): the
  // run's one ranking, which the stages' kit takes up later.
  const likelyFiles = await likelyFilesForResidency(policy, opts.root, base.located);
  if (spec) {
    // The classifier reads the task (and the selection in it): rules for every stage cover it too.
    const missing = opts.availability(spec) ?? residencyViolations(policy, undefined, spec, files)[0]?.reason;
    if (missing) notes.push(`classifier model ${spec.id} not used: ${missing}; the local classification stands`);
    else {
      const timeouts = {
        ...policy.rules.timeouts,
        firstTokenSeconds: Math.min(15, policy.rules.timeouts.firstTokenSeconds),
        totalSeconds: Math.min(30, policy.rules.timeouts.totalSeconds),
      };
      const r = await classifyWithModel(opts.task, local, await base.ctx.providerFor(spec), {
        retry: { ...policy.rules.retry, maxAttempts: 1 },
        timeouts,
        sleep: opts.resilience?.sleep,
        signal: base.signal,
      });
      classification = r.classification;
      if (r.warning) notes.push(r.warning);
      if (r.usage) {
        base.unstaged.tokensIn += r.usage.inputTokens;
        base.unstaged.tokensOut += r.usage.outputTokens;
        const cost = costOf(spec, r.usage, opts.priceLookup);
        base.unstaged.costUsd += cost;
        base.ctx.budget.recordUnstaged(cost);
      }
    }
  }
  classification = withPersonCalls(classification, opts.personCalls);
  const d = decide(classification, policy, opts.availability, {
    task: opts.task,
    knownFiles: contextPaths.length,
    files,
    likelyFiles,
    priceLookup: opts.priceLookup,
    localClassification: classification.source === 'model' ? local : undefined,
  });
  return { ...d, warnings: [...d.warnings, ...notes] };
}
