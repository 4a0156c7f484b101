// OpenTelemetry export for the extension: reads the switchyard.telemetry.* settings at their user
// level only (a workspace or folder value is ignored even if VS Code would apply it) and the OTLP
// headers from SecretStorage, keeps one TelemetrySession while they stay the same, and hands each
// run a listener. Off by default; when off, nothing is built and nothing is loaded.
import * as vscode from 'vscode';
import { OTLP_HEADERS_SECRET, SETTINGS_SECTION, SettingKeys } from '../../core/config/settingsKeys';
import type { PipelineListener } from '../../core/stage/events';
import { loadOtlpSink } from '../../core/telemetry/loadOtlpSink';
import { DEFAULT_PROTOCOL, telemetryFromSettings, type TelemetryConfig } from '../../core/telemetry/telemetryConfig';
import { TelemetrySession } from '../../core/telemetry/telemetrySession';
import type { ApiKeys } from '../secrets/apiKeys';

/** Longest wait for the last export when VS Code shuts the extension down. */
const SHUTDOWN_MS = 2000;

export class TelemetryService implements vscode.Disposable {
  private session: TelemetrySession | undefined;
  private sessionKey = '';
  private reported = new Set<string>();

  constructor(private readonly keys: ApiKeys) {}

  /** The listener for one run, or undefined when export is off. `secrets`: the run's keys, read as they come. */
  async listenerFor(secrets: Iterable<string>): Promise<PipelineListener | undefined> {
    const config = await this.config();
    if (!config) return undefined;
    const key = JSON.stringify(config);
    if (key !== this.sessionKey || !this.session) {
      void this.session?.shutdown(SHUTDOWN_MS);
      this.session = new TelemetrySession(config, loadOtlpSink, (line) => this.warn(line));
      this.sessionKey = key;
    }
    return this.session.listener({ secrets });
  }

  private async config(): Promise<TelemetryConfig | undefined> {
    const c = vscode.workspace.getConfiguration(SETTINGS_SECTION);
    // Only what the person set in their user settings counts: never a workspace's .vscode/settings.json.
    const user = <T>(key: string, fallback: T): T => c.inspect<T>(key)?.globalValue ?? fallback;
    if (user<boolean>(SettingKeys.telemetryEnabled, false) !== true) return undefined;
    const setup = telemetryFromSettings({
      endpoint: user(SettingKeys.telemetryEndpoint, 'http://localhost:4318'),
      protocol: user(SettingKeys.telemetryProtocol, DEFAULT_PROTOCOL),
      captureContent: user<boolean>(SettingKeys.telemetryCaptureContent, false) === true,
      metrics: user<boolean>(SettingKeys.telemetryMetrics, true) !== false,
      headers: await this.keys.value(OTLP_HEADERS_SECRET),
    });
    for (const p of setup.problems) this.warn(p);
    return setup.config;
  }

  /** Each distinct line once per window: a dead collector must not nag after every run. */
  private warn(line: string): void {
    if (this.reported.has(line)) return;
    this.reported.add(line);
    void vscode.window.showWarningMessage(`Switchyard ${line}`);
  }

  /** Bounded: called from deactivate, which VS Code does not wait on for long. */
  async shutdown(): Promise<void> {
    await this.session?.shutdown(SHUTDOWN_MS);
    this.session = undefined;
  }

  dispose(): void {
    void this.shutdown();
  }
}
