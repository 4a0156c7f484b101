// Every VS Code setting, secret name and storage key Switchyard uses, in one place. The core only names them;
// the extension reads them (src/vscode), the CLI uses the environment instead.

export const SETTINGS_SECTION = 'switchyard';

export const SettingKeys = {
  /** A routing policy object at user level, layered under `.switchyard/routing.json`. */
  policy: 'policy',
  /** Where run records go; empty means the ledger the CLI uses too (ledgerPathFor). */
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

/**
 * What the extension keeps in VS Code's Memento storage (no file contents, no secrets). The values are
 * the keys these were always stored under: changing one would forget what people have saved.
 */
export const StorageKeys = {
  /** globalState: summaries of past runs for the sidebar. */
  runHistory: 'switchyard.runHistory',
  /** globalState: the tasks offered again in the input box. */
  recentTasks: 'switchyard.recentTasks',
  /** workspaceState: hashes of the verify commands a person approved in this workspace. */
  verifyApprovals: 'switchyard.verifyApprovals',
  /** workspaceState: the Scorecard's filter. */
  scorecardFilter: 'switchyard.scorecard.filter',
} as const;

/** The SecretStorage name of the OTLP headers (authorization for a hosted collector), set like a key. */
export const OTLP_HEADERS_SECRET = 'OTEL_EXPORTER_OTLP_HEADERS';

/** Path of the workspace policy file, relative to the workspace root. */
export const WORKSPACE_POLICY_PATH = '.switchyard/routing.json';

const SECRET_KEY_PREFIX = 'switchyard.apiKey.';

/** SecretStorage key for a provider's API key: one per key name (e.g. OPENAI_API_KEY). */
export function secretKeyFor(keyName: string): string {
  return `${SECRET_KEY_PREFIX}${keyName}`;
}

/** The key name a SecretStorage key stores (secretKeyFor's inverse); undefined for a secret that is not ours. */
export function keyNameOfSecret(secretKey: string): string | undefined {
  return secretKey.startsWith(SECRET_KEY_PREFIX) ? secretKey.slice(SECRET_KEY_PREFIX.length) : undefined;
}
