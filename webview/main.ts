// The routing panel's app. Talks to the host only through src/protocol (see hostChannel.ts).
// Imports only the elements it uses, to keep dist/webview.js small.
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-tabs/index.js';
import '@vscode-elements/elements/dist/vscode-tab-header/index.js';
import '@vscode-elements/elements/dist/vscode-tab-panel/index.js';
import { panelProtocol, type PanelStage, type RunView } from '../src/protocol/panelProtocol';
import { h } from './dom';
import { HostChannel } from './hostChannel';
import { OutputStreams } from './outputStreams';
import {
  renderActions,
  renderAnswer,
  renderHeader,
  renderReview,
  renderStrip,
  renderTabs,
  type Actions,
} from './renderRun';

const app = document.getElementById('app')!;
const streams = new OutputStreams();
let run: RunView | null = null;
let stageKey = '';
let selected = 0;
// Until the reader picks a tab, the tabs follow the stage that is running.
let pickedByReader = false;
let tabs: HTMLElement | null = null;
const status = h('p', { class: 'status', role: 'status', 'aria-live': 'polite' });
/** The run and decision point the status line speaks about: it is cleared when either moves on. */
let statusFor = '';
const decisionPoint = (r: RunView | null) => (r ? `${r.runId}:${r.state === 'awaiting-approval' ? 'gate' : ''}` : '');

function report(p: Promise<unknown>): void {
  const asked = decisionPoint(run);
  const show = (text: string) => {
    status.textContent = text;
    // A reply that arrives after the run moved on (a new run, a new change at the gate) is not shown.
    statusFor = text ? asked : '';
  };
  p.then(
    (r) => show(r && typeof r === 'object' && 'message' in r ? String((r as { message: unknown }).message) : ''),
    (e: unknown) => show(e instanceof Error ? e.message : String(e)),
  );
}

/** What the last button press said stays only while it is about the run as it stands. */
function clearStaleStatus(): void {
  if (!statusFor) return;
  const now = decisionPoint(run);
  const [runNow, gateNow] = now.split(':');
  const [runThen, gateThen] = statusFor.split(':');
  // A new run, or a new change reaching the gate, makes an earlier "Applied…" or "Sent back…" stale.
  if (runNow !== runThen || (gateNow === 'gate' && gateThen !== 'gate')) {
    status.textContent = '';
    statusFor = '';
  }
}

const actions: Actions = {
  openDiff: () => report(channel.request('diff/open', {})),
  apply: () => report(channel.request('change/apply', {})),
  reject: () => report(channel.request('change/reject', {})),
  sendBack: () => report(channel.request('change/sendBack', {})),
  setApiKey: () => report(channel.request('keys/set', {})),
  cancel: () => report(channel.request('run/cancel', {})),
  revealFinding: (findingId) => report(channel.request('finding/reveal', { findingId })),
  openLink: (href) => report(channel.request('link/open', { href })),
  reroute: () => report(channel.request('run/reroute', {})),
  selectStage: (stage: PanelStage) => {
    if (!run) return;
    selected = Math.max(
      0,
      run.stages.findIndex((s) => s.stage === stage),
    );
    pickedByReader = true;
    selectTab(selected);
    tabs?.querySelector<HTMLElement>(`vscode-tab-header[data-stage="${stage}"]`)?.focus();
  },
};

function selectTab(index: number): void {
  if (!tabs) return;
  tabs.setAttribute('selected-index', String(index));
  (tabs as HTMLElement & { selectedIndex: number }).selectedIndex = index;
}

const sections = {
  header: h('div', { class: 'header' }),
  strip: h('div', { class: 'strip-wrap' }),
  answer: h('div', { class: 'answer-wrap' }),
  review: h('div', { class: 'review-wrap' }),
  actions: h('div', { class: 'actions-wrap' }),
  tabs: h('div', { class: 'tabs-wrap' }),
};

function render(): void {
  if (!run) {
    app.replaceChildren(h('p', { class: 'empty' }, 'No run yet. Use “Switchyard: Route this task” to start one.'));
    stageKey = '';
    return;
  }
  if (!sections.header.isConnected)
    app.replaceChildren(
      sections.header,
      sections.strip,
      sections.actions,
      status,
      sections.answer,
      sections.review,
      sections.tabs,
    );
  clearStaleStatus();
  sections.header.replaceChildren(renderHeader(run, actions));
  sections.strip.replaceChildren(renderStrip(run, actions));
  sections.actions.replaceChildren(renderActions(run, actions));
  const answer = renderAnswer(run, actions);
  sections.answer.replaceChildren(...(answer ? [answer] : []));
  const review = renderReview(run, actions);
  sections.review.replaceChildren(...(review ? [review] : []));
  // Tabs are rebuilt only when the set of stages changes; otherwise their "saw" lists are refreshed in place.
  const key = run.stages.map((s) => s.stage).join(',');
  if (key !== stageKey || !tabs) {
    stageKey = key;
    tabs = renderTabs(run, streams, selected);
    tabs.addEventListener('vsc-tabs-select', (e) => {
      selected = (e as CustomEvent<{ selectedIndex: number }>).detail.selectedIndex;
      pickedByReader = true;
    });
    sections.tabs.replaceChildren(tabs);
  } else {
    const fresh = renderTabs(run, streams, selected);
    const panels = tabs.querySelectorAll('vscode-tab-panel');
    fresh.querySelectorAll('vscode-tab-panel').forEach((p, i) => {
      const target = panels[i];
      if (!target) return;
      // Keep the live <pre> (already moved into `p` by renderTabs) and swap in the rest.
      target.replaceChildren(...Array.from(p.childNodes));
    });
  }
  const running = run.stages.findIndex((s) => s.state === 'running');
  if (!pickedByReader && running >= 0 && running !== selected) {
    selected = running;
    selectTab(running);
  }
}

const channel = new HostChannel(panelProtocol, {
  'run/snapshot': (p) => {
    const newRun = p.run?.runId !== run?.runId;
    run = p.run;
    if (newRun) {
      selected = 0;
      pickedByReader = false;
      stageKey = '';
      tabs = null;
    }
    streams.reset(p.outputs);
    render();
  },
  'run/state': (p) => {
    if (run && p.run.runId !== run.runId) return;
    run = p.run;
    render();
  },
  'stage/output': (p) => {
    if (!run || p.runId !== run.runId) return;
    streams.push(p.deltas);
  },
  'stage/clear': (p) => {
    if (run && p.runId === run.runId) streams.clear(p.stage);
  },
  'finding/focus': (p) => {
    const el = document.getElementById(`finding-${p.findingId}`);
    el?.scrollIntoView({ block: 'center' });
    el?.focus();
  },
});

channel.ready();
