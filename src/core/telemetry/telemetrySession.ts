// Telemetry for a CLI process or an extension session: a PipelineListener per run that folds its
// events into a trace (runTrace.ts) and, when the run finishes, hands it to the OTLP sink — loaded
// on the first finished run, never before, so the OpenTelemetry SDK costs nothing until then. The
// run never waits on any of it: delivery is asynchronous, failures are dropped with one warning
// line per session, and flush/shutdown are bounded so a dead or slow collector cannot hold a
// process open.
import type { PipelineListener } from '../stage/events';
import { displayUrl, scrubSecrets } from '../providers/scrub';
import { RunTraceBuilder } from './runTrace';
import type { TelemetryConfig } from './telemetryConfig';
import type { RunTrace } from './traceTypes';

export interface ExportFailureInfo {
  signal: 'traces' | 'metrics';
  url: string;
  error: Error | undefined;
}

export interface TelemetrySink {
  /** Queues one finished run; never throws, never blocks. */
  export(run: RunTrace): void;
  flush(): Promise<void>;
  shutdown(): Promise<void>;
  /** Ends requests still in flight (their data is dropped). */
  abort(): void;
}

export type SinkFactory = (config: TelemetryConfig, onFailure: (f: ExportFailureInfo) => void) => TelemetrySink;

function bounded(p: Promise<unknown>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    timer.unref();
    p.then(
      () => (clearTimeout(timer), resolve(true)),
      () => (clearTimeout(timer), resolve(true)),
    );
  });
}

export class TelemetrySession {
  private sink: Promise<TelemetrySink | undefined> | undefined;
  private readonly pending = new Set<Promise<unknown>>();
  private warned = false;
  private readonly secrets: string[];

  constructor(
    readonly config: TelemetryConfig,
    private readonly load: () => Promise<SinkFactory>,
    private readonly warn: (line: string) => void,
  ) {
    this.secrets = [config.traces, config.metrics].flatMap((s) => Object.values(s?.headers ?? {}));
  }

  /** The longest wait a flush or shutdown allows: the slowest signal's request timeout. */
  get boundMs(): number {
    return Math.max(this.config.traces?.timeoutMs ?? 0, this.config.metrics?.timeoutMs ?? 0);
  }

  /** A listener for one run. `secrets`: the run's keys (read at each use), scrubbed from captured content. */
  listener(opts: { secrets?: Iterable<string> } = {}): PipelineListener {
    const own = this.secrets;
    const builder = new RunTraceBuilder({
      captureContent: this.config.captureContent,
      secrets: {
        *[Symbol.iterator]() {
          yield* opts.secrets ?? [];
          yield* own;
        },
      },
    });
    return (e) => {
      const run = builder.apply(e);
      if (run) this.deliver(run);
    };
  }

  private deliver(run: RunTrace): void {
    // The export (loading the exporter, building spans, serializing) waits a turn of the event loop,
    // so the run's own last steps — recording, answering its caller — go first.
    const turn = new Promise<void>((resolve) => setImmediate(resolve));
    this.sink ??= turn
      .then(() => this.load())
      .then(
        (create) => create(this.config, (f) => this.failed(f)),
        (err: unknown) => {
          this.warnOnce(`telemetry is off: the exporter could not be loaded (${String(err)}).`);
          return undefined;
        },
      );
    const p = turn
      .then(() => this.sink)
      .then((s) => s?.export(run))
      .catch((err: unknown) => this.warnOnce(`telemetry: ${String(err)}`));
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
  }

  private failed(f: ExportFailureInfo): void {
    const why = scrubSecrets(f.error?.message ?? 'no reason given', ...this.secrets);
    this.warnOnce(
      `telemetry: could not send ${f.signal} to ${displayUrl(f.url)} (${why}); runs go on, their telemetry is dropped. (Shown once.)`,
    );
  }

  private warnOnce(line: string): void {
    if (this.warned) return;
    this.warned = true;
    this.warn(line);
  }

  /** Sends what is queued; resolves within `ms` whatever the collector does. */
  async flush(ms = this.boundMs): Promise<boolean> {
    return bounded(
      this.drain((s) => s.flush()),
      ms,
    );
  }

  /** Flushes and stops, within `ms`; then ends any request still in flight so the process can exit. */
  async shutdown(ms = this.boundMs): Promise<void> {
    const done = await bounded(
      this.drain((s) => s.shutdown()),
      ms,
    );
    const sink = await this.sink;
    sink?.abort();
    if (!done)
      this.warnOnce(
        `telemetry: the collector did not answer within ${ms} ms; the last run's telemetry may be lost. (Shown once.)`,
      );
  }

  private async drain(then: (s: TelemetrySink) => Promise<void>): Promise<void> {
    await Promise.all([...this.pending]);
    const sink = await this.sink;
    if (sink) await then(sink);
  }
}
