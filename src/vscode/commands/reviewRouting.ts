// "Switchyard: Review routing for a new model": asks for a candidate model and a stage, replays the
// workspace's benchmark set with the candidate at the head of that stage's chain and with the
// current routing — each replay in a scratch copy, reviewed by the usual cross-vendor critic — and
// opens the side-by-side results with a suggested policy change. Arguments (model id, stage) skip
// the quick picks, for the scorecard's button and for tests.
import * as vscode from 'vscode';
import { loadBenchmarkSet } from '../../core/bench/benchmarkStore';
import { BENCHMARKS_PATH, type BenchmarkSet } from '../../core/bench/benchmarkSchema';
import { CandidateError, parseStage } from '../../core/bench/candidatePolicy';
import { replayVerifier } from '../../core/bench/replayVerifier';
import {
  reviewRouting as runReview,
  type RoutingReviewInput,
  type RoutingReviewReport,
} from '../../core/bench/routingReview';
import type { RoutingPolicy, Stage } from '../../core/config/policySchema';
import { ROLE_LABELS, STAGES } from '../../core/config/stages';
import { availabilityFrom, providerFactory, verifyHostInput } from '../runs/runHost';
import type { Readiness } from '../secrets/readiness';
import type { Services } from '../services';
import { showRoutingReview, type ShownReview } from '../scorecard/routingReviewPanel';
import { taskHeadline } from '../../core/ledger/taskHeadline';

export interface ReviewRoutingResult {
  report: RoutingReviewReport;
  shown: ShownReview;
}

const fail = (message: string): undefined => {
  void vscode.window.showErrorMessage(`Switchyard: ${message}`);
  return undefined;
};

/** The workspace folder and its benchmark set, or undefined (with the reason said) when there is nothing to replay. */
async function benchmarkSetOf(): Promise<{ folder: vscode.WorkspaceFolder; set: BenchmarkSet } | undefined> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder || folder.uri.scheme !== 'file')
    return fail('open a local folder first; the benchmark set lives in its .switchyard/benchmarks.json.');
  let set: BenchmarkSet;
  try {
    set = await loadBenchmarkSet(folder.uri.fsPath);
  } catch (err) {
    return fail((err as Error).message);
  }
  if (set.items.length === 0) {
    void vscode.window.showInformationMessage(
      `Switchyard: the benchmark set (${BENCHMARKS_PATH}) is empty. Mark a few good, representative runs first ("Switchyard: Mark a run as benchmark").`,
    );
    return undefined;
  }
  return { folder, set };
}

/** The candidate model: the argument, else a pick from the policy's models with their readiness. */
async function pickCandidate(policy: RoutingPolicy, readiness: Readiness, arg: unknown): Promise<string | undefined> {
  if (typeof arg === 'string' && arg) return arg;
  const pick = await vscode.window.showQuickPick(
    policy.models.map((m) => ({
      label: m.id,
      description: `${m.vendor} · ${m.model}`,
      detail: readiness.reasons.get(m.id) ?? 'ready',
      id: m.id,
    })),
    { title: 'Review routing: which candidate model?', placeHolder: 'A model from the routing policy' },
  );
  return pick?.id;
}

/** The stage: the argument (checked), else a pick showing each stage's chain now. */
async function pickStage(policy: RoutingPolicy, modelId: string, arg: unknown): Promise<Stage | undefined> {
  if (typeof arg === 'string') {
    try {
      return parseStage(arg);
    } catch (err) {
      return fail((err as Error).message);
    }
  }
  const pick = await vscode.window.showQuickPick(
    STAGES.map((s) => ({
      label: ROLE_LABELS[s],
      description: policy.stages[s].length ? `now: ${policy.stages[s].join(' → ')}` : 'no chain yet',
      stage: s,
    })),
    { title: `Review routing: ${modelId} in which stage?` },
  );
  return pick?.stage;
}

/** Replays both sides under a cancellable progress notification. */
async function replayWithProgress(
  input: Omit<RoutingReviewInput, 'host' | 'onProgress'>,
  host: Omit<RoutingReviewInput['host'], 'signal'>,
): Promise<RoutingReviewReport> {
  const { candidate, stage } = input;
  return vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: `Switchyard: reviewing ${candidate} as ${ROLE_LABELS[stage]}`,
      cancellable: true,
    },
    async (progress, token) => {
      const ac = new AbortController();
      token.onCancellationRequested(() => ac.abort('cancelled'));
      const total = input.set.items.length * 2;
      return runReview({
        ...input,
        host: { ...host, signal: ac.signal },
        onProgress: (p) =>
          progress.report({
            message: `${p.side === 'current' ? 'current routing' : candidate} ${p.index + 1}/${p.total}: ${taskHeadline(p.task)}`,
            increment: 100 / total,
          }),
      });
    },
  );
}

export async function reviewRouting(svc: Services, args: unknown[]): Promise<ReviewRoutingResult | undefined> {
  const bench = await benchmarkSetOf();
  if (!bench) return undefined;
  const { folder, set } = bench;
  const root = folder.uri.fsPath;
  await svc.policy.ready();
  const policy = svc.policy.policy;
  const readiness = await svc.refreshStatus();
  const candidate = await pickCandidate(policy, readiness, args[0]);
  if (!candidate) return undefined;
  const stage = await pickStage(policy, candidate, args[1]);
  if (!stage) return undefined;
  const why = readiness.reasons.get(candidate);
  if (why) return fail(`${candidate} cannot be called: ${why}. Fix that first ("Switchyard: Set API key").`);

  const verifier = await replayVerifier({
    policy,
    root,
    ...verifyHostInput(svc, policy, 'on each replayed change'),
  });
  if (verifier.note) void vscode.window.showWarningMessage(`Switchyard: ${verifier.note}`);
  let report: RoutingReviewReport;
  try {
    report = await replayWithProgress(
      { root, set, policy, stage, candidate },
      { availability: availabilityFrom(readiness), providerFor: providerFactory(svc), verify: verifier.verify },
    );
  } catch (err) {
    return fail(err instanceof CandidateError ? err.message : `the review stopped: ${(err as Error).message}`);
  }
  const shown = showRoutingReview(svc.shell.context, folder, report);
  return { report, shown };
}
