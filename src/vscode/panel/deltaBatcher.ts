// Coalesces streamed model output into at most one panel message per frame (~17 ms, under 60/s),
// so a 5,000 token/s stream costs the extension host a few dozen postMessage calls a second
// instead of thousands. vscode-free so it can be unit-tested and benchmarked in plain Node.
import type { OutputDelta, PanelStage } from '../../protocol/panelProtocol';

export interface BatcherTimer {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const realTimer: BatcherTimer = {
  set: (fn, ms) => setTimeout(fn, ms),
  clear: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

export const FRAME_MS = 17;

export class DeltaBatcher {
  // Insertion-ordered: one entry per stage, so a frame's message has at most five deltas.
  private pending = new Map<PanelStage, string[]>();
  private handle: unknown;
  private scheduled = false;

  constructor(
    private readonly send: (deltas: OutputDelta[]) => void,
    private readonly frameMs = FRAME_MS,
    private readonly timer: BatcherTimer = realTimer,
  ) {}

  push(stage: PanelStage, text: string): void {
    if (!text) return;
    const parts = this.pending.get(stage);
    if (parts) parts.push(text);
    else this.pending.set(stage, [text]);
    if (!this.scheduled) {
      this.scheduled = true;
      this.handle = this.timer.set(() => this.flush(), this.frameMs);
    }
  }

  /** Sends whatever is pending now; callers flush before a state change so output never trails it. */
  flush(): void {
    if (this.scheduled) {
      this.timer.clear(this.handle);
      this.scheduled = false;
    }
    if (this.pending.size === 0) return;
    const deltas: OutputDelta[] = [...this.pending].map(([stage, parts]) => ({ stage, text: parts.join('') }));
    this.pending.clear();
    this.send(deltas);
  }

  /** Drops one stage's pending output (its model failed mid-reply and a fallback starts over). */
  drop(stage: PanelStage): void {
    this.pending.delete(stage);
  }

  /** Drops pending output (the panel is gone or a new run replaced this one). */
  dispose(): void {
    if (this.scheduled) this.timer.clear(this.handle);
    this.scheduled = false;
    this.pending.clear();
  }
}
