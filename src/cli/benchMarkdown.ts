// The routing review as Markdown, for a CI job summary ($GITHUB_STEP_SUMMARY) or a pull-request
// comment: one row per role with the recommendation and the figures side by side, then each role's
// reasons and per-item outcomes. Task texts come from a repository file, so everything taken from
// it is escaped: a task cannot inject markup, links or images into the summary.
import type { ArmSummary } from '../core/bench/armSummary';
import type { RoleReviewReport } from '../core/bench/roleReview';
import type { RoutingReviewReport } from '../core/bench/routingReview';
import { pct, secs, usd } from './textTable';

/** Text safe inside a Markdown table cell: no markup, no HTML, no line breaks. */
export function mdText(text: string, max = 80): string {
  const one = text.replace(/\s+/g, ' ').trim();
  const cut = one.length > max ? `${one.slice(0, max - 1)}…` : one;
  return cut
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_[\]()#|!~])/g, '\\$1');
}

/** An id in a code span (ids never hold a backtick; drop any a hostile file slipped in). */
const code = (id: string | undefined) => (id ? `\`${id.replace(/`/g, '')}\`` : '—');

const arrow = (a: string, b: string) => (a === b ? a : `${a} → ${b}`);
const serious = (s: ArmSummary) => String(s.findings.critical + s.findings.major);
const verify = (s: ArmSummary) => (s.verifyPassRate === null ? 'not run' : pct(s.verifyPassRate));

function recommendation(r: RoutingReviewReport): string {
  const s = r.suggestion;
  if (s.recommend) return `✅ put ${code(s.candidate)} first`;
  return `❌ keep ${code(s.fromChain[0])}${s.fromChain[0] === s.candidate ? ' (already first)' : ' first'}`;
}

function summaryRow(r: RoutingReviewReport): string {
  const [a, b] = [r.current, r.candidateSide];
  const cells = [
    r.stage,
    recommendation(r),
    arrow(pct(a.approvalRate), pct(b.approvalRate)),
    arrow(verify(a), verify(b)),
    arrow(serious(a), serious(b)),
    arrow(usd(a.costPerTrustedChange), usd(b.costPerTrustedChange)),
    arrow(usd(a.costUsd), usd(b.costUsd)),
    arrow(secs(a.elapsedMs), secs(b.elapsedMs)),
  ];
  return `| ${cells.join(' | ')} |`;
}

function roleDetails(r: RoutingReviewReport): string[] {
  const s = r.suggestion;
  const lines = [
    `### ${r.stage}`,
    '',
    s.recommend
      ? `Put ${code(r.candidate)} first: \`${JSON.stringify(s.fromChain)}\` → \`${JSON.stringify(s.toChain)}\``
      : `Keep the current routing: \`${JSON.stringify(s.fromChain)}\``,
    '',
    ...s.reasons.map((x) => `- ${mdText(x, 300)}`),
    '',
    '<details><summary>Per item</summary>',
    '',
    '| item | task | current | candidate |',
    '|---|---|---|---|',
    ...r.items.map(
      (i) =>
        `| ${mdText(i.itemId, 40)} | ${mdText(i.task)} | ${i.current.outcome} / ${i.current.finalVerdict}${i.current.verified === false ? ' ✗ verify' : ''} | ${i.candidate.outcome} / ${i.candidate.finalVerdict}${i.candidate.verified === false ? ' ✗ verify' : ''} |`,
    ),
    '',
    '</details>',
    '',
  ];
  return lines;
}

export function routingReviewMarkdown(report: RoleReviewReport, notes: readonly string[] = []): string {
  const lines = [
    `## Switchyard routing review: ${code(report.candidate)}`,
    '',
    `${report.items} benchmark item(s), replayed with the current routing and with ${code(report.candidate)} at the head of each role's chain, each reviewed by a model of another vendor.${report.cancelled ? ' **Cancelled part-way: partial figures, no suggestion.**' : ''}`,
    '',
    '| role | recommendation | approval | verification | critical+major findings | cost per trusted change | cost | time |',
    '|---|---|---|---|---|---|---|---|',
    ...report.roles.map(summaryRow),
    '',
    ...notes.map((n) => `> ${mdText(n, 400)}`),
    ...(notes.length ? [''] : []),
    ...report.roles.flatMap(roleDetails),
  ];
  return `${lines.join('\n')}\n`;
}
