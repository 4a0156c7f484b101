// The host's end of every webview (the routing panel, the Scorecard view, the routing review), with
// a recording stand-in for vscode.Webview: a fresh nonce and the strict CSP on each render, nothing
// posted before the app's `ready`, requests answered under their own id (or with the handler's
// error), undeclared or malformed messages dropped without a reply, and nothing after dispose.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scorecardProtocol, type ScorecardState } from '../../../src/protocol/scorecardProtocol';
import { routingReviewProtocol } from '../../../src/protocol/routingReviewProtocol';
import { WebviewController, type HostedWebview } from '../../../src/vscode/webviewHost/webviewController';

class FakeWebview implements HostedWebview {
  html = '';
  readonly cspSource = 'https://file+.vscode-resource.vscode-cdn.net';
  readonly posted: unknown[] = [];
  listener: ((raw: unknown) => unknown) | undefined;
  postMessage(message: unknown): Thenable<boolean> {
    this.posted.push(message);
    return Promise.resolve(true);
  }
  onDidReceiveMessage(listener: (raw: unknown) => unknown) {
    this.listener = listener;
    return { dispose: () => (this.listener = undefined) };
  }
}

const PAGE = {
  title: 'Switchyard scorecard',
  scriptUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/scorecard.js',
  styleUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/media/views.css',
};

function scorecard(webview: FakeWebview, onReady = () => {}) {
  const calls: string[] = [];
  const controller = new WebviewController(
    scorecardProtocol,
    webview,
    PAGE,
    {
      'scorecard/filter': async ({ filter }) => (calls.push(`filter ${filter.range} ${filter.kind}`), {}),
      'scorecard/refresh': async () => (calls.push('refresh'), {}),
      'benchmark/mark': async () => {
        throw new Error('No run in the ledger to mark.');
      },
      'routing/review': async () => (calls.push('review'), {}),
    },
    { onReady },
  );
  return { controller, calls };
}

const nonceOf = (html: string) => /<script nonce="([^"]+)"/.exec(html)?.[1];
const cspOf = (html: string) => /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1];

test('each render loads the page with a new nonce, in the script tag and the CSP alike', () => {
  const w = new FakeWebview();
  const { controller } = scorecard(w);
  controller.render();
  const first = w.html;
  controller.render();
  const second = w.html;
  const [a, b] = [nonceOf(first), nonceOf(second)];
  assert.ok(a && b && a.length >= 24, first);
  assert.notEqual(a, b, 'a fresh nonce per render');
  assert.equal(controller.pageHtml, second);
  assert.equal(
    cspOf(second),
    `default-src 'none'; script-src 'nonce-${b}'; style-src ${w.cspSource} 'nonce-${b}'; font-src ${w.cspSource}; ` +
      `img-src ${w.cspSource} data:; connect-src 'none'; frame-src 'none'; form-action 'none'; base-uri 'none'`,
  );
  assert.equal((second.match(/<script\b/g) ?? []).length, 1);
  assert.match(
    second,
    /<script nonce="[^"]+" src="https:\/\/file\+\.vscode-resource\.vscode-cdn\.net\/ext\/dist\/scorecard\.js">/,
  );
  assert.match(second, /<link rel="stylesheet" href="[^"]+\/media\/views\.css" nonce="[^"]+">/);
  assert.doesNotMatch(second, /<style|\sstyle="|\son[a-z]+="/i, 'no inline style or handlers');
});

test('nothing is posted before `ready`; after it the owner is told and notifications go out', async () => {
  const w = new FakeWebview();
  let readies = 0;
  const { controller } = scorecard(w, () => readies++);
  controller.render();
  const view: ScorecardState = {
    filter: { range: 'all', kind: 'all' },
    rows: [],
    stages: [],
    series: [],
    overall: { runs: 0, applied: 0, trustedChanges: 0, costUsd: 0, costPerTrustedChange: null },
  };
  assert.equal(controller.notify('scorecard/state', { view }), false);
  assert.deepEqual(w.posted, []);
  await w.listener!(scorecardProtocol.readyMessage());
  assert.equal(readies, 1);
  assert.equal(controller.notify('scorecard/state', { view, note: 'Ledger: /tmp/runs.jsonl' }), true);
  assert.deepEqual(w.posted, [
    { kind: 'notify', method: 'scorecard/state', params: { view, note: 'Ledger: /tmp/runs.jsonl' } },
  ]);
  // A new render (the view was shown again) waits for the app's new `ready`.
  controller.render();
  assert.equal(controller.notify('scorecard/state', { view }), false);
});

test('a request is answered under its own id, with the result or the handler’s error', async () => {
  const w = new FakeWebview();
  const { controller, calls } = scorecard(w);
  controller.render();
  await w.listener!(
    scorecardProtocol.webviewRequest(41, 'scorecard/filter', { filter: { range: '30d', kind: 'bugfix' } }),
  );
  await w.listener!(scorecardProtocol.webviewRequest(42, 'benchmark/mark', {}));
  await w.listener!(scorecardProtocol.webviewRequest(7, 'scorecard/refresh', {}));
  assert.deepEqual(calls, ['filter 30d bugfix', 'refresh']);
  assert.deepEqual(w.posted, [
    { kind: 'response', id: 41, ok: true, result: {} },
    { kind: 'response', id: 42, ok: false, error: 'No run in the ledger to mark.' },
    { kind: 'response', id: 7, ok: true, result: {} },
  ]);
  // The app's side of the round trip accepts the result it asked for.
  assert.deepEqual(scorecardProtocol.validateResult('scorecard/filter', {}), {});
});

test('undeclared, malformed or another view’s messages get no reply and call nothing', async () => {
  const w = new FakeWebview();
  const { controller, calls } = scorecard(w);
  controller.render();
  const junk: unknown[] = [
    null,
    'refresh',
    { type: 'filter', filter: { range: '30d', kind: 'bugfix' } },
    { kind: 'request', id: 1, method: 'scorecard/filter', params: { filter: { range: 'forever', kind: 'bugfix' } } },
    { kind: 'request', id: -1, method: 'scorecard/refresh', params: {} },
    { kind: 'request', id: 2, method: 'suggestion/accept', params: {} },
    { kind: 'request', id: 3, method: 'constructor', params: {} },
    { kind: 'notify', method: 'scorecard/state', params: {} },
    { kind: 'response', id: 4, ok: true, result: {} },
    routingReviewProtocol.webviewRequest(5, 'suggestion/accept', {}),
  ];
  for (const m of junk) await w.listener!(m);
  assert.deepEqual(w.posted, []);
  assert.deepEqual(calls, []);
});

test('dispose lets go of the webview: no listener, no render, no reply', async () => {
  const w = new FakeWebview();
  const { controller, calls } = scorecard(w);
  controller.render();
  const listener = w.listener!;
  controller.dispose();
  assert.equal(w.listener, undefined);
  await listener(scorecardProtocol.webviewRequest(1, 'scorecard/refresh', {}));
  const html = w.html;
  controller.render();
  assert.equal(w.html, html);
  assert.deepEqual(w.posted, []);
  assert.deepEqual(calls, []);
});
