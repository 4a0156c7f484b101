// Where telemetry goes, and what it may carry. The CLI builds it from the standard OpenTelemetry
// environment variables (OTEL_EXPORTER_OTLP_ENDPOINT / _HEADERS / _PROTOCOL / _TIMEOUT and their
// TRACES_ / METRICS_ variants, OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES, OTEL_SDK_DISABLED,
// OTEL_TRACES_EXPORTER / OTEL_METRICS_EXPORTER=none) plus its flags; the extension from user-level
// settings and a header string in SecretStorage. Nothing here reads a workspace file: a repository
// can neither switch export on nor choose where it goes. Export is off unless an endpoint is given.
import { z } from 'zod';
import { displayUrl } from '../providers/scrub';

export const OtlpProtocolSchema = z.enum(['http/protobuf', 'http/json']);
export type OtlpProtocol = z.infer<typeof OtlpProtocolSchema>;

const httpUrl = z.string().refine((u) => {
  try {
    return ['http:', 'https:'].includes(new URL(u).protocol);
  } catch {
    return false;
  }
}, 'an http:// or https:// URL');

export const OtlpSignalSchema = z.object({
  /** The full URL requests are POSTed to, e.g. http://localhost:4318/v1/traces. */
  url: httpUrl,
  /** Sent with every request (authorization for Langfuse, Datadog, Grafana Cloud …). Never logged. */
  headers: z.record(z.string(), z.string()),
  protocol: OtlpProtocolSchema,
  /** Per export request; a slow or dead collector costs at most this, off the run's path. */
  timeoutMs: z.number().int().min(50).max(120_000),
});
export type OtlpSignal = z.infer<typeof OtlpSignalSchema>;

export const TelemetryConfigSchema = z.object({
  traces: OtlpSignalSchema.optional(),
  metrics: OtlpSignalSchema.optional(),
  /** Prompts, replies, the task text and file paths go on spans only when this is on. */
  captureContent: z.boolean(),
  serviceName: z.string().min(1),
  resourceAttributes: z.record(z.string(), z.string()),
  /** Which front end ran the task: cli or vscode (a resource attribute). */
  surface: z.enum(['cli', 'vscode']),
  temporality: z.enum(['cumulative', 'delta', 'lowmemory']),
});
export type TelemetryConfig = z.infer<typeof TelemetryConfigSchema>;

/** Default per-request timeout: shorter than the OpenTelemetry default (10 s) so a CLI never lingers. */
export const DEFAULT_TIMEOUT_MS = 3000;
export const DEFAULT_PROTOCOL: OtlpProtocol = 'http/protobuf';

export type Signal = 'traces' | 'metrics';

/** A base endpoint's URL for one signal (the OTLP/HTTP convention: base + /v1/traces or /v1/metrics). */
export function signalUrl(base: string, signal: Signal): string {
  return `${base.replace(/\/+$/, '')}/v1/${signal}`;
}

/**
 * OTEL_EXPORTER_OTLP_HEADERS format: comma-separated key=value, values percent-encoded. Entries that
 * are not a valid header (a bad name, a line break) are left out and named — by key only — in problems.
 */
export function parseHeaderList(raw: string | undefined, problems: string[], where: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (raw ?? '').split(',')) {
    if (!part.trim()) continue;
    const eq = part.indexOf('=');
    const key = (eq < 0 ? part : part.slice(0, eq)).trim();
    let value = eq < 0 ? '' : part.slice(eq + 1).trim();
    try {
      value = decodeURIComponent(value);
    } catch {
      // Not percent-encoded after all: keep it as written.
    }
    if (eq < 0 || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(key) || /[\r\n\0]/.test(value)) {
      problems.push(
        `${where}: left out an entry that is not "name=value" with a valid header name (${key || 'empty'})`,
      );
      continue;
    }
    out[key] = value;
  }
  return out;
}

type Env = Record<string, string | undefined>;

export interface CliTelemetryFlags {
  /** --otlp-endpoint: a base endpoint; wins over every endpoint variable. */
  endpoint?: string;
  /** --otlp-capture-content. */
  captureContent?: boolean;
  /** --no-telemetry. */
  disabled?: boolean;
}

export interface TelemetrySetup {
  config?: TelemetryConfig;
  /** One line each: a variable or flag that was ignored, and why. */
  problems: string[];
}

const PROTOCOLS = OtlpProtocolSchema.options as readonly string[];

/** One signal's settings, checked; a problem line (never with a header value) and undefined when unusable. */
function checkedSignal(
  signal: Signal,
  fields: { url: string; headers: Record<string, string>; protocol: string; timeoutMs: number },
  problems: string[],
): OtlpSignal | undefined {
  const protocol = fields.protocol.trim().toLowerCase();
  if (!PROTOCOLS.includes(protocol)) {
    problems.push(
      `OTLP protocol "${protocol}" is not supported for ${signal}: Switchyard exports over HTTP (http/protobuf or http/json), usually port 4318; no ${signal} are exported.`,
    );
    return undefined;
  }
  const parsed = OtlpSignalSchema.safeParse({ ...fields, protocol });
  if (parsed.success) return parsed.data;
  const field = String(parsed.error.issues[0]!.path[0]);
  const what =
    field === 'url'
      ? `url must be an http:// or https:// URL (${displayUrl(fields.url)})`
      : `timeoutMs must be a whole number of milliseconds from 50 to 120000 (${fields.timeoutMs})`;
  problems.push(`OTLP ${signal} settings ignored: ${what}; no ${signal} are exported.`);
  return undefined;
}

function signalFromEnv(env: Env, signal: Signal, flagBase: string | undefined, problems: string[]) {
  const S = signal.toUpperCase();
  if (!flagBase && (env[`OTEL_${S}_EXPORTER`] ?? '').trim().toLowerCase() === 'none') return undefined;
  const specific = flagBase ? undefined : env[`OTEL_EXPORTER_OTLP_${S}_ENDPOINT`]?.trim();
  const base = flagBase ?? env['OTEL_EXPORTER_OTLP_ENDPOINT']?.trim();
  const url = specific || (base ? signalUrl(base, signal) : undefined);
  if (!url) return undefined;
  const timeoutRaw = env[`OTEL_EXPORTER_OTLP_${S}_TIMEOUT`] ?? env['OTEL_EXPORTER_OTLP_TIMEOUT'];
  const headers = {
    ...parseHeaderList(env['OTEL_EXPORTER_OTLP_HEADERS'], problems, 'OTEL_EXPORTER_OTLP_HEADERS'),
    ...parseHeaderList(env[`OTEL_EXPORTER_OTLP_${S}_HEADERS`], problems, `OTEL_EXPORTER_OTLP_${S}_HEADERS`),
  };
  return checkedSignal(
    signal,
    {
      url,
      headers,
      protocol: env[`OTEL_EXPORTER_OTLP_${S}_PROTOCOL`] ?? env['OTEL_EXPORTER_OTLP_PROTOCOL'] ?? DEFAULT_PROTOCOL,
      timeoutMs: timeoutRaw?.trim() ? Number(timeoutRaw) : DEFAULT_TIMEOUT_MS,
    },
    problems,
  );
}

/** The CLI's telemetry: flags over the standard environment variables; off when neither names an endpoint. */
export function telemetryFromEnv(env: Env, flags: CliTelemetryFlags = {}): TelemetrySetup {
  const problems: string[] = [];
  if (flags.disabled || (env['OTEL_SDK_DISABLED'] ?? '').trim().toLowerCase() === 'true') return { problems };
  const traces = signalFromEnv(env, 'traces', flags.endpoint, problems);
  const metrics = signalFromEnv(env, 'metrics', flags.endpoint, problems);
  if (!traces && !metrics) return { problems };
  const temporality = (env['OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE'] ?? 'cumulative').trim().toLowerCase();
  const resource = parseHeaderList(env['OTEL_RESOURCE_ATTRIBUTES'], problems, 'OTEL_RESOURCE_ATTRIBUTES');
  const config: TelemetryConfig = {
    traces,
    metrics,
    captureContent:
      flags.captureContent ??
      (env['OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT'] ?? '').trim().toLowerCase() === 'true',
    // OTEL_SERVICE_NAME wins over a service.name in OTEL_RESOURCE_ATTRIBUTES, as the specification says.
    serviceName: env['OTEL_SERVICE_NAME']?.trim() || resource['service.name'] || 'switchyard',
    resourceAttributes: resource,
    surface: 'cli',
    temporality: temporality === 'delta' || temporality === 'lowmemory' ? temporality : 'cumulative',
  };
  return { config, problems };
}

/** The extension's settings (user level only; the caller never passes a workspace value). */
export interface TelemetrySettings {
  /** Base endpoint, e.g. http://localhost:4318. */
  endpoint: string;
  protocol: string;
  captureContent: boolean;
  /** Metrics too; off for collectors that take only traces (Jaeger, Langfuse, Phoenix). */
  metrics: boolean;
  /** OTEL_EXPORTER_OTLP_HEADERS format, from SecretStorage. */
  headers?: string;
}

export function telemetryFromSettings(s: TelemetrySettings): TelemetrySetup {
  const problems: string[] = [];
  const headers = parseHeaderList(s.headers, problems, 'the stored OTEL_EXPORTER_OTLP_HEADERS');
  const signal = (name: Signal) =>
    checkedSignal(
      name,
      { url: signalUrl(s.endpoint.trim(), name), headers, protocol: s.protocol, timeoutMs: DEFAULT_TIMEOUT_MS },
      problems,
    );
  const traces = signal('traces');
  const metrics = s.metrics ? signal('metrics') : undefined;
  if (!traces && !metrics) return { problems: problems.slice(0, 1) };
  return {
    config: {
      traces,
      metrics,
      captureContent: s.captureContent,
      serviceName: 'switchyard',
      resourceAttributes: {},
      surface: 'vscode',
      temporality: 'cumulative',
    },
    problems,
  };
}
