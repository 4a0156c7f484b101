// The Scorecard view drawn from the figures the host sent: filters (time range, task kind), per
// model and role figures, per-stage health, the cost-per-trusted-change chart, and buttons for the
// two benchmark commands. The cost per trusted change comes right after acceptance so a narrow
// sidebar shows it without scrolling (time, cost and tokens show once the view is wide enough;
// `switchyard bench stats` always has them). Native selects and buttons: the keyboard works as usual.
import {
  ROLE_LABELS,
  TASK_KINDS,
  TIME_RANGES,
  type ScorecardFilterView,
  type ScorecardState,
} from '../../src/protocol/scorecardProtocol';
import { h } from '../dom';
import { pct, secs, usd } from '../figures';
import { costChart } from './costChart';

export interface ScorecardActions {
  filter(filter: ScorecardFilterView): void;
  refresh(): void;
  markBenchmark(): void;
  reviewRouting(): void;
}

const RANGE_LABEL: Record<string, string> = {
  '7d': 'Last 7 days',
  '30d': 'Last 30 days',
  '90d': 'Last 90 days',
  all: 'All time',
};

function select(id: string, values: readonly string[], selected: string, label: (v: string) => string) {
  return h('select', { id }, ...values.map((v) => h('option', { value: v, selected: v === selected }, label(v))));
}

function filters(f: ScorecardFilterView, actions: ScorecardActions): HTMLElement {
  const range = select('range', TIME_RANGES, f.range, (v) => RANGE_LABEL[v] ?? v);
  const kind = select('kind', ['all', ...TASK_KINDS], f.kind, (v) => (v === 'all' ? 'All kinds' : v));
  const changed = () => actions.filter({ range: range.value, kind: kind.value } as ScorecardFilterView);
  range.addEventListener('change', changed);
  kind.addEventListener('change', changed);
  const refresh = h('button', { id: 'refresh', class: 'secondary', title: 'Read the run ledger again' }, 'Refresh');
  refresh.addEventListener('click', () => actions.refresh());
  return h(
    'div',
    { class: 'filters', role: 'group', 'aria-label': 'Filters' },
    h('label', {}, 'Range ', range),
    h('label', {}, 'Task ', kind),
    refresh,
  );
}

function commands(actions: ScorecardActions): HTMLElement {
  const mark = h('button', { id: 'mark', class: 'secondary' }, 'Mark a run as benchmark…');
  mark.addEventListener('click', () => actions.markBenchmark());
  const review = h('button', { id: 'review' }, 'Review routing for a new model…');
  review.addEventListener('click', () => actions.reviewRouting());
  return h('div', { class: 'filters' }, mark, review);
}

function th(text: string, attrs: Record<string, string> = {}): HTMLElement {
  return h('th', attrs, text);
}

function modelTable(view: ScorecardState): HTMLElement {
  const rows = view.rows.map((r) =>
    h(
      'tr',
      {},
      h('td', { class: 'head' }, r.modelId, h('span', { class: 'narrow role' }, ` · ${ROLE_LABELS[r.role]}`)),
      h('td', { class: 'l' }, ROLE_LABELS[r.role]),
      h('td', { 'data-label': 'runs' }, String(r.runs)),
      h('td', { 'data-label': 'accepted' }, pct(r.acceptanceRate)),
      h('td', { 'data-label': 'cost/trusted' }, usd(r.costPerTrustedChange)),
      h('td', { 'data-label': 'trusted' }, String(r.trustedChanges)),
      h('td', { class: 'wide' }, secs(r.medianMs)),
      h('td', { class: 'wide' }, usd(r.costUsd)),
      h('td', { class: 'wide' }, `${r.tokensIn}→${r.tokensOut}`),
    ),
  );
  const head = h(
    'tr',
    {},
    th('Model'),
    th('Role', { class: 'l' }),
    th('Runs'),
    th('Accepted', { title: 'Of runs that ended in a decision about a diff, the share applied' }),
    th('Cost / trusted', { title: 'Whole-run cost of the trusted runs / their number' }),
    th('Trusted', { title: 'Applied after an approving cross-vendor review' }),
    th('Median', { class: 'wide' }),
    th('Cost', { class: 'wide' }),
    th('Tokens in→out', { class: 'wide' }),
  );
  return h(
    'div',
    { class: 'scroll' },
    h('table', { 'aria-label': 'Per model and role' }, h('thead', {}, head), h('tbody', {}, ...rows)),
  );
}

function stageTable(view: ScorecardState): HTMLElement {
  const rows = view.stages.map((s) =>
    h(
      'tr',
      {},
      h('td', { class: 'head' }, ROLE_LABELS[s.stage]),
      h('td', { 'data-label': 'runs' }, String(s.runs)),
      h('td', { 'data-label': 'skipped' }, String(s.skipped)),
      h('td', { 'data-label': 'failed', class: s.failed ? 'bad' : undefined }, String(s.failed)),
      h('td', { 'data-label': 'fell back' }, String(s.fellBack)),
    ),
  );
  const head = h(
    'tr',
    {},
    th('Stage'),
    th('Runs'),
    th('Skipped', { title: 'Planned but not run' }),
    th('Failed'),
    th('Fell back', { title: 'Another model in the chain took over' }),
  );
  return h(
    'div',
    { class: 'scroll' },
    h('table', { 'aria-label': 'Per stage' }, h('thead', {}, head), h('tbody', {}, ...rows)),
  );
}

export function renderScorecard(view: ScorecardState, note: string | undefined, actions: ScorecardActions): Node[] {
  const f = view.filter;
  const noteLine = note ? h('p', { class: 'muted' }, note) : undefined;
  const o = view.overall;
  if (o.runs === 0) {
    const empty = h(
      'p',
      { class: 'muted' },
      `No runs in this range${f.kind === 'all' ? '' : ` for ${f.kind} tasks`}. Route a task ("Switchyard: Route this task") and its figures appear here.`,
    );
    return [filters(f, actions), empty, ...(noteLine ? [noteLine] : []), commands(actions)];
  }
  const overall = h(
    'p',
    {},
    h('strong', {}, String(o.runs)),
    ` run(s), ${o.applied} applied, `,
    h('strong', {}, String(o.trustedChanges)),
    ` trusted change(s), total ${usd(o.costUsd)}, cost per trusted change `,
    h('strong', {}, usd(o.costPerTrustedChange)),
  );
  return [
    filters(f, actions),
    overall,
    h('h2', {}, 'Per model and role'),
    modelTable(view),
    h('h2', {}, 'Cost per trusted change over time'),
    ...costChart(view.series),
    h('h2', {}, 'Per stage'),
    stageTable(view),
    ...(noteLine ? [noteLine] : []),
    commands(actions),
  ];
}
