// The metric instruments, with the units and histogram buckets the GenAI conventions give, and
// Switchyard's counters for cost, accepted changes and runs (see runMetrics.ts for what each gets).
import type { Counter, Histogram, Meter } from '@opentelemetry/api';
import { DURATION_BUCKETS, GenAiMetric, SyMetric, TOKEN_BUCKETS } from './genAiConventions';
import type { MetricName, MetricPoint } from './traceTypes';

export function metricInstruments(meter: Meter): { record(p: MetricPoint): void } {
  const byName: Record<MetricName, Histogram | Counter> = {
    [GenAiMetric.tokenUsage]: meter.createHistogram(GenAiMetric.tokenUsage, {
      unit: '{token}',
      description: 'Input and output tokens per model call.',
      advice: { explicitBucketBoundaries: TOKEN_BUCKETS },
    }),
    [GenAiMetric.operationDuration]: meter.createHistogram(GenAiMetric.operationDuration, {
      unit: 's',
      description: 'Duration of each model call, retries included.',
      advice: { explicitBucketBoundaries: DURATION_BUCKETS },
    }),
    [SyMetric.cost]: meter.createCounter(SyMetric.cost, {
      unit: '{USD}',
      description: 'What model calls cost, in US dollars, by model and role.',
    }),
    [SyMetric.changesAccepted]: meter.createCounter(SyMetric.changesAccepted, {
      unit: '{change}',
      description:
        'Applied changes, counted once for every model and role that took part (switchyard.trusted: after an approving cross-vendor review).',
    }),
    [SyMetric.changesCost]: meter.createCounter(SyMetric.changesCost, {
      unit: '{USD}',
      description:
        'Whole-run cost of applied changes, by every model and role that took part: ÷ switchyard.changes.accepted = cost per change.',
    }),
    [SyMetric.runs]: meter.createCounter(SyMetric.runs, {
      unit: '{run}',
      description: 'Runs by outcome, task kind and risk.',
    }),
  };
  return {
    record(p) {
      const instrument = byName[p.metric];
      if ('record' in instrument) instrument.record(p.value, p.attributes);
      else instrument.add(p.value, p.attributes);
    },
  };
}
