// How the routing review looks in a terminal: the side-by-side report of one role (`switchyard
// bench`), with the tables of textTable.ts. Markdown for CI job summaries is in benchMarkdown.ts.
import type { ArmSummary } from '../core/bench/armSummary';
import type { RoutingReviewReport } from '../core/bench/routingReview';
import { pct, secs, table, usd } from './textTable';

/** The side-by-side table as text; also what the tests read. */
export function formatReport(r: RoutingReviewReport): string {
  const a = r.current;
  const b = r.candidateSide;
  const verify = (s: ArmSummary) =>
    s.verifyPassRate === null ? 'not run' : `${pct(s.verifyPassRate)} (${s.verifyPassed}/${s.verified})`;
  const findings = (s: ArmSummary) =>
    `${s.findings.critical}/${s.findings.major}/${s.findings.minor}/${s.findings.info}`;
  const figures: Array<[string, (s: ArmSummary) => string]> = [
    ['approval rate', (s) => `${pct(s.approvalRate)} (${s.approved}/${s.items})`],
    ['verification pass rate', verify],
    ['findings critical/major/minor/info', findings],
    ['tokens in→out', (s) => `${s.tokensIn}→${s.tokensOut}`],
    ['cost', (s) => usd(s.costUsd)],
    ['time', (s) => secs(s.elapsedMs)],
    ['trusted changes', (s) => String(s.trustedChanges)],
    ['cost per trusted change', (s) => usd(s.costPerTrustedChange)],
    ['failed runs', (s) => String(s.failed)],
  ];
  const head = [`current (${a.headModelId ?? 'none'} as ${r.stage})`, `candidate (${r.candidate} as ${r.stage})`];
  const lines = [
    `Routing review: ${r.candidate} as ${r.stage}, over ${a.items} benchmark item(s)${r.cancelled ? ' (CANCELLED part-way: partial figures)' : ''}`,
    '',
    ...table(
      ['', ...head],
      figures.map(([name, f]) => [name, f(a), f(b)]),
    ),
    '',
    ...table(
      ['item', 'task', 'files', 'current', 'candidate'],
      r.items.map((i) => [
        i.itemId,
        i.task.length > 48 ? `${i.task.slice(0, 47)}…` : i.task,
        // 'before' = the accepted diff was taken back in the scratch first; 'today' = run on the files as they are.
        i.base === 'restored' ? 'before' : 'today',
        `${i.current.outcome}/${i.current.finalVerdict}${i.current.verified === false ? ' ✗verify' : ''}`,
        `${i.candidate.outcome}/${i.candidate.finalVerdict}${i.candidate.verified === false ? ' ✗verify' : ''}`,
      ]),
      3,
    ),
  ];
  const drifted = r.items.filter((i) => i.drift.length);
  if (drifted.length)
    lines.push(
      '',
      `Note: ${drifted.length} item(s) ran on files changed since they were marked: ${drifted.map((i) => `${i.itemId} (${i.drift.join(', ')})`).join('; ')}`,
    );
  const s = r.suggestion;
  lines.push(
    '',
    s.recommend
      ? `Suggestion: put ${s.candidate} first in stages.${s.stage}: ${JSON.stringify(s.fromChain)} → ${JSON.stringify(s.toChain)}`
      : `Suggestion: keep the current routing for ${s.stage}.`,
    ...s.reasons.map((x) => `  - ${x}`),
  );
  if (r.cleanupProblems.length) lines.push('', `Scratch folders left behind: ${r.cleanupProblems.join('; ')}`);
  return lines.join('\n');
}
