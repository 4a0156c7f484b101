// A small SVG line chart: cost per trusted change over time, one line per model. No chart library:
// a few polylines in theme colours, days on the x axis (in order, evenly spaced), dollars on the y
// axis from zero. A single day draws a dot. Labels are text nodes.
import type { ScorecardState } from '../../src/protocol/scorecardProtocol';
import { h, svg } from '../dom';
import { usd } from '../figures';

type ModelSeries = ScorecardState['series'][number];

// Colours come from classes (s0…s5 in media/views.css): the CSP forbids inline style attributes.
const SERIES_CLASSES = 6;
const W = 320;
const H = 140;
const PAD = { left: 46, right: 8, top: 8, bottom: 22 };

function axis(days: readonly string[], max: number): SVGElement[] {
  const label = (x: number, y: number, text: string, end: boolean) =>
    svg('text', { x: String(x), y: String(y), 'text-anchor': end ? 'end' : undefined }, text);
  const bottom = String(H - PAD.bottom);
  return [
    svg('line', { x1: String(PAD.left), y1: bottom, x2: String(W - PAD.right), y2: bottom, class: 'axis' }),
    label(PAD.left - 4, PAD.top + 8, usd(max), true),
    label(PAD.left - 4, H - PAD.bottom, '$0', true),
    label(PAD.left, H - 6, days[0]!, false),
    ...(days.length > 1 ? [label(W - PAD.right, H - 6, days[days.length - 1]!, true)] : []),
  ];
}

export function costChart(series: readonly ModelSeries[]): Element[] {
  const days = [...new Set(series.flatMap((s) => s.points.map((p) => p.day)))].sort();
  if (days.length === 0) return [h('p', { class: 'muted' }, 'No trusted changes in this range yet: nothing to chart.')];
  const max = Math.max(...series.flatMap((s) => s.points.map((p) => p.costPerTrustedChange)), 0) || 1;
  const x = (day: string) =>
    (days.length === 1
      ? (PAD.left + W - PAD.right) / 2
      : PAD.left + (days.indexOf(day) * (W - PAD.left - PAD.right)) / (days.length - 1)
    ).toFixed(1);
  const y = (v: number) => (PAD.top + (1 - v / max) * (H - PAD.top - PAD.bottom)).toFixed(1);
  const lines = series.flatMap((s, i) => {
    const cls = `s${i % SERIES_CLASSES}`;
    const points = s.points.map((p) => `${x(p.day)},${y(p.costPerTrustedChange)}`).join(' ');
    const dots = s.points.map((p) =>
      svg(
        'circle',
        { cx: x(p.day), cy: y(p.costPerTrustedChange), r: '2.5', class: `${cls} dot` },
        svg('title', {}, `${s.modelId} ${p.day}: ${usd(p.costPerTrustedChange)} (${p.trustedChanges} trusted)`),
      ),
    );
    return [svg('polyline', { points, class: `${cls} line` }), ...dots];
  });
  const summary = series
    .map((s) => `${s.modelId}: ${s.points.map((p) => `${p.day} ${usd(p.costPerTrustedChange)}`).join(', ')}`)
    .join('; ');
  const legend = series.map((s, i) =>
    h(
      'span',
      {},
      svg(
        'svg',
        { width: '12', height: '6', 'aria-hidden': 'true' },
        svg('line', { x1: '0', y1: '3', x2: '12', y2: '3', class: `s${i % SERIES_CLASSES} line` }),
      ),
      ` ${s.modelId}`,
    ),
  );
  const chart = svg(
    'svg',
    {
      viewBox: `0 0 ${W} ${H}`,
      width: '100%',
      role: 'img',
      'aria-label': `Cost per trusted change over time. ${summary}`,
    },
    ...axis(days, max),
    ...lines,
  );
  return [chart, h('div', { class: 'legend' }, ...legend)];
}
