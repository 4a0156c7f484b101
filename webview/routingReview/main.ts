// The routing review's app (dist/routingReview.js). Talks to the host only through
// src/protocol/routingReviewProtocol.ts: draws each `review/state`, and Accept asks the host (which
// shows the diff and asks before writing). While the host works the button is disabled; what it
// says back (declined, failed) appears right under the button.
import { routingReviewProtocol, type RoutingReviewMaps } from '../../src/protocol/routingReviewProtocol';
import { h, redraw } from '../dom';
import { HostChannel } from '../hostChannel';
import { renderReview } from './renderReview';

const app = document.getElementById('app')!;
const status = h('p', { class: 'status', role: 'status', 'aria-live': 'polite' });

function accept(this: void): void {
  const button = document.getElementById('accept') as HTMLButtonElement | null;
  if (button) button.disabled = true;
  status.textContent = '';
  channel
    .request('suggestion/accept', {})
    .then(
      (r) => {
        if (!r.applied) status.textContent = r.message;
      },
      (e: unknown) => (status.textContent = e instanceof Error ? e.message : String(e)),
    )
    .finally(() => {
      if (button?.isConnected) button.disabled = false;
    });
}

const channel = new HostChannel<RoutingReviewMaps>(routingReviewProtocol, {
  'review/state': ({ report, accepted }) => redraw(app, ...renderReview(report, accepted, accept, status)),
});

channel.ready();
