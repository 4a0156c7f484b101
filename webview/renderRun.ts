// Renders a RunView into the panel's sections. Structure is rebuilt from the view on each state
// message (a few per stage, small); the streaming output <pre> nodes are kept and moved, never
// rebuilt, so live text is not lost or re-sent.
import type {
  FindingView,
  PanelStage,
  ReviewView,
  RunView,
  StageView,
  ToolCallView,
} from '../src/protocol/panelProtocol';
import { ROLE_LABELS } from '../src/protocol/panelProtocol';
import { formatMs, formatUsd, h } from './dom';
import { renderMarkdown } from './markdown';
import { renderCalls } from './renderCalls';
import type { OutputStreams } from './outputStreams';

const STATE_ICONS: Record<StageView['state'], string> = {
  waiting: '○',
  running: '◔',
  done: '✓',
  failed: '✕',
  skipped: '–',
  cancelled: '⊘',
};

export interface Actions {
  openDiff(): void;
  apply(): void;
  reject(): void;
  sendBack(): void;
  setApiKey(): void;
  cancel(): void;
  revealFinding(id: string): void;
  selectStage(stage: PanelStage): void;
  openLink(href: string): void;
  /** "Route again as…": correct the kind and risk and route the task again. */
  reroute(): void;
}

export function renderHeader(run: RunView, actions?: Pick<Actions, 'reroute'>): HTMLElement {
  const badges = h(
    'div',
    { class: 'badges' },
    run.kind && h('vscode-badge', { title: 'Task kind' }, `kind: ${run.kind}`),
    run.risk && h('vscode-badge', { class: `risk-${run.risk}`, title: 'Risk' }, `risk: ${run.risk}`),
    h('span', { class: `run-state state-${run.state}`, role: 'status' }, run.state.replace('-', ' ')),
  );
  const signals = run.signals.length
    ? h(
        'ul',
        { class: 'signals', 'aria-label': 'Signals that fired' },
        ...run.signals.map((s) => h('li', {}, h('strong', {}, s.id), s.detail ? ` — “${s.detail}”` : '')),
      )
    : h('p', { class: 'muted' }, 'No classifier signals fired.');
  const cost = h(
    'p',
    { class: 'cost' },
    'Estimated ',
    h('strong', { 'data-testid': 'estimated-cost' }, formatUsd(run.estimatedCostUsd)),
    ' · actual ',
    h('strong', { 'data-testid': 'actual-cost' }, formatUsd(run.actualCostUsd)),
  );
  return h(
    'header',
    {},
    h('h1', { class: 'task' }, run.task),
    badges,
    ...renderCalls(run, actions?.reroute),
    signals,
    cost,
    run.reasons.length
      ? h('ul', { class: 'reasons muted', 'aria-label': 'Why these stages' }, ...run.reasons.map((r) => h('li', {}, r)))
      : null,
    run.residency.length
      ? h(
          'div',
          { class: 'residency', 'data-testid': 'residency', role: 'note' },
          h('strong', {}, 'Data residency'),
          h('ul', {}, ...run.residency.map((line) => h('li', {}, line))),
        )
      : null,
    run.verification
      ? h(
          'p',
          {
            class: `verification ${run.verification.passed === false ? 'state-failed' : ''}`,
            'data-testid': 'verification',
          },
          `Checks (round ${run.verification.round}): `,
          run.verification.passed === undefined
            ? run.verification.status
            : run.verification.passed
              ? 'passed'
              : 'failed',
          ` — ${run.verification.summary}`,
        )
      : null,
    run.gates.length ? h('p', { class: 'gates' }, 'Human gate: ', run.gates.join('; ')) : null,
    run.message ? h('p', { class: 'message', role: 'note' }, run.message) : null,
    ...run.notes.map((n) => h('p', { class: 'note', role: 'note' }, n)),
  );
}

/** A question's answer, as markdown rendered without HTML; links go through the host. */
export function renderAnswer(run: RunView, actions: Actions): HTMLElement | null {
  if (!run.answer) return null;
  return h(
    'section',
    { class: 'answer', 'aria-label': 'Answer' },
    h('h2', {}, 'Answer'),
    renderMarkdown(run.answer, actions.openLink),
  );
}

function stageCard(s: StageView, actions: Actions, runMessage: string): HTMLElement {
  // The run's own message already says it in full (e.g. which keys are missing): do not repeat it.
  const why =
    s.why && runMessage.includes(s.why)
      ? s.rejected.length
        ? 'See the message above; each alternative and why it was not used is listed below.'
        : 'See the message above.'
      : s.why;
  const calls = s.tools.length ? ` · ${s.tools.length} tool call${s.tools.length === 1 ? '' : 's'}` : '';
  const meta = `${s.inputTokens + s.outputTokens} tok · ${formatUsd(s.costUsd)} · ${formatMs(s.elapsedMs)}${calls}`;
  const rejected = s.rejected.length
    ? h(
        'details',
        { class: 'rejected' },
        h('summary', {}, `${s.rejected.length} alternative${s.rejected.length === 1 ? '' : 's'} rejected`),
        h('ul', {}, ...s.rejected.map((r) => h('li', {}, h('code', {}, r.modelId), ` — ${r.reason}`))),
      )
    : null;
  const select = h(
    'button',
    { class: 'stage-select', type: 'button', 'aria-label': `Show ${ROLE_LABELS[s.stage]} output` },
    h('span', { class: `state-icon state-${s.state}`, 'aria-hidden': 'true' }, STATE_ICONS[s.state]),
    h('span', { class: 'stage-name' }, ROLE_LABELS[s.stage]),
  );
  select.addEventListener('click', () => actions.selectStage(s.stage));
  return h(
    'li',
    { class: `stage state-${s.state}`, 'data-stage': s.stage },
    select,
    h('div', { class: 'model' }, s.modelId ? `${s.modelId}${s.vendor ? ` · ${s.vendor}` : ''}` : 'no model'),
    h('div', { class: 'state-text' }, s.state, s.round > 1 ? ` · round ${s.round}` : ''),
    h(
      'div',
      { class: 'meta' },
      meta,
      s.estimatedCostUsd !== undefined ? ` (est. ${formatUsd(s.estimatedCostUsd)})` : '',
    ),
    why ? h('div', { class: 'why' }, why) : null,
    s.error ? h('div', { class: 'error', role: 'alert' }, s.error) : null,
    rejected,
  );
}

export function renderStrip(run: RunView, actions: Actions): HTMLElement {
  return h(
    'ol',
    { class: 'strip', 'aria-label': 'Stages' },
    ...run.stages.map((s) => stageCard(s, actions, run.message ?? '')),
  );
}

const TOOL_ICONS: Record<ToolCallView['state'], string> = { running: '◔', done: '✓', failed: '✕' };

/** The role's read-only tool calls, in order: what it asked (tool and arguments) and what came back. */
function toolList(s: StageView): HTMLElement | null {
  if (!s.tools.length) return null;
  return h(
    'ol',
    { class: 'tools', 'aria-label': `${ROLE_LABELS[s.stage]} tool calls` },
    ...s.tools.map((t) =>
      h(
        'li',
        { class: `tool state-${t.state}`, 'data-tool': t.tool },
        h('span', { class: `state-icon state-${t.state}`, 'aria-hidden': 'true' }, TOOL_ICONS[t.state]),
        ' ',
        h('code', { class: 'tool-name' }, t.tool),
        ' ',
        h('code', { class: 'tool-args muted' }, t.args),
        t.summary ? h('div', { class: 'tool-summary' }, t.summary) : null,
      ),
    ),
  );
}

function sawList(s: StageView): HTMLElement {
  if (!s.saw.length) return h('p', { class: 'muted' }, 'Nothing sent to this role yet.');
  return h(
    'ul',
    { class: 'saw' },
    ...s.saw.map((item) => {
      const line = [
        h('span', { class: 'muted' }, item.kind),
        ': ',
        item.label,
        item.chars !== undefined ? ` (${item.chars} chars)` : '',
      ];
      if (!item.text) return h('li', {}, ...line);
      return h(
        'li',
        {},
        h('details', {}, h('summary', {}, ...line), h('pre', { class: 'saw-text', tabindex: '0' }, item.text)),
      );
    }),
  );
}

/** Tabs, one per stage: what the role saw, then its live output. */
export function renderTabs(run: RunView, streams: OutputStreams, selected: number): HTMLElement {
  const tabs = h('vscode-tabs', { 'selected-index': String(selected), 'aria-label': 'Stage output' });
  for (const s of run.stages) {
    tabs.append(h('vscode-tab-header', { slot: 'header', 'data-stage': s.stage }, ROLE_LABELS[s.stage]));
    tabs.append(
      h(
        'vscode-tab-panel',
        { 'data-stage': s.stage },
        h('h3', {}, 'What this role saw'),
        sawList(s),
        ...(s.tools.length ? [h('h3', {}, `Tool calls (${s.tools.length})`), toolList(s)] : []),
        h('h3', {}, 'Output'),
        streams.element(s.stage),
      ),
    );
  }
  return tabs;
}

function findingItem(f: FindingView, actions: Actions): HTMLElement {
  const btn = h('vscode-button', { secondary: true, 'data-finding': f.id }, 'Show in diff');
  btn.addEventListener('click', () => actions.revealFinding(f.id));
  return h(
    'li',
    { class: `finding sev-${f.severity} status-${f.status}`, id: `finding-${f.id}`, tabindex: '-1' },
    h('vscode-badge', {}, f.severity),
    ' ',
    h('code', {}, `${f.file}:${f.startLine}${f.endLine !== f.startLine ? `-${f.endLine}` : ''}`),
    f.status !== 'open' ? h('span', { class: 'muted' }, ` (${f.status})`) : null,
    h('p', {}, f.message),
    f.suggestion ? h('pre', { class: 'suggestion' }, f.suggestion) : null,
    btn,
  );
}

function reviewSection(r: ReviewView, actions: Actions): HTMLElement {
  const who = r.stage === 'finalOwner' ? 'Final owner' : 'Review';
  return h(
    'section',
    { class: `review review-${r.stage}`, 'aria-label': who, 'data-stage': r.stage },
    h('h2', {}, `${who}: `, h('span', { class: `verdict verdict-${r.verdict}`, 'data-testid': 'verdict' }, r.verdict)),
    h(
      'p',
      { class: 'muted' },
      `by ${r.reviewerModel}${r.reviewerVendor ? ` (${r.reviewerVendor})` : ''}, round ${r.round}`,
    ),
    r.findings.length
      ? h('ul', { class: 'findings' }, ...r.findings.map((f) => findingItem(f, actions)))
      : h('p', {}, 'No findings.'),
  );
}

/** Every review of the change as it stands: the critic's, then the final owner's second opinion. */
export function renderReview(run: RunView, actions: Actions): HTMLElement | null {
  if (!run.reviews.length) return null;
  return h('div', { class: 'reviews' }, ...run.reviews.map((r) => reviewSection(r, actions)));
}

export function renderActions(run: RunView, actions: Actions): HTMLElement {
  const bar = h('div', { class: 'actions', role: 'toolbar', 'aria-label': 'Run actions' });
  const add = (label: string, fn: () => void, secondary = false) => {
    const b = h('vscode-button', { secondary }, label);
    b.addEventListener('click', fn);
    bar.append(b);
  };
  if (run.diffFiles.length) add('Open diff', actions.openDiff, true);
  if (run.diffFiles.length && (run.state === 'awaiting-approval' || run.state === 'done')) {
    add('Apply change', actions.apply);
    add('Reject', actions.reject, true);
  }
  if (run.diffFiles.length && run.state === 'awaiting-approval') add('Send back', actions.sendBack, true);
  if (run.state === 'running' || run.state === 'awaiting-approval') add('Cancel run', actions.cancel, true);
  // A run that could not start for want of a key: the fix, one click away.
  if (run.state === 'failed' && /\bno [A-Z0-9_]+ stored\b|Set API key/.test(run.message ?? ''))
    add('Set API key', actions.setApiKey);
  return bar;
}
