// Shared bits of the scorecard and routing-review HTML: escaping (every model id, task and reason
// is data, never markup), number formats, the page shell with the panel's CSP and nonce, and the
// theme-coloured styles. vscode-free so the renderers are unit-tested in plain Node.
import { buildCsp } from '../panel/panelHtml';

export function esc(value: unknown): string {
  return String(value)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

export const pct = (x: number | null): string => (x === null ? '—' : `${Math.round(x * 100)}%`);
export const usd = (x: number | null): string => (x === null ? '—' : `$${x.toFixed(4)}`);
export const secs = (ms: number): string => `${(ms / 1000).toFixed(1)}s`;

const STYLE = `
body { font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); color: var(--vscode-foreground); padding: 0 8px 12px; }
h2 { font-size: 1.05em; margin: 14px 0 6px; }

.scroll { overflow-x: auto; }
.narrow { display: none; }
/* A sidebar is narrow: no column may hide past its edge. Each table row becomes a short block (the
   model and its role, then each figure with its name), and time, cost and tokens wait for a wider view. */
@media (max-width: 440px) {
  .wide, td.l, th.l, thead { display: none; }
  .narrow { display: inline; }
  table, tbody, tr { display: block; }
  tr { padding: 4px 0; border-bottom: 1px solid var(--vscode-widget-border, var(--vscode-panel-border)); }
  td { display: inline-block; border: none; padding: 0 10px 0 0; text-align: left; }
  td.head { display: block; font-weight: 600; }
  td[data-label]::before { content: attr(data-label) " "; color: var(--vscode-descriptionForeground); }
}
.role { color: var(--vscode-descriptionForeground); font-size: 0.9em; }
p, .muted { overflow-wrap: anywhere; }
table { border-collapse: collapse; width: 100%; margin-bottom: 8px; }
th, td { text-align: right; padding: 2px 6px; border-bottom: 1px solid var(--vscode-widget-border, var(--vscode-panel-border)); white-space: nowrap; }
th { color: var(--vscode-descriptionForeground); font-weight: 600; }
th:first-child, td:first-child, td.l, th.l { text-align: left; }
td.task { white-space: normal; text-align: left; }
.filters { display: flex; gap: 8px; flex-wrap: wrap; align-items: center; margin: 8px 0; }
select, button { font: inherit; color: var(--vscode-dropdown-foreground); background: var(--vscode-dropdown-background); border: 1px solid var(--vscode-dropdown-border, transparent); padding: 2px 4px; }
button { color: var(--vscode-button-foreground); background: var(--vscode-button-background); border: none; padding: 4px 10px; cursor: pointer; }
button.secondary { color: var(--vscode-button-secondaryForeground); background: var(--vscode-button-secondaryBackground); }
button:hover { background: var(--vscode-button-hoverBackground); }
:focus-visible { outline: 1px solid var(--vscode-focusBorder); outline-offset: 1px; }
.muted { color: var(--vscode-descriptionForeground); }
.good { color: var(--vscode-testing-iconPassed, var(--vscode-charts-green)); }
.bad { color: var(--vscode-errorForeground); }
.suggestion { border-left: 3px solid var(--vscode-focusBorder); padding: 4px 8px; margin: 8px 0; background: var(--vscode-textBlockQuote-background); }
svg text { fill: var(--vscode-descriptionForeground); font-size: 10px; }
.legend span { margin-right: 10px; white-space: nowrap; }
.line { fill: none; stroke-width: 1.5; }
.axis { stroke: var(--vscode-widget-border, var(--vscode-descriptionForeground)); }
${['blue', 'orange', 'green', 'purple', 'red', 'yellow']
  .map((c, i) => `.s${i}.line { stroke: var(--vscode-charts-${c}); } .s${i}.dot { fill: var(--vscode-charts-${c}); }`)
  .join('\n')}
`;

export function page(cspSource: string, nonce: string, title: string, body: string, script: string): string {
  const n = esc(nonce);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${esc(buildCsp(cspSource, nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<style nonce="${n}">${STYLE}</style>
<title>${esc(title)}</title>
</head>
<body>
${body}
<script nonce="${n}">${script}</script>
</body>
</html>`;
}
