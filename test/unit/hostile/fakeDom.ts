// A recording stand-in for the browser DOM, just wide enough for the panel's renderers (webview/
// renderRun.ts, dom.ts, outputStreams.ts): elements with attributes and children, text nodes, and
// listeners. Every HTML-parsing entry point (innerHTML, outerHTML, insertAdjacentHTML,
// document.write) throws, so a renderer that tried to turn model text into markup fails the test
// instead of passing silently. Installed on globalThis for the duration of a test only.

export class FakeText {
  readonly nodeType = 3;
  constructor(public data: string) {}
  appendData(s: string): void {
    this.data += s;
  }
  get textContent(): string {
    return this.data;
  }
}

const parseRefused = (what: string) => {
  throw new Error(`fake DOM: ${what} would parse HTML; the panel must build nodes instead`);
};

export class FakeElement {
  readonly nodeType = 1;
  readonly attributes = new Map<string, string>();
  readonly childNodes: Array<FakeElement | FakeText> = [];
  readonly listeners: string[] = [];
  className = '';
  tabIndex = -1;
  scrollTop = 0;
  clientHeight = 0;
  scrollHeight = 0;
  constructor(readonly tagName: string) {}
  setAttribute(k: string, v: string): void {
    this.attributes.set(k.toLowerCase(), String(v));
  }
  getAttribute(k: string): string | null {
    return this.attributes.get(k.toLowerCase()) ?? null;
  }
  append(...nodes: Array<FakeElement | FakeText | string>): void {
    for (const n of nodes) this.childNodes.push(typeof n === 'string' ? new FakeText(n) : n);
  }
  replaceChildren(...nodes: Array<FakeElement | FakeText | string>): void {
    this.childNodes.length = 0;
    this.append(...nodes);
  }
  addEventListener(type: string): void {
    this.listeners.push(type);
  }
  get textContent(): string {
    return this.childNodes.map((c) => c.textContent).join('');
  }
  set textContent(v: string) {
    this.childNodes.length = 0;
    this.childNodes.push(new FakeText(v));
  }
  set innerHTML(_v: string) {
    parseRefused('innerHTML');
  }
  get innerHTML(): string {
    return parseRefused('innerHTML');
  }
  set outerHTML(_v: string) {
    parseRefused('outerHTML');
  }
  insertAdjacentHTML(): void {
    parseRefused('insertAdjacentHTML');
  }
}

export function* walk(node: FakeElement | FakeText): Generator<FakeElement | FakeText> {
  yield node;
  if (node instanceof FakeElement) for (const c of node.childNodes) yield* walk(c);
}

/** Installs document/requestAnimationFrame on globalThis; returns an uninstall function. */
export function installFakeDom(): () => void {
  const g = globalThis as Record<string, unknown>;
  const saved = { document: g.document, raf: g.requestAnimationFrame };
  g.document = {
    createElement: (tag: string) => new FakeElement(tag.toLowerCase()),
    createTextNode: (text: string) => new FakeText(text),
    write: () => parseRefused('document.write'),
  };
  // Frames run at once: the streams write their text synchronously for the test to read.
  g.requestAnimationFrame = (fn: () => void) => {
    fn();
    return 0;
  };
  return () => {
    g.document = saved.document;
    g.requestAnimationFrame = saved.raf;
  };
}
