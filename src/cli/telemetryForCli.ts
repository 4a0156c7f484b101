// The CLI's telemetry switch: the standard OTEL_EXPORTER_OTLP_* variables, or --otlp-endpoint, turn
// OTLP export on; --no-telemetry (or OTEL_SDK_DISABLED=true) turns it off; --otlp-capture-content (or
// OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true) adds prompts and replies. Problems with
// the variables are printed and the run goes on without export; a bad flag is a usage error.
import { loadOtlpSink } from '../core/telemetry/loadOtlpSink';
import { OtlpSignalSchema, telemetryFromEnv } from '../core/telemetry/telemetryConfig';
import { TelemetrySession } from '../core/telemetry/telemetrySession';
import { EXIT, type VerbIo } from './verbIo';

export const TELEMETRY_OPTIONS = {
  'otlp-endpoint': { type: 'string' },
  'otlp-capture-content': { type: 'boolean', default: false },
  'no-telemetry': { type: 'boolean', default: false },
} as const;

export const TELEMETRY_HELP = `  --otlp-endpoint URL       export this run as OpenTelemetry traces and metrics to an OTLP/HTTP collector
                            (base URL, e.g. http://localhost:4318; also OTEL_EXPORTER_OTLP_ENDPOINT and the
                            other standard OTEL_EXPORTER_OTLP_* variables: headers, protocol, timeout)
  --otlp-capture-content    include prompts, replies and the task text (off by default; keys are scrubbed)
  --no-telemetry            no export, whatever the environment says`;

interface Flags {
  'otlp-endpoint'?: string;
  'otlp-capture-content': boolean;
  'no-telemetry': boolean;
}

/** The session for this process, undefined when export is off, or the usage exit code. */
export function telemetryForCli(verb: string, io: VerbIo, v: Flags): TelemetrySession | undefined | number {
  const endpoint = v['otlp-endpoint'];
  if (endpoint !== undefined && !OtlpSignalSchema.shape.url.safeParse(endpoint).success) {
    io.err(`switchyard ${verb}: --otlp-endpoint must be an http:// or https:// URL, e.g. http://localhost:4318`);
    return EXIT.usage;
  }
  const setup = telemetryFromEnv(io.env, {
    endpoint,
    captureContent: v['otlp-capture-content'] || undefined,
    disabled: v['no-telemetry'],
  });
  for (const p of setup.problems) io.err(`switchyard ${verb}: ${p}`);
  if (!setup.config) return undefined;
  return new TelemetrySession(setup.config, loadOtlpSink, (line) => io.err(`switchyard ${verb}: ${line}`));
}
