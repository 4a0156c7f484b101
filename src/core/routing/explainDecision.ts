// Renders a RoutingDecision as plain text for the CLI (`explain`, the start of `route`) and logs:
// what the task is, why it was classified so, which model owns each stage and why, what was
// rejected and why, the gates and the estimate. The UI renders the same data its own way.
import type { Call, Classification } from './classificationSchema';
import { SET_BY_YOU, setByPerson, shownCalls } from './personCalls';
import { ROLE_LABELS, type AppliedResidencyRule, type RoutingDecision } from './decisionSchema';

function usd(n: number): string {
  return n < 0.01 && n > 0 ? `$${n.toFixed(4)}` : `$${n.toFixed(2)}`;
}

const pct = (p: number): string => `${Math.round(p * 100)}%`;

function callText(name: string, call: Call): string {
  const how = call.rule === SET_BY_YOU ? SET_BY_YOU : call.rule ? `by rule: ${call.rule}` : pct(call.confidence);
  return `${name} ${how}`;
}

/** Confidence, the features behind each call, and what an unsure call leaned towards. */
export function callLines(calls: NonNullable<Classification['calls']>, needsPlan?: boolean): string[] {
  const out = [
    `Confidence: ${callText('kind', calls.kind)} · ${callText('risk', calls.risk)}${needsPlan === undefined ? '' : ` · plan first: ${needsPlan ? 'yes' : 'no'}`}`,
  ];
  for (const [name, call] of [
    ['kind', calls.kind],
    ['risk', calls.risk],
  ] as const)
    if (call.uncertain && call.runnerUp)
      out.push(
        `Uncertain ${name}: ${
          call.runnerUp.p > call.confidence
            ? `${call.runnerUp.label} was likelier (${pct(call.runnerUp.p)}) but below the bar for it; called at ${pct(call.confidence)}`
            : `leaned ${pct(call.confidence)} this way over ${call.runnerUp.label} (${pct(call.runnerUp.p)})`
        }; set classifier.model in the policy to have a model refine it`,
      );
  return out;
}

export function explainDecision(d: RoutingDecision, opts: { verbose?: boolean } = {}): string {
  const out: string[] = [];
  const c = d.classification;
  out.push(`Task: ${d.task}`);
  const setByYou = setByPerson(c);
  const who = `${c.source} classifier`;
  out.push(
    `Kind: ${d.kind}   Risk: ${d.risk}   (${setByYou.length ? `${setByYou.join(' and ')} set by you; ${who}` : who})`,
  );
  const local = d.localClassification ?? c;
  const shown = shownCalls(c, local);
  if (shown)
    out.push(...callLines({ kind: shown.kind[1], risk: shown.risk[1] }, (setByYou.length ? c : local).needsPlan));
  out.push(`Signals: ${c.signals.length ? c.signals.join(', ') : 'none'}`);
  for (const r of c.reasons) out.push(`  · ${r}`);
  if (d.localClassification) {
    const l = d.localClassification;
    out.push(`Local classifier: ${l.kind}/${l.risk} (${l.signals.join(', ') || 'no signals'})`);
  }
  for (const r of d.reasons) out.push(`  · ${r}`);
  out.push('');
  out.push(d.producesEdits ? 'Stages:' : 'Stages (answer only, no edits):');
  d.stages.forEach((s, i) => {
    const model = s.modelId ? `${s.modelId} (${s.vendor})` : 'no model';
    out.push(`  ${i + 1}. ${s.role.padEnd(12)} ${model.padEnd(28)} ~${usd(s.estimate.costUsd)}`);
    out.push(`     why: ${s.why}`);
    const rejected = opts.verbose ? s.rejected : s.rejected.filter((r) => r.code !== 'lower-priority');
    for (const r of rejected)
      out.push(`     rejected ${r.modelId}${r.vendor ? ` (${r.vendor})` : ''}: ${r.code} — ${r.reason}`);
    const fallbacks = s.chain.slice(1).map((m) => m.modelId);
    if (fallbacks.length && !opts.verbose) out.push(`     fallbacks: ${fallbacks.join(' → ')}`);
  });
  if (d.producesEdits)
    out.push(`Review rounds: at most ${d.maxReviewRounds} request-changes round(s), then escalation`);
  out.push('');
  if (d.residency?.length) {
    out.push('Data residency (the rules that shape which models may see this work):');
    for (const r of d.residency) out.push(`  - ${residencyLine(r)}`);
    out.push('');
  }
  if (d.gates.length) {
    out.push('Gates:');
    for (const g of d.gates) {
      // A gate that only repeats why a stage has no model points at that stage instead.
      const stage = d.stages.find((s) => s.why === g.reason);
      const reason = stage ? `see ${stage.role} above` : g.reason;
      out.push(`  - ${g.at === 'before-run' ? 'before the run' : 'before applying'} (${g.code}): ${reason}`);
    }
  } else {
    out.push('Gates: none (applies after an approving cross-vendor review, or asks when --yes is not given)');
  }
  out.push(
    `Estimated cost: ${usd(d.estimatedCostUsd)}${d.budget.perTaskUsd !== undefined ? ` (budget ${usd(d.budget.perTaskUsd)} per task)` : ''}`,
  );
  for (const w of d.warnings) out.push(`Warning: ${w}`);
  if (d.blockedReason) out.push(`Cannot run: ${d.blockedReason}`);
  return out.join('\n');
}

/** One residency rule as it bore on the task: what it says, whether it applies, whom it kept out. */
export function residencyLine(r: AppliedResidencyRule): string {
  const head = `${r.rule}: ${r.summary}`;
  if (!r.applies) return `${head} — does not apply to the files known so far (checked again as files are read)`;
  const files = r.files.length ? ` to ${r.files.join(', ')}` : '';
  const byModel = new Map<string, string[]>();
  for (const x of r.excluded)
    byModel.set(x.modelId, [...(byModel.get(x.modelId) ?? []), ROLE_LABELS[x.stage].toLowerCase()]);
  const kept = [...byModel].map(([m, stages]) => `${m} from the ${stages.join(', ')}`);
  return `${head} — applies${files}; ${kept.length ? `kept ${kept.join('; ')}` : 'every chosen model is allowed'}`;
}
