// A model's answer as readable markdown, built safely: markdown-it only parses (raw HTML off, so a
// tag in the answer stays text), and the DOM is built here from its tokens with h(), element by
// element from a short list, text always as text nodes — no innerHTML anywhere. Links are buttons
// that never navigate the panel: a click asks the host, which opens web and mail links only (VS Code
// confirms). markdown-it itself drops javascript:, vbscript:, file: and data: links.
// Images are shown as their description, never loaded.
import MarkdownIt from 'markdown-it';
import { h } from './dom';

const md = new MarkdownIt({ html: false, linkify: true, typographer: false });
type Token = ReturnType<MarkdownIt['parse']>[number];

/** Block and inline elements an answer may use; anything else becomes its text. */
const TAGS = new Set([
  'p',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'ul',
  'ol',
  'li',
  'blockquote',
  'em',
  'strong',
  's',
  'table',
  'thead',
  'tbody',
  'tr',
  'th',
  'td',
]);

export function renderMarkdown(text: string, openLink: (href: string) => void): HTMLElement {
  const root = h('div', { class: 'markdown' });
  build(md.parse(text, {}), [root], openLink);
  return root;
}

function build(tokens: readonly Token[], stack: HTMLElement[], openLink: (href: string) => void): void {
  const top = () => stack[stack.length - 1]!;
  for (const t of tokens) {
    if (t.hidden) {
      // A tight list's paragraphs: their text goes straight into the item.
      continue;
    } else if (t.type === 'inline') {
      build(t.children ?? [], stack, openLink);
    } else if (t.type === 'link_open') {
      // A button that reads as a link: keyboard-reachable, and nothing for the webview to navigate to.
      const href = t.attrGet('href') ?? '';
      const link = h('button', { type: 'button', class: 'link', title: href });
      link.addEventListener('click', () => openLink(href));
      top().append(link);
      stack.push(link);
    } else if (t.nesting === 1) {
      const el = h(TAGS.has(t.tag) ? t.tag : 'span', {});
      top().append(el);
      stack.push(el);
    } else if (t.nesting === -1) {
      if (stack.length > 1) stack.pop();
    } else {
      const leaf = leafOf(t);
      if (leaf) top().append(leaf);
    }
  }
}

function leafOf(t: Token): Node | string | undefined {
  switch (t.type) {
    case 'text':
    case 'html_inline':
    case 'html_block':
      return t.content;
    case 'code_inline':
      return h('code', {}, t.content);
    case 'fence':
    case 'code_block':
      return h('pre', { class: 'code', tabindex: '0' }, h('code', {}, t.content.replace(/\n$/, '')));
    case 'softbreak':
      return '\n';
    case 'hardbreak':
      return h('br', {});
    case 'hr':
      return h('hr', {});
    case 'image':
      return `[image: ${t.content || t.attrGet('src') || ''}]`;
    default:
      return t.content || undefined;
  }
}
