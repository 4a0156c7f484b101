// "Switchyard: Review routing for a new model": asks for a candidate model and a stage, replays the
// workspace's benchmark set with the candidate at the head of that stage's chain and with the
// current routing — each replay in a scratch copy, reviewed by the usual cross-vendor critic — and
// opens the side-by-side results with a suggested policy change. Arguments (model id, stage) skip
// the quick picks, for the scorecard's button and for tests.
import * as vscode from 'vscode';
import { loadBenchmarkSet } from '../../core/bench/benchmarkStore';
import { BENCHMARKS_PATH } from '../../core/bench/benchmarkSchema';
import { CandidateError, parseStage } from '../../core/bench/candidatePolicy';
import { replayVerifier } from '../../core/bench/replayVerifier';
import { reviewRouting as runReview, type RoutingReviewReport } from '../../core/bench/routingReview';
import type { Stage } from '../../core/config/policySchema';
import { ROLE_LABELS, STAGES } from '../../core/config/stages';
import { availabilityFrom, providerFactory, verifyHostInput } from '../runs/runHost';
import type { Services } from '../services';
import { showRoutingReview, type ShownReview } from '../scorecard/routingReviewPanel';

export interface ReviewRoutingResult {
  report: RoutingReviewReport;
  shown: ShownReview;
}

export async function reviewRouting(svc: Services, args: unknown[]): Promise<ReviewRoutingResult | undefined> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder || folder.uri.scheme !== 'file') {
    void vscode.window.showErrorMessage(
      'Switchyard: open a local folder first; the benchmark set lives in its .switchyard/benchmarks.json.',
    );
    return undefined;
  }
  const root = folder.uri.fsPath;
  let set;
  try {
    set = await loadBenchmarkSet(root);
  } catch (err) {
    void vscode.window.showErrorMessage(`Switchyard: ${(err as Error).message}`);
    return undefined;
  }
  if (set.items.length === 0) {
    void vscode.window.showInformationMessage(
      `Switchyard: the benchmark set (${BENCHMARKS_PATH}) is empty. Mark a few good, representative runs first ("Switchyard: Mark a run as benchmark").`,
    );
    return undefined;
  }
  await svc.policy.ready();
  const policy = svc.policy.policy;
  const readiness = await svc.refreshStatus();

  let modelId = typeof args[0] === 'string' ? args[0] : undefined;
  if (!modelId) {
    const pick = await vscode.window.showQuickPick(
      policy.models.map((m) => ({
        label: m.id,
        description: `${m.vendor} · ${m.model}`,
        detail: readiness.reasons.get(m.id) ?? 'ready',
        id: m.id,
      })),
      { title: 'Review routing: which candidate model?', placeHolder: 'A model from the routing policy' },
    );
    modelId = pick?.id;
  }
  if (!modelId) return undefined;
  let stage: Stage | undefined;
  if (typeof args[1] === 'string') {
    try {
      stage = parseStage(args[1]);
    } catch (err) {
      void vscode.window.showErrorMessage(`Switchyard: ${(err as Error).message}`);
      return undefined;
    }
  } else {
    const pick = await vscode.window.showQuickPick(
      STAGES.map((s) => ({
        label: ROLE_LABELS[s],
        description: policy.stages[s].length ? `now: ${policy.stages[s].join(' → ')}` : 'no chain yet',
        stage: s,
      })),
      { title: `Review routing: ${modelId} in which stage?` },
    );
    stage = pick?.stage;
  }
  if (!stage) return undefined;
  const why = readiness.reasons.get(modelId);
  if (why) {
    void vscode.window.showErrorMessage(
      `Switchyard: ${modelId} cannot be called: ${why}. Fix that first ("Switchyard: Set API key").`,
    );
    return undefined;
  }

  const providerFor = providerFactory(svc);
  const verifier = await replayVerifier({
    policy,
    root,
    ...verifyHostInput(svc, policy, 'on each replayed change'),
  });
  if (verifier.note) void vscode.window.showWarningMessage(`Switchyard: ${verifier.note}`);

  const chosenStage = stage;
  const candidate = modelId;
  let report: RoutingReviewReport;
  try {
    report = await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: `Switchyard: reviewing ${candidate} as ${ROLE_LABELS[chosenStage]}`,
        cancellable: true,
      },
      async (progress, token) => {
        const ac = new AbortController();
        token.onCancellationRequested(() => ac.abort('cancelled'));
        const total = set.items.length * 2;
        return runReview({
          root,
          set,
          policy,
          stage: chosenStage,
          candidate,
          host: {
            availability: availabilityFrom(readiness),
            providerFor,
            verify: verifier.verify,
            signal: ac.signal,
          },
          onProgress: (p) =>
            progress.report({
              message: `${p.side === 'current' ? 'current routing' : candidate} ${p.index + 1}/${p.total}: ${p.task.split('\n')[0]!.slice(0, 60)}`,
              increment: 100 / total,
            }),
        });
      },
    );
  } catch (err) {
    const msg = err instanceof CandidateError ? err.message : `the review stopped: ${(err as Error).message}`;
    void vscode.window.showErrorMessage(`Switchyard: ${msg}`);
    return undefined;
  }
  const shown = showRoutingReview(svc.shell.context, folder, report);
  return { report, shown };
}
