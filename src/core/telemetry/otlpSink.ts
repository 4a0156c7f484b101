// The OpenTelemetry side of Switchyard's telemetry: turns each finished run's RunTrace into real
// spans and metric measurements with the official SDK and exports them over OTLP/HTTP (protobuf or
// JSON). This module and everything it imports is the only code that loads @opentelemetry/*: it
// is bundled on its own (dist/telemetry.js) and required only when export is switched on. Nothing
// here reads the environment — the configuration says everything (see telemetryConfig.ts).
import { randomUUID } from 'node:crypto';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import { version } from '../../../package.json';
import { createMetricExporter, createTraceExporter } from './otlpExporters';
import { metricInstruments } from './otlpInstruments';
import type { TelemetryConfig } from './telemetryConfig';
import type { ExportFailureInfo, TelemetrySink } from './telemetrySession';
import type { RunTrace } from './traceTypes';

const SCOPE = 'switchyard';

export function createOtlpSink(config: TelemetryConfig, onFailure: (f: ExportFailureInfo) => void): TelemetrySink {
  const resource = defaultResource().merge(
    resourceFromAttributes({
      ...config.resourceAttributes,
      [ATTR_SERVICE_NAME]: config.serviceName,
      [ATTR_SERVICE_VERSION]: version,
      'service.instance.id': randomUUID(),
      'switchyard.surface': config.surface,
    }),
  );
  const traceExporter = config.traces && createTraceExporter(config.traces, onFailure);
  const tracerProvider =
    traceExporter &&
    new BasicTracerProvider({
      resource,
      spanProcessors: [
        new BatchSpanProcessor(traceExporter.exporter, {
          maxQueueSize: 2048,
          maxExportBatchSize: 512,
          scheduledDelayMillis: 500,
          exportTimeoutMillis: config.traces!.timeoutMs,
        }),
      ],
    });
  const metricExporter = config.metrics && createMetricExporter(config.metrics, config.temporality, onFailure);
  const meterProvider =
    metricExporter &&
    new MeterProvider({
      resource,
      readers: [
        new PeriodicExportingMetricReader({
          exporter: metricExporter.exporter,
          exportIntervalMillis: 60_000,
          exportTimeoutMillis: config.metrics!.timeoutMs,
        }),
      ],
    });
  const instruments = meterProvider && metricInstruments(meterProvider.getMeter(SCOPE, version));
  const tracer = tracerProvider?.getTracer(SCOPE, version);

  const flushAll = async () => {
    await Promise.all([tracerProvider?.forceFlush(), meterProvider?.forceFlush()]);
  };

  return {
    export(run: RunTrace) {
      if (tracer) emitSpans(tracer, run);
      if (instruments) for (const p of run.metrics) instruments.record(p);
      // Each run goes out when it ends: a person watching the collector should not wait a minute.
      flushAll().catch(() => undefined);
    },
    flush: flushAll,
    async shutdown() {
      await Promise.all([tracerProvider?.shutdown(), meterProvider?.shutdown()]);
    },
    abort() {
      traceExporter?.transport.abortAll();
      metricExporter?.transport.abortAll();
    },
  };
}

type Tracer = ReturnType<BasicTracerProvider['getTracer']>;

function emitSpans(tracer: Tracer, run: RunTrace): void {
  const made = new Map<string, Span>();
  for (const s of run.spans) {
    const parent = s.parentKey ? made.get(s.parentKey) : undefined;
    const ctx = parent ? trace.setSpan(ROOT_CONTEXT, parent) : ROOT_CONTEXT;
    const span = tracer.startSpan(
      s.name,
      {
        kind: s.kind === 'client' ? SpanKind.CLIENT : SpanKind.INTERNAL,
        startTime: s.startMs,
        attributes: s.attributes,
      },
      ctx,
    );
    for (const ev of s.events) span.addEvent(ev.name, ev.attributes, ev.atMs);
    if (s.status.code !== 'unset')
      span.setStatus({
        code: s.status.code === 'error' ? SpanStatusCode.ERROR : SpanStatusCode.OK,
        message: s.status.message,
      });
    made.set(s.key, span);
  }
  // Children end before their parents, as they would have live.
  for (const s of [...run.spans].reverse()) made.get(s.key)!.end(Math.max(s.endMs, s.startMs));
}
