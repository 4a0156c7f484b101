// One finished run as telemetry, in plain data: the spans of its trace (run → stage passes → model
// calls) and the metric measurements it adds. The fold (runTrace.ts) builds it from PipelineEvents
// with no OpenTelemetry code; the exporter (otlpSink.ts) turns it into OTLP.

export type AttrValue = string | number | boolean | string[];
export type Attrs = Record<string, AttrValue>;

export interface TraceSpan {
  /** Local id, unique within the run; the exporter assigns the real span ids. */
  key: string;
  parentKey?: string;
  name: string;
  kind: 'internal' | 'client';
  /** Epoch milliseconds (fractions allowed). */
  startMs: number;
  endMs: number;
  attributes: Attrs;
  status: { code: 'unset' | 'ok' | 'error'; message?: string };
  events: Array<{ name: string; atMs: number; attributes: Attrs }>;
}

export type MetricName =
  | 'gen_ai.client.token.usage'
  | 'gen_ai.client.operation.duration'
  | 'switchyard.cost'
  | 'switchyard.changes.accepted'
  | 'switchyard.changes.cost'
  | 'switchyard.runs';

export interface MetricPoint {
  metric: MetricName;
  value: number;
  attributes: Attrs;
}

export interface RunTrace {
  runId: string;
  /** Parents come before their children; the first span is the run's root. */
  spans: TraceSpan[];
  metrics: MetricPoint[];
}
