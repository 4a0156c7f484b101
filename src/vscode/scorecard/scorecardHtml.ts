// The scorecard view's HTML from a ScorecardView: filters (time range, task kind), per model and
// role figures, per-stage health, the cost-per-trusted-change chart, and buttons for the two
// benchmark commands. The cost per trusted change comes right after acceptance so a narrow sidebar
// shows it without scrolling (time, cost and tokens show once the view is wide enough; `switchyard bench stats` always has them). Native selects and buttons, so the keyboard works without extra code.
import { TaskKindSchema } from '../../core/config/policySchema';
import { ROLE_LABELS } from '../../core/config/stages';
import { TimeRangeSchema } from '../../core/bench/scorecardFilters';
import type { ScorecardView } from '../../core/bench/scorecardView';
import { costChart } from './costChart';
import { esc, page, pct, secs, usd } from './htmlParts';

const RANGE_LABEL: Record<string, string> = {
  '7d': 'Last 7 days',
  '30d': 'Last 30 days',
  '90d': 'Last 90 days',
  all: 'All time',
};

function options(values: readonly string[], selected: string, label: (v: string) => string): string {
  return values
    .map((v) => `<option value="${esc(v)}"${v === selected ? ' selected' : ''}>${esc(label(v))}</option>`)
    .join('');
}

export function scorecardBody(view: ScorecardView, ledgerNote?: string): string {
  const f = view.filter;
  const filters = `<div class="filters" role="group" aria-label="Filters">
<label>Range <select id="range">${options(TimeRangeSchema.options, f.range, (v) => RANGE_LABEL[v] ?? v)}</select></label>
<label>Task <select id="kind">${options(['all', ...TaskKindSchema.options], f.kind, (v) => (v === 'all' ? 'All kinds' : v))}</select></label>
<button id="refresh" class="secondary" title="Read the run ledger again">Refresh</button>
</div>`;
  const actions = `<div class="filters"><button id="mark" class="secondary">Mark a run as benchmark…</button><button id="review">Review routing for a new model…</button></div>`;
  const o = view.overall;
  if (o.runs === 0) {
    return `${filters}<p class="muted">No runs in this range${f.kind === 'all' ? '' : ` for ${esc(f.kind)} tasks`}. Route a task ("Switchyard: Route this task") and its figures appear here.</p>${ledgerNote ? `<p class="muted">${esc(ledgerNote)}</p>` : ''}${actions}`;
  }
  const rows = view.rows
    .map(
      (r) =>
        `<tr><td class="head">${esc(r.modelId)}<span class="narrow role"> · ${esc(ROLE_LABELS[r.role])}</span></td><td class="l">${esc(ROLE_LABELS[r.role])}</td><td data-label="runs">${r.runs}</td><td data-label="accepted">${pct(r.acceptanceRate)}</td><td data-label="cost/trusted">${usd(r.costPerTrustedChange)}</td><td data-label="trusted">${r.trustedChanges}</td><td class="wide">${secs(r.medianMs)}</td><td class="wide">${usd(r.costUsd)}</td><td class="wide">${r.tokensIn}→${r.tokensOut}</td></tr>`,
    )
    .join('');
  const stages = view.stages
    .map(
      (s) =>
        `<tr><td class="head">${esc(ROLE_LABELS[s.stage])}</td><td data-label="runs">${s.runs}</td><td data-label="skipped">${s.skipped}</td><td data-label="failed"${s.failed ? ' class="bad"' : ''}>${s.failed}</td><td data-label="fell back">${s.fellBack}</td></tr>`,
    )
    .join('');
  return `${filters}
<p><strong>${o.runs}</strong> run(s), ${o.applied} applied, <strong>${o.trustedChanges}</strong> trusted change(s), total ${usd(o.costUsd)}, cost per trusted change <strong>${usd(o.costPerTrustedChange)}</strong></p>
<h2>Per model and role</h2>
<div class="scroll"><table aria-label="Per model and role"><thead><tr><th>Model</th><th class="l">Role</th><th>Runs</th><th title="Of runs that ended in a decision about a diff, the share applied">Accepted</th><th title="Whole-run cost of the trusted runs / their number">Cost / trusted</th><th title="Applied after an approving cross-vendor review">Trusted</th><th class="wide">Median</th><th class="wide">Cost</th><th class="wide">Tokens in→out</th></tr></thead><tbody>${rows}</tbody></table></div>
<h2>Cost per trusted change over time</h2>
${costChart(view.series)}
<h2>Per stage</h2>
<div class="scroll"><table aria-label="Per stage"><thead><tr><th>Stage</th><th>Runs</th><th title="Planned but not run">Skipped</th><th>Failed</th><th title="Another model in the chain took over">Fell back</th></tr></thead><tbody>${stages}</tbody></table></div>
${ledgerNote ? `<p class="muted">${esc(ledgerNote)}</p>` : ''}
${actions}`;
}

const SCRIPT = `(() => {
  const vscode = acquireVsCodeApi();
  const $ = (id) => document.getElementById(id);
  const filter = () => vscode.postMessage({ type: 'filter', filter: { range: $('range').value, kind: $('kind').value } });
  $('range').addEventListener('change', filter);
  $('kind').addEventListener('change', filter);
  $('refresh').addEventListener('click', () => vscode.postMessage({ type: 'refresh' }));
  $('mark').addEventListener('click', () => vscode.postMessage({ type: 'markBenchmark' }));
  $('review').addEventListener('click', () => vscode.postMessage({ type: 'reviewRouting' }));
})();`;

export function scorecardHtml(view: ScorecardView, cspSource: string, nonce: string, ledgerNote?: string): string {
  return page(cspSource, nonce, 'Switchyard scorecard', scorecardBody(view, ledgerNote), SCRIPT);
}
