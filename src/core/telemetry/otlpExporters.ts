// The OTLP span and metric exporters: the SDK's own exporter classes and serializers (protobuf or
// JSON) over our transport (otlpTransport.ts), reporting every failed export to the caller so it
// can warn once. Built from the configuration alone: unlike the SDK's ready-made exporters, they
// read no OTEL_* variable, so a header from the environment never goes to an endpoint chosen
// elsewhere (the extension's settings).
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { AggregationTemporalityPreference, OTLPMetricExporterBase } from '@opentelemetry/exporter-metrics-otlp-http';
import { ExporterMetrics, OTLPExporterBase, createOtlpNetworkExportDelegate } from '@opentelemetry/otlp-exporter-base';
import {
  type IExporterMetricsHelper,
  type ISerializer,
  JsonMetricsSerializer,
  JsonTraceSerializer,
  MetricsExporterMetricsHelper,
  ProtobufMetricsSerializer,
  ProtobufTraceSerializer,
  TraceExporterMetricsHelper,
} from '@opentelemetry/otlp-transformer';
import type { ResourceMetrics } from '@opentelemetry/sdk-metrics';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { createOtlpTransport } from './otlpTransport';
import type { OtlpSignal, TelemetryConfig } from './telemetryConfig';
import type { ExportFailureInfo } from './telemetrySession';

type OnFailure = (f: ExportFailureInfo) => void;

/** The SDK's export delegate (serializer, bounded queue of in-flight exports) over our transport. */
function delegateFor<Internal, Response>(
  cfg: OtlpSignal,
  serializer: ISerializer<Internal, Response>,
  componentType: string,
  metricsHelper: IExporterMetricsHelper<Internal>,
) {
  const transport = createOtlpTransport(cfg);
  const delegate = createOtlpNetworkExportDelegate(
    { timeoutMillis: cfg.timeoutMs, concurrencyLimit: 8, compression: 'none' },
    serializer,
    // The exporter's self-observation metrics go nowhere (no meter provider).
    new ExporterMetrics({
      componentType,
      metricsHelper,
      url: cfg.url,
      meterProvider: undefined,
      responseAttributesFromError: () => ({}),
    }),
    transport,
  );
  return { delegate, transport };
}

function watch(signal: 'traces' | 'metrics', cfg: OtlpSignal, onFailure: OnFailure, cb: (r: ExportResult) => void) {
  return (r: ExportResult) => {
    if (r.code !== ExportResultCode.SUCCESS) onFailure({ signal, url: cfg.url, error: r.error });
    cb(r);
  };
}

export function createTraceExporter(cfg: OtlpSignal, onFailure: OnFailure) {
  const { delegate, transport } = delegateFor(
    cfg,
    cfg.protocol === 'http/json' ? JsonTraceSerializer : ProtobufTraceSerializer,
    'otlp_http_span_exporter',
    TraceExporterMetricsHelper,
  );
  class WatchedSpanExporter extends OTLPExporterBase<ReadableSpan[]> {
    override export(items: ReadableSpan[], cb: (r: ExportResult) => void): void {
      super.export(items, watch('traces', cfg, onFailure, cb));
    }
  }
  return { exporter: new WatchedSpanExporter(delegate), transport };
}

export function createMetricExporter(
  cfg: OtlpSignal,
  temporality: TelemetryConfig['temporality'],
  onFailure: OnFailure,
) {
  const { delegate, transport } = delegateFor(
    cfg,
    cfg.protocol === 'http/json' ? JsonMetricsSerializer : ProtobufMetricsSerializer,
    'otlp_http_metric_exporter',
    MetricsExporterMetricsHelper,
  );
  const preference = {
    cumulative: AggregationTemporalityPreference.CUMULATIVE,
    delta: AggregationTemporalityPreference.DELTA,
    lowmemory: AggregationTemporalityPreference.LOWMEMORY,
  }[temporality];
  class WatchedMetricExporter extends OTLPMetricExporterBase {
    override export(items: ResourceMetrics, cb: (r: ExportResult) => void): void {
      super.export(items, watch('metrics', cfg, onFailure, cb));
    }
  }
  return {
    exporter: new WatchedMetricExporter(delegate, { temporalityPreference: preference }),
    transport,
  };
}
