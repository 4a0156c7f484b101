// The webview boundary under hostile input. Host side: malformed, unknown and prototype-polluting
// messages from the webview are dropped (a seeded fuzz run plus named cases), and the webview side
// drops junk from the host the same way. Rendering: a real run whose task, model output and review
// findings carry <script>, onerror= and javascript: payloads is carried through the host's own
// message builders, parsed by the webview's validator and rendered by the panel's renderers into a
// recording DOM that refuses HTML parsing: no active element, no on* attribute, no javascript: URL,
// and the payloads are there as plain text. The key sweep covers the panel traffic too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  parseHostMessage,
  parseWebviewMessage,
  HostNotifications,
  WebviewRequests,
  type RunView,
} from '../../../src/protocol/panelProtocol';
import { OutputStreams } from '../../../webview/outputStreams';
import {
  renderActions,
  renderAnswer,
  renderHeader,
  renderReview,
  renderStrip,
  renderTabs,
  type Actions,
} from '../../../webview/renderRun';
import { json, searchReplace } from '../pipeline/harness';
import { FakeElement, FakeText, installFakeDom, walk } from './fakeDom';
import { hashTree, startHostileRun, treeDiff } from './support';

/** A small deterministic PRNG so a failing fuzz input can be reproduced from its seed. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function junk(rand: () => number, depth = 0): unknown {
  const pick = Math.floor(rand() * 12);
  const strs = [
    '',
    'notify',
    'request',
    'response',
    'ready',
    'run/cancel',
    '__proto__',
    'constructor',
    'toString',
    'x'.repeat(5000),
    '<script>',
    'change/apply\u0000',
  ];
  switch (pick) {
    case 0:
      return null;
    case 1:
      return undefined;
    case 2:
      return Math.floor(rand() * 2 ** 40) * (rand() < 0.5 ? -1 : 1);
    case 3:
      return strs[Math.floor(rand() * strs.length)];
    case 4:
      return rand() < 0.5;
    case 5:
      return depth > 2 ? [] : Array.from({ length: Math.floor(rand() * 4) }, () => junk(rand, depth + 1));
    case 6:
      return NaN;
    default: {
      if (depth > 2) return {};
      const o: Record<string, unknown> = {};
      const keys = ['kind', 'method', 'id', 'params', 'ok', 'result', 'error', 'stage', 'findingId'];
      for (const k of keys) if (rand() < 0.5) o[k] = junk(rand, depth + 1);
      // Often a plausible envelope with something wrong inside.
      if (rand() < 0.5) o.kind = rand() < 0.5 ? 'request' : 'notify';
      if (rand() < 0.5) o.id = Math.floor(rand() * 10);
      if (rand() < 0.5) o.params = {};
      if (rand() < 0.5)
        o.method =
          rand() < 0.6 ? strs[Math.floor(rand() * strs.length)] : Object.keys(WebviewRequests)[Math.floor(rand() * 6)];
      return o;
    }
  }
}

test('host side: 5,000 fuzzed messages never throw; only declared methods with valid params get through', () => {
  const rand = prng(20261122);
  let accepted = 0;
  for (let i = 0; i < 5000; i++) {
    const raw = junk(rand);
    let parsed;
    assert.doesNotThrow(() => (parsed = parseWebviewMessage(raw)), `input #${i}`);
    if (parsed) {
      accepted++;
      const m = parsed as { kind: string; method: string; id?: number };
      assert.ok(
        (m.kind === 'notify' && m.method === 'ready') ||
          (m.kind === 'request' && Object.hasOwn(WebviewRequests, m.method)),
        `accepted only declared methods: ${JSON.stringify(raw)}`,
      );
      if (m.kind === 'request') assert.ok(Number.isInteger(m.id) && m.id! >= 0);
    }
  }
  // The generator does produce valid messages now and then; the filter is not just "reject all".
  assert.ok(accepted > 0, 'some fuzzed messages were valid');
});

test('host side: named hostile messages are dropped; prototype pollution does not take', () => {
  const hostile: unknown[] = [
    'run/cancel',
    { kind: 'request', method: 'run/cancel' },
    { kind: 'request', id: -1, method: 'run/cancel', params: {} },
    { kind: 'request', id: 1.5, method: 'run/cancel', params: {} },
    { kind: 'request', id: 1, method: 'constructor', params: {} },
    { kind: 'request', id: 1, method: '__proto__', params: {} },
    { kind: 'request', id: 1, method: 'hasOwnProperty', params: {} },
    { kind: 'request', id: 1, method: 'stage/rerun', params: { stage: 'attacker' } },
    { kind: 'request', id: 1, method: 'finding/reveal', params: { findingId: 'x'.repeat(10_000) } },
    { kind: 'request', id: 1, method: 'workspace/writeFile', params: { path: '.vscode/settings.json', text: '{}' } },
    { kind: 'notify', method: 'apply', params: {} },
    { kind: 'response', id: 1, ok: true, result: { applied: true } },
    { kind: 'notify', method: 'ready', params: 'now' },
  ];
  for (const m of hostile) assert.equal(parseWebviewMessage(m), undefined, JSON.stringify(m).slice(0, 120));
  const polluted = JSON.parse('{"kind":"notify","method":"ready","params":{"__proto__":{"polluted":"yes"}}}');
  const r = parseWebviewMessage(polluted);
  assert.equal(({} as Record<string, unknown>).polluted, undefined, 'Object.prototype untouched');
  if (r) assert.equal(Object.getPrototypeOf(r.params), Object.prototype);
});

test('webview side: junk from the host is dropped, never thrown', () => {
  const rand = prng(7);
  for (let i = 0; i < 3000; i++) {
    const raw = junk(rand);
    let parsed;
    assert.doesNotThrow(() => (parsed = parseHostMessage(raw)));
    if (parsed && (parsed as { kind: string }).kind === 'notify') {
      assert.ok(Object.hasOwn(HostNotifications, (parsed as { method: string }).method));
    }
  }
  assert.equal(
    parseHostMessage({ kind: 'notify', method: 'run/state', params: { run: { task: '<script>' } } }),
    undefined,
  );
  assert.equal(parseHostMessage({ kind: 'notify', method: 'eval', params: 'alert(1)' }), undefined);
  assert.equal(
    parseHostMessage({
      kind: 'notify',
      method: 'stage/output',
      params: { runId: 'r', deltas: [{ stage: 'x', text: 'hi' }] },
    }),
    undefined,
  );
});

test('the panel’s code never parses HTML: no innerHTML, outerHTML, insertAdjacentHTML, document.write, eval or Function', () => {
  const dir = join(__dirname, '../../../webview');
  const files = readdirSync(dir).filter((f) => f.endsWith('.ts'));
  assert.ok(files.length >= 3);
  for (const f of files) {
    const src = readFileSync(join(dir, f), 'utf8');
    assert.doesNotMatch(
      src,
      /\.(innerHTML|outerHTML)\s*=|insertAdjacentHTML|document\.write|\beval\s*\(|new Function\s*\(|srcdoc/,
      f,
    );
  }
});

const PAYLOADS = {
  script: '<script>alert("xss")</script>',
  onerror: '<img src=x onerror=alert(1)>',
  js: '<a href="javascript:alert(2)">click me</a>',
  svg: '<svg onload=alert(3)>',
};

test('model output, task text and review findings carrying <script>, onerror= and javascript: are rendered as inert text', async () => {
  const h = await startHostileRun({ 'README.md': '# Demo\n\nThis projcet routes tasks.\n' });
  const uninstall = installFakeDom();
  try {
    const all = Object.values(PAYLOADS).join(' ');
    h.replies.implementer = {
      text:
        `${PAYLOADS.script} Fixing it now ${PAYLOADS.svg}\n\n` +
        (searchReplace('README.md', 'This projcet routes tasks.', 'This project routes tasks.').text as string),
    };
    // The task's <script> makes it a security task, so the final owner reviews too: both carry payloads.
    h.replies.critic = h.replies.finalOwner = json({
      verdict: 'approve',
      summary: PAYLOADS.js,
      findings: [
        {
          file: 'README.md',
          startLine: 3,
          endLine: 3,
          severity: 'minor',
          message: `${PAYLOADS.onerror} ${PAYLOADS.js}`,
          suggestion: PAYLOADS.script,
        },
        { file: 'javascript:alert(4)', startLine: 1, endLine: 1, severity: 'info', message: PAYLOADS.svg },
      ],
    });
    const before = hashTree(h.root);
    const r = await h.run(`Fix typo in README.md ${PAYLOADS.script}`, { confirmEveryApply: true });
    assert.equal(r.outcome, 'rejected', r.message);
    assert.equal(treeDiff(before, hashTree(h.root)), '');

    // The webview side: every message through its validator, then the renderers.
    const streams = new OutputStreams();
    let run: RunView | null = null;
    let dropped = 0;
    for (const wire of h.panel!.messages) {
      const msg = parseHostMessage(JSON.parse(wire));
      if (!msg || msg.kind !== 'notify') {
        dropped++;
        continue;
      }
      if (msg.method === 'run/state') run = msg.params.run;
      else if (msg.method === 'run/snapshot') {
        run = msg.params.run;
        streams.reset(msg.params.outputs);
      } else if (msg.method === 'stage/output') streams.push(msg.params.deltas);
    }
    assert.equal(dropped, 0, 'the host’s own messages validate on the webview side');
    assert.ok(run);
    const noop: Actions = {
      openDiff() {},
      apply() {},
      reject() {},
      sendBack() {},
      setApiKey() {},
      cancel() {},
      revealFinding() {},
      selectStage() {},
      openLink() {},
      reroute() {},
    };
    const roots = [
      renderHeader(run, noop),
      renderStrip(run, noop),
      renderTabs(run, streams, 0),
      renderReview(run, noop),
      renderAnswer(run, noop),
      renderActions(run, noop),
    ].filter(Boolean) as unknown as FakeElement[];
    const ACTIVE = new Set([
      'script',
      'iframe',
      'object',
      'embed',
      'img',
      'svg',
      'a',
      'style',
      'link',
      'meta',
      'base',
      'form',
      'input',
    ]);
    let text = '';
    for (const root of roots) {
      for (const n of walk(root)) {
        if (n instanceof FakeText) {
          text += n.data + '\n';
          continue;
        }
        assert.ok(!ACTIVE.has(n.tagName), `no <${n.tagName}> element`);
        for (const [k, v] of n.attributes) {
          assert.ok(!k.startsWith('on'), `no ${k} attribute`);
          assert.doesNotMatch(v, /^\s*(javascript|data|vbscript):/i, `attribute ${k}="${v}"`);
          assert.doesNotMatch(v, /[<>"]/, `attribute ${k} holds no markup: ${v}`);
        }
        for (const l of n.listeners) assert.equal(l, 'click', 'only the panel’s own click handlers');
      }
    }
    // Non-vacuous: the payloads did reach the panel, as text.
    if (process.env.HOSTILE_DEBUG) require('node:fs').writeFileSync('/tmp/hostile-text.txt', text);
    for (const p of [PAYLOADS.script, PAYLOADS.onerror, PAYLOADS.js])
      assert.ok(text.includes(p), `shown as text: ${p}`);
    assert.ok(text.includes(PAYLOADS.svg), 'the implementer’s streamed output is there as text');
    assert.ok(all.length > 0);
    assert.deepEqual(h.leaks(), []);
  } finally {
    uninstall();
    await h.close();
  }
});
