// A small SVG line chart: cost per trusted change over time, one line per model. No chart library:
// a few polylines in theme colours, days on the x axis (in order, evenly spaced), dollars on the y
// axis from zero. Every day is a dot (a model seen on one day is a larger one). Labels are text nodes.
import type { ScorecardState } from '../../src/protocol/scorecardProtocol';
import { h, svg } from '../dom';
import { usd } from '../figures';

type ModelSeries = ScorecardState['series'][number];

// Colours come from classes (s0…s5 in media/views.css): the CSP forbids inline style attributes.
const SERIES_CLASSES = 6;
const W = 320;
const H = 140;
const PAD = { left: 46, right: 8, top: 8, bottom: 22 };
const DOT_SPREAD = 6;

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
  // Dots that would sit on the same spot (two models, same day, same cost) are spread sideways, so a
  // model with a single day is not hidden under another's dot. Lines first, then every dot on top.
  const shared = new Map<string, number[]>();
  series.forEach((s, i) =>
    s.points.forEach((p) => {
      const key = `${x(p.day)},${y(p.costPerTrustedChange)}`;
      shared.set(key, [...(shared.get(key) ?? []), i]);
    }),
  );
  const spread = (key: string, i: number) => {
    const at = shared.get(key)!;
    return (at.indexOf(i) - (at.length - 1) / 2) * DOT_SPREAD;
  };
  const lines = series.map((s, i) =>
    svg('polyline', {
      points: s.points.map((p) => `${x(p.day)},${y(p.costPerTrustedChange)}`).join(' '),
      class: `s${i % SERIES_CLASSES} line`,
    }),
  );
  const dots = series.flatMap((s, i) =>
    s.points.map((p) => {
      const cx = x(p.day);
      const cy = y(p.costPerTrustedChange);
      return svg(
        'circle',
        {
          cx: (Number(cx) + spread(`${cx},${cy}`, i)).toFixed(1),
          cy,
          r: s.points.length === 1 ? '3.5' : '2.5',
          class: `s${i % SERIES_CLASSES} dot`,
        },
        svg('title', {}, `${s.modelId} ${p.day}: ${usd(p.costPerTrustedChange)} (${p.trustedChanges} trusted)`),
      );
    }),
  );
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
    ...dots,
  );
  return [chart, h('div', { class: 'legend' }, ...legend)];
}
