// A recording stand-in for the browser DOM, just wide enough for the webviews' renderers (webview/
// renderRun.ts, dom.ts, outputStreams.ts, scorecard/, routingReview/): elements (HTML and SVG) with
// attributes and children, text nodes, and listeners; `serialize` writes a tree out as markup, every
// text and attribute escaped, for tests that read what a view drew. Every HTML-parsing entry point (innerHTML, outerHTML, insertAdjacentHTML,
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
  constructor(
    readonly tagName: string,
    readonly namespaceURI = 'http://www.w3.org/1999/xhtml',
  ) {}
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
    createElementNS: (ns: string, tag: string) => new FakeElement(tag, ns),
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

const escape = (v: string) =>
  v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
const VOID = new Set(['br', 'hr', 'img', 'input', 'meta', 'link']);

/** The tree as markup: attributes in the order set (an empty one bare), text escaped, SVG leaves self-closed. */
export function serialize(node: FakeElement | FakeText): string {
  if (node instanceof FakeText) return escape(node.data);
  const attrs = [...node.attributes].map(([k, v]) => (v === '' ? ` ${k}` : ` ${k}="${escape(v)}"`)).join('');
  const inner = node.childNodes.map(serialize).join('');
  if (VOID.has(node.tagName)) return `<${node.tagName}${attrs}>`;
  if (node.namespaceURI.endsWith('/svg') && !inner) return `<${node.tagName}${attrs}/>`;
  return `<${node.tagName}${attrs}>${inner}</${node.tagName}>`;
}
