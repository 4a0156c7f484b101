// The Scorecard view's app (dist/scorecard.js). Talks to the host only through
// src/protocol/scorecardProtocol.ts; redraws from each `scorecard/state` and keeps the keyboard
// where it was (the control that had focus has it again after the redraw).
import { scorecardProtocol, type ScorecardMaps } from '../../src/protocol/scorecardProtocol';
import { h, redraw } from '../dom';
import { HostChannel } from '../hostChannel';
import { renderScorecard, type ScorecardActions } from './renderScorecard';

const app = document.getElementById('app')!;
const status = h('p', { class: 'status', role: 'status', 'aria-live': 'polite' });

function report(p: Promise<unknown>): void {
  status.textContent = '';
  p.catch((e: unknown) => (status.textContent = e instanceof Error ? e.message : String(e)));
}

const actions: ScorecardActions = {
  filter: (filter) => report(channel.request('scorecard/filter', { filter })),
  refresh: () => report(channel.request('scorecard/refresh', {})),
  markBenchmark: () => report(channel.request('benchmark/mark', {})),
  reviewRouting: () => report(channel.request('routing/review', {})),
};

const channel = new HostChannel<ScorecardMaps>(scorecardProtocol, {
  'scorecard/state': ({ view, note }) => redraw(app, ...renderScorecard(view, note, actions), status),
});

channel.ready();
