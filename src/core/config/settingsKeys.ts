// Every VS Code setting and secret name Switchyard uses, in one place. The core only names them;
// the extension reads them (src/vscode), the CLI uses the environment instead.

export const SETTINGS_SECTION = 'switchyard';

export const SettingKeys = {
  /** A routing policy object at user level, layered under `.switchyard/routing.json`. */
  policy: 'policy',
  /** Where run records go; empty means the extension's global storage. */
  ledgerPath: 'ledgerPath',
  /** How many recent tasks the input box offers. */
  recentTasks: 'recentTasks',
  /** Run the verify command without a sandbox where there is none (user settings only). */
  verifyAllowUnsandboxed: 'verify.allowUnsandboxed',
  /** OpenTelemetry export of every run (user level only: a workspace cannot turn it on or aim it). */
  telemetryEnabled: 'telemetry.enabled',
  /** Base OTLP/HTTP endpoint, e.g. http://localhost:4318. */
  telemetryEndpoint: 'telemetry.otlpEndpoint',
  telemetryProtocol: 'telemetry.protocol',
  /** Prompts, replies and the task text on the spans. */
  telemetryCaptureContent: 'telemetry.captureContent',
  /** Metrics as well as traces (off for trace-only collectors). */
  telemetryMetrics: 'telemetry.metrics',
  /** The folder holding the user's install of a coding agent's SDK (user settings only). */
  agentSdkDir: 'agents.sdkDir',
} as const;

/** The SecretStorage name of the OTLP headers (authorization for a hosted collector), set like a key. */
export const OTLP_HEADERS_SECRET = 'OTEL_EXPORTER_OTLP_HEADERS';

/** Path of the workspace policy file, relative to the workspace root. */
export const WORKSPACE_POLICY_PATH = '.switchyard/routing.json';

/** SecretStorage key for a provider's API key: one per key name (e.g. OPENAI_API_KEY). */
export function secretKeyFor(keyName: string): string {
  return `switchyard.apiKey.${keyName}`;
}
