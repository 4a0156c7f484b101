// The routing review drawn from the report the host sent: both sides next to each other, the items
// one by one, and the suggested policy change with an Accept button (shown only when the figures
// recommend it, and gone once it was applied). Accepting asks the host, which shows the edit to
// .switchyard/routing.json as a diff before anything is written.
import type { ArmView, ItemSideView, RoutingReviewView } from '../../src/protocol/routingReviewProtocol';
import { h } from '../dom';
import { pct, secs, usd } from '../figures';

type Verdict = 'good' | 'bad' | undefined;

/** Whether the candidate's figure `y` beats the current `x` (undefined: equal or not comparable). */
function better(x: number | null, y: number | null, lowerIsBetter: boolean): Verdict {
  if (x === null || y === null || x === y) return undefined;
  return (lowerIsBetter ? y < x : y > x) ? 'good' : 'bad';
}

function figures(r: RoutingReviewView): HTMLElement {
  const a = r.current;
  const b = r.candidateSide;
  const verify = (s: ArmView) =>
    s.verifyPassRate === null ? 'not run' : `${pct(s.verifyPassRate)} (${s.verifyPassed}/${s.verified})`;
  const f = (s: ArmView) => `${s.findings.critical} / ${s.findings.major} / ${s.findings.minor} / ${s.findings.info}`;
  const row = (name: string, x: string, y: string, cls?: Verdict) =>
    h('tr', {}, h('th', { scope: 'row', class: 'l' }, name), h('td', {}, x), h('td', { class: cls }, y));
  const serious = (s: ArmView) => s.findings.critical + s.findings.major;
  const rows = [
    row(
      'Approval rate',
      `${pct(a.approvalRate)} (${a.approved}/${a.items})`,
      `${pct(b.approvalRate)} (${b.approved}/${b.items})`,
      better(a.approvalRate, b.approvalRate, false),
    ),
    row('Verification pass rate', verify(a), verify(b), better(a.verifyPassRate, b.verifyPassRate, false)),
    row('Findings critical / major / minor / info', f(a), f(b), better(serious(a), serious(b), true)),
    row('Tokens in → out', `${a.tokensIn} → ${a.tokensOut}`, `${b.tokensIn} → ${b.tokensOut}`),
    row('Cost', usd(a.costUsd), usd(b.costUsd), better(a.costUsd, b.costUsd, true)),
    row('Time', secs(a.elapsedMs), secs(b.elapsedMs), better(a.elapsedMs, b.elapsedMs, true)),
    row(
      'Trusted changes',
      String(a.trustedChanges),
      String(b.trustedChanges),
      better(a.trustedChanges, b.trustedChanges, false),
    ),
    row(
      'Cost per trusted change',
      usd(a.costPerTrustedChange),
      usd(b.costPerTrustedChange),
      better(a.costPerTrustedChange, b.costPerTrustedChange, true),
    ),
    row('Failed runs', String(a.failed), String(b.failed), better(a.failed, b.failed, true)),
  ];
  const head = h(
    'tr',
    {},
    h('th', { class: 'l' }),
    h('th', {}, `Current (${a.headModelId ?? 'none'})`),
    h('th', {}, `Candidate (${r.candidate})`),
  );
  return h(
    'table',
    { 'aria-label': 'Current routing and candidate side by side' },
    h('thead', {}, head),
    h('tbody', {}, ...rows),
  );
}

function side(s: ItemSideView): Array<Node | string> {
  const tests =
    s.verified === undefined
      ? []
      : s.verified
        ? [' · tests passed']
        : [' · ', h('span', { class: 'bad' }, 'tests failed')];
  return [
    `${s.outcome} · ${s.finalVerdict}`,
    ...tests,
    ` · ${usd(s.costUsd)}${s.stageModel ? ` · ${s.stageModel}` : ''}`,
  ];
}

function items(r: RoutingReviewView): HTMLElement {
  const note = (text: string) => [h('br'), h('span', { class: 'muted' }, text)];
  const rows = r.items.map((i) =>
    h(
      'tr',
      {},
      h(
        'td',
        { class: 'task' },
        i.task,
        ...(i.base === 'restored' ? note('replayed on the files as they were before the accepted change') : []),
        ...(i.drift.length ? note(`files changed since marked: ${i.drift.join(', ')}`) : []),
      ),
      h('td', { class: 'l' }, ...side(i.current)),
      h('td', { class: 'l' }, ...side(i.candidate)),
    ),
  );
  const head = h('tr', {}, ...['Task', 'Current', 'Candidate'].map((t) => h('th', { class: 'l' }, t)));
  return h('table', { 'aria-label': 'Each benchmark item' }, h('thead', {}, head), h('tbody', {}, ...rows));
}

function suggestion(
  r: RoutingReviewView,
  accepted: string | undefined,
  accept: () => void,
  status: Node[],
): HTMLElement {
  const s = r.suggestion;
  const reasons = h('ul', {}, ...s.reasons.map((x) => h('li', {}, x)));
  if (!s.recommend)
    return h(
      'div',
      { class: 'suggestion' },
      h('p', {}, h('strong', {}, 'Keep the current routing'), ` for ${s.stage}.`),
      reasons,
    );
  let last: HTMLElement;
  if (accepted) last = h('p', { class: 'good' }, accepted);
  else {
    last = h('button', { id: 'accept' }, 'Accept… (shows the change to .switchyard/routing.json first)');
    last.addEventListener('click', accept);
  }
  const proposal = h(
    'p',
    {},
    h('strong', {}, 'Suggested:'),
    ` put ${s.candidate} first in `,
    h('code', {}, `stages.${s.stage}`),
    ': ',
    h('code', {}, JSON.stringify(s.fromChain)),
    ' → ',
    h('code', {}, JSON.stringify(s.toChain)),
  );
  return h('div', { class: 'suggestion' }, proposal, reasons, last, ...status);
}

/** `status` (what the host said back to Accept) is drawn right under the button, where the eye already is. */
export function renderReview(
  r: RoutingReviewView,
  accepted: string | undefined,
  accept: () => void,
  status?: Node,
): Node[] {
  return [
    h('h2', {}, `${r.candidate} as ${r.stage}: ${r.current.items} benchmark item(s), replayed in scratch copies`),
    ...(r.cancelled
      ? [h('p', { class: 'bad' }, 'Cancelled part-way: these figures cover only the replays that finished.')]
      : []),
    figures(r),
    suggestion(r, accepted, accept, status ? [status] : []),
    h('h2', {}, 'Items'),
    items(r),
    ...(r.cleanupProblems.length
      ? [h('p', { class: 'muted' }, `Scratch folders left behind: ${r.cleanupProblems.join('; ')}`)]
      : []),
  ];
}
