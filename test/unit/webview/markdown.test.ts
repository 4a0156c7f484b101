// A model's answer rendered as markdown in the panel, against the recording DOM that refuses every
// HTML-parsing entry point: headings, lists, code and emphasis become elements; raw HTML, script
// links and images stay text; a link is a button that asks the host to open it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeElement, FakeText, installFakeDom, walk } from '../hostile/fakeDom';
import { renderMarkdown } from '../../../webview/markdown';

function tags(root: FakeElement): string[] {
  return [...walk(root)].filter((n): n is FakeElement => n instanceof FakeElement).map((n) => n.tagName);
}

test('an answer reads as markdown: headings, lists, code, emphasis', () => {
  const uninstall = installFakeDom();
  try {
    const root = renderMarkdown(
      '# totalCents\n\nIt returns **cents**:\n\n- clamps `discountPercent`\n- rounds\n\n```ts\nconst a = 1;\n```',
      () => {},
    ) as unknown as FakeElement;
    assert.deepEqual(tags(root), ['div', 'h1', 'p', 'strong', 'ul', 'li', 'code', 'li', 'pre', 'code']);
    assert.match(root.textContent, /totalCentsIt returns cents:clamps discountPercentroundsconst a = 1;/);
  } finally {
    uninstall();
  }
});

test('raw HTML, script links and images stay text; a link is a button through the host', () => {
  const uninstall = installFakeDom();
  try {
    const opened: string[] = [];
    const root = renderMarkdown(
      '<img src=x onerror="alert(1)"> <script>alert(2)</script>\n\n[docs](https://example.com/a) [x](javascript:alert(3)) ![logo](https://example.com/l.png)',
      (href) => opened.push(href),
    ) as unknown as FakeElement;
    const all = [...walk(root)];
    const elements = all.filter((n): n is FakeElement => n instanceof FakeElement);
    assert.deepEqual(
      elements.map((e) => e.tagName),
      ['div', 'p', 'p', 'button'],
      'no img, script or a element',
    );
    const text = all
      .filter((n): n is FakeText => n instanceof FakeText)
      .map((t) => t.data)
      .join('');
    assert.ok(text.includes('<img src=x onerror="alert(1)">'), 'the tag is shown as text');
    assert.ok(text.includes('[x](javascript:alert(3))'), 'a script link is not a link');
    assert.ok(text.includes('[image: logo]'), 'an image is its description, never loaded');
    const button = elements.find((e) => e.tagName === 'button')!;
    assert.equal(button.getAttribute('title'), 'https://example.com/a');
    assert.deepEqual(button.listeners, ['click']);
    for (const e of elements) for (const k of e.attributes.keys()) assert.ok(!k.startsWith('on'), k);
  } finally {
    uninstall();
  }
});
