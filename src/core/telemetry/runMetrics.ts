// The measurements one finished run adds to the team's metrics. Per model call: the GenAI client
// token-usage and duration histograms and switchyard.cost. Per run: switchyard.runs, and for an
// applied change, switchyard.changes.accepted and switchyard.changes.cost for every model and role
// that took part — so "cost per trusted change per model and role" is changes.cost ÷ changes.accepted
// filtered on switchyard.trusted=true, the scorecard's own definition (ledger/scorecard.ts).
import type { PipelineEventOf } from '../stage/events';
import { isTrustedChange, type RunRecord } from '../ledger/runRecordSchema';
import { General, GenAi, genAiProviderName, GenAiMetric, Operation, Sy, SyMetric } from './genAiConventions';
import type { Attrs, MetricPoint } from './traceTypes';

type Call = PipelineEventOf<'model-call-finished'>;

/** The attributes every per-call measurement carries: who served it, which model, in which role. */
export function callMetricAttributes(c: Call): Attrs {
  return {
    [GenAi.operationName]: Operation.chat,
    [GenAi.providerName]: genAiProviderName(c.provider, c.serverAddress),
    [GenAi.requestModel]: c.requestModel,
    ...(c.responseModel ? { [GenAi.responseModel]: c.responseModel } : {}),
    [Sy.model]: c.modelId,
    [Sy.vendor]: c.vendor,
    [Sy.role]: c.stage,
  };
}

export function metricsForRun(record: RunRecord, calls: readonly Call[]): MetricPoint[] {
  const points: MetricPoint[] = [];
  for (const c of calls) {
    const attrs = callMetricAttributes(c);
    points.push({
      metric: GenAiMetric.operationDuration,
      value: c.durationMs / 1000,
      attributes: c.status === 'ok' ? attrs : { ...attrs, [General.errorType]: c.error?.kind ?? c.status },
    });
    if (c.status !== 'ok') continue;
    points.push(
      { metric: GenAiMetric.tokenUsage, value: c.inputTokens, attributes: { ...attrs, [GenAi.tokenType]: 'input' } },
      { metric: GenAiMetric.tokenUsage, value: c.outputTokens, attributes: { ...attrs, [GenAi.tokenType]: 'output' } },
      { metric: SyMetric.cost, value: c.costUsd, attributes: { ...attrs, [Sy.kind]: record.kind } },
    );
  }
  const trusted = isTrustedChange(record);
  points.push({
    metric: SyMetric.runs,
    value: 1,
    attributes: { [Sy.outcome]: record.outcome, [Sy.kind]: record.kind, [Sy.risk]: record.risk, [Sy.trusted]: trusted },
  });
  if (record.outcome === 'applied') {
    // Each (model, role) that did a pass of this run shares in the change, as in the scorecard.
    const seen = new Set<string>();
    for (const s of record.stages) {
      const key = `${s.modelId}\u0000${s.stage}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const attributes = { [Sy.model]: s.modelId, [Sy.vendor]: s.vendor, [Sy.role]: s.stage, [Sy.trusted]: trusted };
      points.push(
        { metric: SyMetric.changesAccepted, value: 1, attributes },
        { metric: SyMetric.changesCost, value: record.totals.costUsd, attributes },
      );
    }
  }
  return points;
}
