// Each stage's live output: one <pre> per stage holding one Text node that grows with appendData.
// Deltas that arrive between frames are joined and written once per animation frame, and the view
// follows the end only if the reader was already there.
import type { OutputDelta, PanelStage } from '../src/protocol/panelProtocol';

export class OutputStreams {
  private readonly nodes = new Map<PanelStage, { pre: HTMLPreElement; text: Text }>();
  private pending = new Map<PanelStage, string>();
  private frame = 0;

  element(stage: PanelStage): HTMLPreElement {
    let n = this.nodes.get(stage);
    if (!n) {
      const pre = document.createElement('pre');
      pre.className = 'output';
      pre.tabIndex = 0;
      pre.setAttribute('aria-label', `${stage} output`);
      const text = document.createTextNode('');
      pre.append(text);
      n = { pre, text };
      this.nodes.set(stage, n);
    }
    return n.pre;
  }

  reset(outputs: Partial<Record<PanelStage, string>>): void {
    this.pending.clear();
    for (const [stage, n] of this.nodes) n.text.data = outputs[stage] ?? '';
    for (const [stage, text] of Object.entries(outputs) as [PanelStage, string][]) {
      this.element(stage);
      this.nodes.get(stage)!.text.data = text;
    }
  }

  clear(stage: PanelStage): void {
    this.pending.delete(stage);
    const n = this.nodes.get(stage);
    if (n) n.text.data = '';
  }

  push(deltas: OutputDelta[]): void {
    for (const d of deltas) this.pending.set(d.stage, (this.pending.get(d.stage) ?? '') + d.text);
    if (!this.frame) this.frame = requestAnimationFrame(() => this.write());
  }

  private write(): void {
    this.frame = 0;
    const batch = this.pending;
    this.pending = new Map();
    for (const [stage, text] of batch) {
      this.element(stage);
      const n = this.nodes.get(stage)!;
      const atEnd = n.pre.scrollTop + n.pre.clientHeight >= n.pre.scrollHeight - 8;
      n.text.appendData(text);
      if (atEnd) n.pre.scrollTop = n.pre.scrollHeight;
    }
  }
}
