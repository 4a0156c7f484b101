// The panel's view of the classifier's calls: how sure the local classifier was of the kind and
// the risk, the features behind each, and which way an unsure call leaned. When a classifier model
// refined the kind, the local calls are still what is shown, with the model named beside them.
import type { Call } from '../../core/routing/classificationSchema';
import type { RoutingDecision } from '../../core/routing/decisionSchema';
import { shownCalls } from '../../core/routing/personCalls';
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
  const shown = shownCalls(d.classification, local);
  if (!shown) return undefined;
  const modelSaid = d.classification.reasons.find((r) => / said \S+\/\S+; the local classifier said /.test(r));
  const refinedBy = d.localClassification && modelSaid ? /^(\S+) said/.exec(modelSaid)?.[1] : undefined;
  return {
    kind: callView(...shown.kind),
    risk: callView(...shown.risk),
    refinedBy,
  };
}
