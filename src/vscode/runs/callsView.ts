// The panel's view of the classifier's calls: how sure the local classifier was of the kind and
// the risk, the features behind each, and which way an unsure call leaned. When a classifier model
// refined the kind, the local calls are still what is shown, with the model named beside them.
import type { Call } from '../../core/routing/classificationSchema';
import type { RoutingDecision } from '../../core/routing/decisionSchema';
import type { CallView, RunView } from '../../protocol/panelProtocol';

function callView(label: string, call: Call): CallView {
  return {
    label,
    confidence: call.confidence,
    uncertain: call.uncertain,
    runnerUp: call.runnerUp,
    features: call.features.map((f) => f.label),
    rule: call.rule,
  };
}

export function callsView(d: RoutingDecision): RunView['calls'] {
  const local = d.localClassification ?? d.classification;
  if (!local.calls) return undefined;
  const refinedBy = d.localClassification ? /^(\S+) said/.exec(d.classification.reasons[0] ?? '')?.[1] : undefined;
  return {
    kind: callView(local.kind, local.calls.kind),
    risk: callView(local.risk, local.calls.risk),
    refinedBy,
  };
}
