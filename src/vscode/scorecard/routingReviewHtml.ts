// The routing review's results as HTML: both sides next to each other, the items one by one, and
// the suggested policy change with an Accept button (shown only when the figures recommend it).
// Accepting shows the edit to .switchyard/routing.json as a diff before anything is written.
import type { ArmSummary } from '../../core/bench/armSummary';
import type { RoutingReviewReport } from '../../core/bench/routingReview';
import { esc, page, pct, secs, usd } from './htmlParts';

function figures(r: RoutingReviewReport): string {
  const a = r.current;
  const b = r.candidateSide;
  const better = (x: number | null, y: number | null, lowerIsBetter: boolean) =>
    x === null || y === null || x === y ? '' : (lowerIsBetter ? y < x : y > x) ? ' class="good"' : ' class="bad"';
  const verify = (s: ArmSummary) =>
    s.verifyPassRate === null ? 'not run' : `${pct(s.verifyPassRate)} (${s.verifyPassed}/${s.verified})`;
  const f = (s: ArmSummary) =>
    `${s.findings.critical} / ${s.findings.major} / ${s.findings.minor} / ${s.findings.info}`;
  const row = (name: string, x: string, y: string, cls = '') =>
    `<tr><th scope="row" class="l">${esc(name)}</th><td>${esc(x)}</td><td${cls}>${esc(y)}</td></tr>`;
  return `<table aria-label="Current routing and candidate side by side"><thead><tr><th class="l"></th><th>Current (${esc(a.headModelId ?? 'none')})</th><th>Candidate (${esc(r.candidate)})</th></tr></thead><tbody>
${row('Approval rate', `${pct(a.approvalRate)} (${a.approved}/${a.items})`, `${pct(b.approvalRate)} (${b.approved}/${b.items})`, better(a.approvalRate, b.approvalRate, false))}
${row('Verification pass rate', verify(a), verify(b), better(a.verifyPassRate, b.verifyPassRate, false))}
${row('Findings critical / major / minor / info', f(a), f(b), better(a.findings.critical + a.findings.major, b.findings.critical + b.findings.major, true))}
${row('Tokens in → out', `${a.tokensIn} → ${a.tokensOut}`, `${b.tokensIn} → ${b.tokensOut}`)}
${row('Cost', usd(a.costUsd), usd(b.costUsd), better(a.costUsd, b.costUsd, true))}
${row('Time', secs(a.elapsedMs), secs(b.elapsedMs), better(a.elapsedMs, b.elapsedMs, true))}
${row('Trusted changes', String(a.trustedChanges), String(b.trustedChanges), better(a.trustedChanges, b.trustedChanges, false))}
${row('Cost per trusted change', usd(a.costPerTrustedChange), usd(b.costPerTrustedChange), better(a.costPerTrustedChange, b.costPerTrustedChange, true))}
${row('Failed runs', String(a.failed), String(b.failed), better(a.failed, b.failed, true))}
</tbody></table>`;
}

function items(r: RoutingReviewReport): string {
  const side = (s: RoutingReviewReport['items'][number]['current']) =>
    `${esc(s.outcome)} · ${esc(s.finalVerdict)}${s.verified === undefined ? '' : s.verified ? ' · tests passed' : ' · <span class="bad">tests failed</span>'} · ${usd(s.costUsd)}${s.stageModel ? ` · ${esc(s.stageModel)}` : ''}`;
  return `<table aria-label="Each benchmark item"><thead><tr><th class="l">Task</th><th class="l">Current</th><th class="l">Candidate</th></tr></thead><tbody>${r.items
    .map(
      (i) =>
        `<tr><td class="task">${esc(i.task)}${i.base === 'restored' ? '<br><span class="muted">replayed on the files as they were before the accepted change</span>' : ''}${i.drift.length ? `<br><span class="muted">files changed since marked: ${esc(i.drift.join(', '))}</span>` : ''}</td><td class="l">${side(i.current)}</td><td class="l">${side(i.candidate)}</td></tr>`,
    )
    .join('')}</tbody></table>`;
}

export function routingReviewBody(r: RoutingReviewReport, accepted?: string): string {
  const s = r.suggestion;
  const suggestion = s.recommend
    ? `<div class="suggestion"><p><strong>Suggested:</strong> put ${esc(s.candidate)} first in <code>stages.${esc(s.stage)}</code>: <code>${esc(JSON.stringify(s.fromChain))}</code> → <code>${esc(JSON.stringify(s.toChain))}</code></p><ul>${s.reasons.map((x) => `<li>${esc(x)}</li>`).join('')}</ul>${
        accepted
          ? `<p class="good">${esc(accepted)}</p>`
          : '<button id="accept">Accept… (shows the change to .switchyard/routing.json first)</button>'
      }</div>`
    : `<div class="suggestion"><p><strong>Keep the current routing</strong> for ${esc(s.stage)}.</p><ul>${s.reasons.map((x) => `<li>${esc(x)}</li>`).join('')}</ul></div>`;
  return `<h2>${esc(r.candidate)} as ${esc(r.stage)}: ${r.current.items} benchmark item(s), replayed in scratch copies</h2>
${r.cancelled ? '<p class="bad">Cancelled part-way: these figures cover only the replays that finished.</p>' : ''}
${figures(r)}
${suggestion}
<h2>Items</h2>
${items(r)}
${r.cleanupProblems.length ? `<p class="muted">Scratch folders left behind: ${esc(r.cleanupProblems.join('; '))}</p>` : ''}`;
}

const SCRIPT = `(() => {
  const vscode = acquireVsCodeApi();
  const b = document.getElementById('accept');
  if (b) b.addEventListener('click', () => vscode.postMessage({ type: 'accept' }));
})();`;

export function routingReviewHtml(r: RoutingReviewReport, cspSource: string, nonce: string, accepted?: string): string {
  return page(cspSource, nonce, `Routing review: ${r.candidate} as ${r.stage}`, routingReviewBody(r, accepted), SCRIPT);
}
