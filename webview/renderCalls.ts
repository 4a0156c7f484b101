// The classifier's calls in the panel header: how sure it was of the kind and the risk, the
// features that weighed most, and — when a call was unsure — which way it leaned, and whether a
// classifier model refined it.
import { SET_BY_YOU, type CallView, type RunView } from '../src/protocol/panelProtocol';
import { h } from './dom';

const pct = (p: number): string => `${Math.round(p * 100)}%`;

function call(name: string, c: CallView): HTMLElement {
  return h(
    'span',
    { class: 'call' },
    `${name} `,
    h('strong', {}, c.label),
    ` ${c.rule === SET_BY_YOU ? `(${SET_BY_YOU})` : c.rule ? `by rule (${c.rule})` : pct(c.confidence)}`,
    c.features.length ? ` — ${c.features.join(', ')}` : '',
  );
}

/** Which way an unsure call leaned; a risk kept below a likelier "high" says so plainly. */
function leaning(c: CallView): string {
  if (!c.runnerUp) return `leaned ${c.label} (${pct(c.confidence)})`;
  return c.runnerUp.p > c.confidence
    ? `called ${c.label} (${pct(c.confidence)}), though ${c.runnerUp.label} was likelier (${pct(c.runnerUp.p)}) — below the bar for it`
    : `leaned ${c.label} (${pct(c.confidence)}) over ${c.runnerUp.label} (${pct(c.runnerUp.p)})`;
}

export function renderCalls(run: RunView, reroute?: () => void): HTMLElement[] {
  const calls = run.calls;
  if (!calls) return [];
  // Wrong kind or risk? The person says which, and the task is routed again.
  let again: HTMLElement | undefined;
  if (reroute) {
    again = h(
      'vscode-button',
      {
        secondary: true,
        class: 'reroute',
        'data-testid': 'reroute',
        title: 'Set the kind and the risk yourself and route the task again',
      },
      'Route again as…',
    );
    again.addEventListener('click', reroute);
  }
  const out = [
    h(
      'p',
      { class: 'calls', 'data-testid': 'classifier-calls' },
      call('kind', calls.kind),
      ' · ',
      call('risk', calls.risk),
      ...(again ? [' ', again] : []),
    ),
  ];
  const unsure = (['kind', 'risk'] as const).filter((k) => calls[k].uncertain);
  for (const k of unsure) {
    const c = calls[k];
    const leaned = leaning(c);
    const next = calls.refinedBy
      ? `${calls.refinedBy} refined the kind.`
      : 'No classifier model is set to refine it (classifier.model in the policy).';
    out.push(
      h('p', { class: 'uncertain', 'data-testid': `classifier-uncertain-${k}` }, `Uncertain ${k}: ${leaned}. ${next}`),
    );
  }
  return out;
}
