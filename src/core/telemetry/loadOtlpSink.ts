// Loads the OTLP exporter on first use. In the bundles this import is rewritten (esbuild.config.mjs)
// to require dist/telemetry.js, a chunk of its own, so the OpenTelemetry SDK is in neither the
// extension's entry bundle nor main.js and is read from disk only when export is switched on.
import type { SinkFactory } from './telemetrySession';

export async function loadOtlpSink(): Promise<SinkFactory> {
  const m = require('./otlpSink') as typeof import('./otlpSink');
  return m.createOtlpSink;
}
