// The scorecard view and the routing review as their apps draw them (webview/scorecard and
// webview/routingReview, on the recording DOM) inside the shared page: the CSP with this load's
// nonce on the only script and style, no inline style attributes (the CSP would drop them), every
// model id and task rendered as text, the chart drawn from the series, and the Accept button present
// only when the figures recommend a change. The figures reach the renderers through the views'
// protocols, validated as the apps validate them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildScorecardView, type ScorecardView } from '../../../src/core/bench/scorecardView';
import { ScorecardFilterSchema } from '../../../src/core/bench/scorecardFilters';
import { summariseArm } from '../../../src/core/bench/armSummary';
import { suggestPolicyChange } from '../../../src/core/bench/suggestPolicyChange';
import type { RoutingReviewReport } from '../../../src/core/bench/routingReview';
import { scorecardProtocol } from '../../../src/protocol/scorecardProtocol';
import { routingReviewProtocol } from '../../../src/protocol/routingReviewProtocol';
import { buildPageHtml } from '../../../src/vscode/webviewHost/webviewHtml';
import { renderScorecard } from '../../../webview/scorecard/renderScorecard';
import { costChart as drawChart } from '../../../webview/scorecard/costChart';
import { renderReview } from '../../../webview/routingReview/renderReview';
import { installFakeDom, serialize, type FakeElement } from '../hostile/fakeDom';
import { FIXTURE, NOW } from './scorecardFixture';

const NONCE = 'bm9uY2Vub25jZW5vbmNl';

/** What the webview shows: the shared page with the app's nodes in <main>. */
function page(title: string, script: string, draw: () => Node[]): string {
  const restore = installFakeDom();
  let body: string;
  try {
    body = draw()
      .map((n) => serialize(n as unknown as FakeElement))
      .join('\n');
  } finally {
    restore();
  }
  const shell = buildPageHtml({
    cspSource: 'https://webview.test',
    nonce: NONCE,
    scriptUri: `https://webview.test/dist/${script}`,
    styleUri: 'https://webview.test/media/views.css',
    title,
  });
  return shell.replace('<p class="empty">Waiting for the extension…</p>', () => body);
}

/** The scorecard as the host sends it (through the protocol's check) and the app draws it. */
function scorecardHtml(view: ScorecardView, note?: string): string {
  const sent = scorecardProtocol.parseHostMessage(scorecardProtocol.hostNotify('scorecard/state', { view, note }));
  assert.ok(sent?.kind === 'notify' && sent.method === 'scorecard/state', 'the figures pass the protocol');
  const { view: v, note: n } = sent.params;
  const none = () => {};
  return page('Switchyard scorecard', 'scorecard.js', () =>
    renderScorecard(v, n, { filter: none, refresh: none, markBenchmark: none, reviewRouting: none }),
  );
}

function routingReviewHtml(report: RoutingReviewReport, accepted?: string): string {
  const sent = routingReviewProtocol.parseHostMessage(
    routingReviewProtocol.hostNotify('review/state', { report, accepted }),
  );
  assert.ok(sent?.kind === 'notify', 'the report passes the protocol');
  return page('Routing review', 'routingReview.js', () =>
    renderReview(sent.params.report, sent.params.accepted, () => {}),
  );
}

function costChart(series: ScorecardView['series']): string {
  const restore = installFakeDom();
  try {
    return drawChart(series)
      .map((n) => serialize(n as unknown as FakeElement))
      .join('');
  } finally {
    restore();
  }
}

/** A Scorecard request as the app would send it, checked by the host's parser. */
const accepted = (message: unknown) => scorecardProtocol.parseWebviewMessage(message) !== undefined;

function checkShell(html: string) {
  // The attribute is escaped (' as &#39;); the browser reads it back as the panel's CSP.
  const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1]?.replace(/&#39;/g, "'");
  assert.ok(
    csp?.startsWith(`default-src 'none'; script-src 'nonce-${NONCE}'; style-src https://webview.test 'nonce-${NONCE}'`),
    csp,
  );
  const scripts = [...html.matchAll(/<script\b([^>]*)>/g)];
  assert.equal(scripts.length, 1);
  assert.match(scripts[0]![1]!, new RegExp(`nonce="${NONCE}"`));
  assert.doesNotMatch(html, /\sstyle="/, 'no inline style attributes');
  assert.doesNotMatch(html, /\son[a-z]+="/i, 'no inline event handlers');
}

test('scorecard HTML: filters selected, figures, stage table, chart, escaped ids', () => {
  const hostile = FIXTURE.map((r) => ({
    ...r,
    stages: r.stages.map((s) => (s.modelId === 'gpt-mini' ? { ...s, modelId: '<img src=x onerror=alert(1)>' } : s)),
  }));
  const view = buildScorecardView(hostile, ScorecardFilterSchema.parse({ range: 'all', kind: 'all' }), NOW);
  const html = scorecardHtml(view, 'Ledger: /tmp/runs.jsonl');
  checkShell(html);
  assert.match(html, /<option value="all" selected>All time<\/option>/);
  assert.match(
    html,
    /<strong>4<\/strong> run\(s\), 3 applied, <strong>3<\/strong> trusted change\(s\), total \$0\.0655, cost per trusted change <strong>\$0\.0165<\/strong>/,
  );
  assert.match(
    html,
    /<tr><td class="head">sonnet<span class="narrow role"> · Implementer<\/span><\/td><td class="l">Implementer<\/td><td data-label="runs">4<\/td><td data-label="accepted">75%<\/td><td data-label="cost\/trusted">\$0\.0165<\/td><td data-label="trusted">3<\/td><td class="wide">2\.0s<\/td><td class="wide">\$0\.0380<\/td><td class="wide">6000→1100<\/td><\/tr>/,
  );
  assert.match(
    html,
    /<tr><td class="head">Implementer<\/td><td data-label="runs">4<\/td><td data-label="skipped">0<\/td><td data-label="failed" class="bad">1<\/td><td data-label="fell back">1<\/td><\/tr>/,
  );
  assert.doesNotMatch(html, /<img/);
  assert.match(html, /&lt;img src=x onerror=alert\(1\)&gt;/);
  // One polyline per model in the series (gpt, sonnet, and the hostile-named one).
  assert.equal((html.match(/<polyline /g) ?? []).length, 3);
  assert.match(html, /id="mark"/);
  assert.match(html, /id="review"/);
});

test('the chart: days in order on the x axis, zero at the bottom, the largest value at the top', () => {
  const svg = costChart([
    {
      modelId: 'a',
      points: [
        { day: '2026-11-01', costPerTrustedChange: 0.02, trustedChanges: 1 },
        { day: '2026-11-03', costPerTrustedChange: 0.01, trustedChanges: 2 },
      ],
    },
    { modelId: 'b', points: [{ day: '2026-11-02', costPerTrustedChange: 0.005, trustedChanges: 1 }] },
  ]);
  // Three days across x = 46 … 312; values on y from 8 (max $0.02) to 118 ($0).
  assert.match(svg, /<polyline points="46\.0,8\.0 312\.0,63\.0" class="s0 line"\/>/);
  assert.match(svg, /<polyline points="179\.0,90\.5" class="s1 line"\/>/);
  assert.match(
    svg,
    /aria-label="Cost per trusted change over time\. a: 2026-11-01 \$0\.0200, 2026-11-03 \$0\.0100; b: 2026-11-02 \$0\.0050"/,
  );
  assert.match(costChart([]), /No trusted changes in this range yet/);
});

test("the chart: a model whose only point sits on another model's dot is drawn beside it, larger, not under it", () => {
  const day = (d: string, c: number) => ({ day: d, costPerTrustedChange: c, trustedChanges: 1 });
  const svg = costChart([
    { modelId: 'sonnet', points: [day('2026-10-01', 0.025), day('2026-11-21', 0.015)] },
    { modelId: 'gpt-mini', points: [day('2026-10-01', 0.025)] },
  ]);
  const circles = [...svg.matchAll(/<circle cx="([\d.]+)" cy="([\d.]+)" r="([\d.]+)" class="(s\d) dot">/g)].map(
    (m) => ({ cx: Number(m[1]), cy: Number(m[2]), r: Number(m[3]), cls: m[4] }),
  );
  const first = circles.filter((c) => c.cy === 8);
  assert.deepEqual(
    first.map((c) => [c.cls, c.cx, c.r]),
    [
      ['s0', 43, 2.5],
      ['s1', 49, 3.5],
    ],
  );
  // Dots come after every line, so no line is drawn over a dot.
  assert.ok(svg.lastIndexOf('<polyline') < svg.indexOf('<circle'));
});

test('an empty range says what to do; the view messages are checked', () => {
  const view = buildScorecardView([], ScorecardFilterSchema.parse({ range: '7d', kind: 'docs' }), NOW);
  const html = scorecardHtml(view);
  checkShell(html);
  assert.match(html, /No runs in this range for docs tasks\. Route a task/);
  const filter = (f: unknown) => ({ kind: 'request', id: 1, method: 'scorecard/filter', params: { filter: f } });
  assert.ok(accepted(filter({ range: '30d', kind: 'bugfix' })));
  assert.ok(!accepted(filter({ range: 'forever', kind: 'bugfix' })));
  assert.ok(!accepted({ kind: 'request', id: 2, method: 'run', params: { command: 'rm -rf /' } }));
  assert.ok(!accepted({ type: 'run', command: 'rm -rf /' }));
});

test('routing review HTML: both sides, items, Accept only when recommended', () => {
  const rec = (id: string, over: Partial<(typeof FIXTURE)[number]>) => ({
    itemId: id,
    record: { ...FIXTURE[0]!, ...over },
    reviews: [],
    drift: [],
    scratchKind: 'copy',
    cleanupProblems: [],
    base: 'as-is' as const,
  });
  const cur = [rec('a', {}), rec('b', {})];
  const cand = [
    rec('a', { totals: { ...FIXTURE[0]!.totals, costUsd: 0.001 } }),
    rec('b', { totals: { ...FIXTURE[0]!.totals, costUsd: 0.001 }, task: '<b>bold</b> task' }),
  ];
  const current = summariseArm('current', cur, 'implementer', 'sonnet');
  const candidateSide = summariseArm('cand', cand, 'implementer', 'sonnet');
  const base: RoutingReviewReport = {
    stage: 'implementer',
    candidate: 'newbie',
    current,
    candidateSide: { ...candidateSide, headModelId: 'newbie' },
    items: cand.map((c, i) => ({
      itemId: c.itemId,
      task: c.record.task,
      drift: i === 1 ? ['src/x.ts'] : [],
      base: i === 1 ? ('restored' as const) : ('as-is' as const),
      current: { outcome: 'applied', finalVerdict: 'approve', costUsd: 0.0095, elapsedMs: 1500, message: '' },
      candidate: {
        outcome: 'applied',
        finalVerdict: 'approve',
        verified: false,
        costUsd: 0.001,
        elapsedMs: 1500,
        message: '',
      },
    })),
    suggestion: suggestPolicyChange('implementer', 'newbie', ['sonnet'], current, candidateSide),
    cleanupProblems: [],
    cancelled: false,
  };
  assert.equal(base.suggestion.recommend, true);
  const html = routingReviewHtml(base);
  checkShell(html);
  assert.match(
    html,
    /<th scope="row" class="l">Cost per trusted change<\/th><td>\$0\.0095<\/td><td class="good">\$0\.0010<\/td>/,
  );
  assert.match(html, /<button id="accept">/);
  assert.match(
    html,
    /&lt;b&gt;bold&lt;\/b&gt; task<br><span class="muted">replayed on the files as they were before the accepted change<\/span><br><span class="muted">files changed since marked: src\/x\.ts/,
  );
  assert.match(html, /tests failed/);
  assert.equal((html.match(/replayed on the files as they were before the accepted change/g) ?? []).length, 1);
  const applied = routingReviewHtml(base, 'Applied: stages.implementer is now ["newbie","sonnet"]');
  assert.doesNotMatch(applied, /<button id="accept">/);
  assert.match(applied, /Applied: stages\.implementer is now \[&quot;newbie&quot;,&quot;sonnet&quot;\]/);
  const keep = routingReviewHtml({
    ...base,
    suggestion: { ...base.suggestion, recommend: false, reasons: ['Approval rate drops'] },
  });
  assert.doesNotMatch(keep, /id="accept"/);
  assert.match(keep, /Keep the current routing<\/strong> for implementer/);
});
