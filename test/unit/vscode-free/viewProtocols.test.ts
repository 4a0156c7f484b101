// The Scorecard view's and the routing review's protocols (src/protocol), checked at both ends as
// the panel's is: what each app may ask is declared with its params, what the host sends is
// validated before the app draws it, and anything else is dropped. Then a whole round trip: the
// app's HostChannel and the host's WebviewController wired together, request ids and all.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildScorecardView } from '../../../src/core/bench/scorecardView';
import { ScorecardFilterSchema } from '../../../src/core/bench/scorecardFilters';
import { scorecardProtocol } from '../../../src/protocol/scorecardProtocol';
import { acceptReply, routingReviewProtocol } from '../../../src/protocol/routingReviewProtocol';
import { WebviewController } from '../../../src/vscode/webviewHost/webviewController';
import { HostChannel } from '../../../webview/hostChannel';
import { FIXTURE, NOW } from '../bench/scorecardFixture';

const sc = scorecardProtocol;
const rr = routingReviewProtocol;

test('scorecard: the app’s requests are accepted only as declared', () => {
  const filter = sc.parseWebviewMessage(
    sc.webviewRequest(3, 'scorecard/filter', { filter: { range: '90d', kind: 'refactor' } }),
  );
  assert.deepEqual(filter, {
    kind: 'request',
    id: 3,
    method: 'scorecard/filter',
    params: { filter: { range: '90d', kind: 'refactor' } },
  });
  assert.deepEqual(sc.parseWebviewMessage(sc.readyMessage()), { kind: 'notify', method: 'ready', params: {} });
  const bad: unknown[] = [
    { kind: 'request', id: 1, method: 'scorecard/filter', params: { filter: { range: '7d', kind: 'exploit' } } },
    { kind: 'request', id: 1, method: 'scorecard/filter', params: { filter: { range: '7d' } } },
    { kind: 'request', id: 1, method: 'scorecard/filter', params: {} },
    { kind: 'request', id: 1.5, method: 'scorecard/refresh', params: {} },
    { kind: 'request', id: 1, method: 'workbench.action.terminal.new', params: {} },
    { kind: 'request', id: 1, method: 'hasOwnProperty', params: {} },
    { kind: 'notify', method: 'scorecard/state', params: {} },
    { kind: 'response', id: 1, ok: true, result: {} },
    { type: 'markBenchmark' },
  ];
  for (const m of bad) assert.equal(sc.parseWebviewMessage(m), undefined, JSON.stringify(m));
});

test('scorecard: the figures the host builds pass; broken or oversized ones are dropped by the app', () => {
  const view = buildScorecardView(FIXTURE, ScorecardFilterSchema.parse({ range: 'all', kind: 'all' }), NOW);
  const ok = sc.parseHostMessage(sc.hostNotify('scorecard/state', { view, note: 'Ledger: /tmp/runs.jsonl' }));
  assert.equal(ok?.kind === 'notify' && ok.params.view.overall.runs, 4);
  const broken = (v: unknown) =>
    sc.parseHostMessage({ kind: 'notify', method: 'scorecard/state', params: { view: v } });
  assert.equal(broken({ ...view, rows: [{ ...view.rows[0], role: 'attacker' }] }), undefined);
  assert.equal(broken({ ...view, overall: { ...view.overall, runs: -1 } }), undefined);
  assert.equal(broken({ ...view, rows: Array.from({ length: 1001 }, () => view.rows[0]) }), undefined);
  assert.equal(broken({ ...view, rows: [{ ...view.rows[0], modelId: 'x'.repeat(201) }] }), undefined);
  assert.equal(sc.parseHostMessage({ kind: 'notify', method: 'review/state', params: {} }), undefined);
});

test('routing review: only Accept, with no params to smuggle; the result is checked by the app', () => {
  assert.deepEqual(rr.parseWebviewMessage(rr.webviewRequest(9, 'suggestion/accept', {})), {
    kind: 'request',
    id: 9,
    method: 'suggestion/accept',
    params: {},
  });
  // Unknown keys are stripped: the host never sees a chain or a path the app made up.
  const smuggled = rr.parseWebviewMessage({
    kind: 'request',
    id: 10,
    method: 'suggestion/accept',
    params: { toChain: ['evil'], path: '/etc/passwd' },
  });
  assert.deepEqual(smuggled?.params, {});
  for (const m of [
    { type: 'accept' },
    { kind: 'request', id: 1, method: 'accept', params: {} },
    { kind: 'request', id: 1, method: 'scorecard/refresh', params: {} },
    { kind: 'notify', method: 'review/state', params: {} },
  ])
    assert.equal(rr.parseWebviewMessage(m), undefined, JSON.stringify(m));
  assert.deepEqual(rr.validateResult('suggestion/accept', { applied: true, message: 'Applied.' }), {
    applied: true,
    message: 'Applied.',
  });
  assert.equal(rr.validateResult('suggestion/accept', { applied: 'yes' }), undefined);
  assert.equal(rr.parseHostMessage({ kind: 'notify', method: 'review/state', params: { report: {} } }), undefined);
});

test('routing review: Accept always gets an answer the view can show, also when nothing was applied', () => {
  const done = 'Applied: stages.implementer is now ["loop-new","loop-claude"] in .switchyard/routing.json.';
  assert.deepEqual(rr.validateResult('suggestion/accept', acceptReply(done)), { applied: true, message: done });
  // Declined (or refused with a notification): the reply is not empty, so the view does not go quiet.
  const declined = rr.validateResult('suggestion/accept', acceptReply(undefined));
  assert.equal(declined?.applied, false);
  assert.match(declined?.message ?? '', /^Not applied: \.switchyard\/routing\.json is unchanged\./);
});

/** The app's end in a fake window: acquireVsCodeApi posts to the host, the host's posts come back as events. */
function wire() {
  const g = globalThis as Record<string, unknown>;
  const saved = { window: g.window, acquire: g.acquireVsCodeApi };
  let deliver: ((data: unknown) => void) | undefined;
  let toHost: ((raw: unknown) => unknown) | undefined;
  const seen: unknown[] = [];
  g.window = {
    addEventListener: (_type: string, fn: (e: { data: unknown }) => void) => (deliver = (data) => fn({ data })),
  };
  g.acquireVsCodeApi = () => ({
    postMessage: (m: unknown) => {
      seen.push(m);
      void toHost?.(m);
    },
  });
  const webview = {
    html: '',
    cspSource: 'https://webview.test',
    postMessage: (m: unknown) => (deliver?.(structuredClone(m)), Promise.resolve(true)),
    onDidReceiveMessage: (fn: (raw: unknown) => unknown) => ((toHost = fn), { dispose: () => (toHost = undefined) }),
  };
  const restore = () => {
    g.window = saved.window;
    g.acquireVsCodeApi = saved.acquire;
  };
  return { webview, seen, restore };
}

test('round trip: ids count up, each reply resolves its own request, an error rejects it', async () => {
  const { webview, seen, restore } = wire();
  try {
    let answers = 0;
    const host = new WebviewController(
      rr,
      webview,
      { title: 't', scriptUri: 's', styleUri: 'c' },
      {
        'suggestion/accept': async () => {
          answers++;
          if (answers === 2) throw new Error('routing.json changed while the diff was open');
          return { applied: true, message: `Applied (${answers}).` };
        },
      },
    );
    host.render();
    const app = new HostChannel(rr, {});
    app.ready();
    await new Promise((r) => setImmediate(r));
    assert.equal(host.isReady, true);
    const first = await app.request('suggestion/accept', {});
    const second = app.request('suggestion/accept', {}).then(
      () => 'resolved',
      (e: Error) => e.message,
    );
    assert.deepEqual(first, { applied: true, message: 'Applied (1).' });
    assert.equal(await second, 'routing.json changed while the diff was open');
    assert.deepEqual(
      seen.map((m) => (m as { id?: number }).id),
      [undefined, 1, 2],
    );
    host.dispose();
  } finally {
    restore();
  }
});
