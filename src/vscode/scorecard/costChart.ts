// A small inline SVG line chart: cost per trusted change over time, one line per model. No chart
// library: a few polylines in theme colours, days on the x axis (in order, evenly spaced), dollars
// on the y axis from zero. A single day draws a dot. Labels are escaped text.
import type { ModelSeries } from '../../core/bench/scorecardFilters';
import { esc, usd } from './htmlParts';

// Colours come from classes (s0…s5 in htmlParts' stylesheet): the CSP forbids inline style attributes.
const SERIES_CLASSES = 6;
const W = 320;
const H = 140;
const PAD = { left: 46, right: 8, top: 8, bottom: 22 };

export function costChart(series: readonly ModelSeries[]): string {
  const days = [...new Set(series.flatMap((s) => s.points.map((p) => p.day)))].sort();
  if (days.length === 0) return '<p class="muted">No trusted changes in this range yet: nothing to chart.</p>';
  const max = Math.max(...series.flatMap((s) => s.points.map((p) => p.costPerTrustedChange)), 0) || 1;
  const x = (day: string) =>
    days.length === 1
      ? (PAD.left + W - PAD.right) / 2
      : PAD.left + (days.indexOf(day) * (W - PAD.left - PAD.right)) / (days.length - 1);
  const y = (v: number) => PAD.top + (1 - v / max) * (H - PAD.top - PAD.bottom);
  const lines = series.map((s, i) => {
    const cls = `s${i % SERIES_CLASSES}`;
    const pts = s.points.map((p) => `${x(p.day).toFixed(1)},${y(p.costPerTrustedChange).toFixed(1)}`).join(' ');
    const dots = s.points
      .map(
        (p) =>
          `<circle cx="${x(p.day).toFixed(1)}" cy="${y(p.costPerTrustedChange).toFixed(1)}" r="2.5" class="${cls} dot"><title>${esc(s.modelId)} ${esc(p.day)}: ${esc(usd(p.costPerTrustedChange))} (${p.trustedChanges} trusted)</title></circle>`,
      )
      .join('');
    return `<polyline points="${pts}" class="${cls} line"/>${dots}`;
  });
  const axis = `<line x1="${PAD.left}" y1="${H - PAD.bottom}" x2="${W - PAD.right}" y2="${H - PAD.bottom}" class="axis"/>
<text x="${PAD.left - 4}" y="${PAD.top + 8}" text-anchor="end">${esc(usd(max))}</text>
<text x="${PAD.left - 4}" y="${H - PAD.bottom}" text-anchor="end">$0</text>
<text x="${PAD.left}" y="${H - 6}">${esc(days[0])}</text>
${days.length > 1 ? `<text x="${W - PAD.right}" y="${H - 6}" text-anchor="end">${esc(days[days.length - 1])}</text>` : ''}`;
  const summary = series
    .map((s) => `${s.modelId}: ${s.points.map((p) => `${p.day} ${usd(p.costPerTrustedChange)}`).join(', ')}`)
    .join('; ');
  const legend = series
    .map(
      (s, i) =>
        `<span><svg width="12" height="6" aria-hidden="true"><line x1="0" y1="3" x2="12" y2="3" class="s${i % SERIES_CLASSES} line"/></svg> ${esc(s.modelId)}</span>`,
    )
    .join('');
  return `<svg viewBox="0 0 ${W} ${H}" width="100%" role="img" aria-label="${esc(`Cost per trusted change over time. ${summary}`)}">${axis}${lines.join('')}</svg>
<div class="legend">${legend}</div>`;
}
