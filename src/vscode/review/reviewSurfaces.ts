// Keeps what a person reviews in the editor in step with the run: the proposed documents and the
// comment threads follow the run's events (a change at the gate, a suggestion applied, a finding
// dismissed, a send-back, the decision), never a command's own bookkeeping. Once the change is
// applied or rejected, its diff tabs close: they would show content that is not what is on disk.
import type * as vscode from 'vscode';
import type { RunEvent } from '../runs/runModel';
import type { ActiveRun, RunRegistry } from '../runs/runRegistry';
import { registerDocuments } from './diffPreview';
import type { ProposedContent } from './proposedContent';
import type { ReviewComments } from './reviewComments';

export function followRuns(runs: RunRegistry, content: ProposedContent, comments: ReviewComments): vscode.Disposable {
  const react = (run: ActiveRun, e: RunEvent): void => {
    if (run !== runs.current) return;
    switch (e.type) {
      case 'change-ready':
      case 'suggestion-applied': {
        const plan = run.decision.plan;
        if (plan) registerDocuments(content, run.runId, plan);
        if (e.type === 'change-ready') comments.show(run.runId, run.model.view.reviews);
        else comments.settle(e.findingId, 'applied');
        return;
      }
      case 'finding-dismissed':
        comments.settle(e.findingId, 'dismissed');
        return;
      case 'sent-back':
        comments.clear();
        return;
      case 'decided':
      case 'run-finished':
        comments.clear();
        if (e.type === 'run-finished' || e.how !== 'cancel') void content.closeTabs(run.runId);
        return;
    }
  };
  return runs.onEvent(({ run, event }) => react(run, event));
}
