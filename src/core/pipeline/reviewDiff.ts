// Reviews a diff that did not come from our pipeline (the working tree's changes, in CI or before a
// commit) with the first ready critic — of another vendor than the author's, when the author's is
// known — through the same stage runner as a run: fallbacks, budgets, timeouts, structured retry.
import type { ModelSpec, RoutingPolicy } from '../config/policySchema';
import { BudgetGuard } from '../stage/budget';
import type { PipelineListener, PipelineEvent } from '../stage/events';
import { StageFailure, type EventInput, type RunContext } from '../stage/runContext';
import { StageRun } from '../stage/stageRun';
import { structuredCall } from '../stage/structuredCall';
import type { ResilienceOptions } from '../providers/resilientStream';
import type { Provider } from '../providers/types';
import type { ModelAvailability } from '../routing/decide';
import type { PriceLookup } from '../routing/estimate';
import { ContextBoundaryLog } from '../sessions/contextBoundary';
import { parseUnifiedDiff } from '../edits/parseUnifiedDiff';
import { residencyPaths } from '../residency/residencyPaths';
import { criticMessage, criticSystem } from '../sessions/prompts';
import { RoleSession } from '../sessions/roleSession';
import { randomBytes, randomUUID } from 'node:crypto';
import { anchorFindings } from '../review/anchorFindings';
import { pickReviewers } from '../routing/crossVendorRule';
import { diffNewLines, numberDiff } from '../review/numberDiff';
import { ReviewSchema, type Review } from '../review/reviewSchema';

export interface ReviewDiffOptions {
  diff: string;
  /** What the change is meant to do, when known (a PR title); otherwise the reviewer judges it on its own. */
  task?: string;
  policy: RoutingPolicy;
  availability: ModelAvailability;
  providerFor(spec: ModelSpec): Provider | Promise<Provider>;
  /** The vendor whose model wrote the change (if a model did): the reviewer must be another. */
  authorVendor?: string;
  /** The workspace the diff belongs to: residency rules match its files' real paths (symlinks resolved). */
  root?: string;
  /** Total line count of each file's new content, to check findings' anchors (unknown files are only checked against the diff). */
  newLineCounts?: ReadonlyMap<string, number>;
  listeners?: PipelineListener[];
  signal?: AbortSignal;
  priceLookup?: PriceLookup;
  resilience?: Pick<ResilienceOptions, 'sleep' | 'random' | 'onRetry'>;
}

export interface DiffReview {
  review: Review;
  reviewer: { modelId: string; vendor: string };
  /** Findings whose file or lines are not in the change (kept, flagged). */
  unanchored: Array<{ file: string; startLine: number; note: string }>;
  costUsd: number;
  tokensIn: number;
  tokensOut: number;
  boundary: ContextBoundaryLog;
}

export async function reviewDiff(opts: ReviewDiffOptions): Promise<DiffReview> {
  const runId = randomUUID();
  const ready = opts.policy.stages.critic
    .map((id) => opts.policy.models.find((m) => m.id === id))
    .filter((m): m is ModelSpec => !!m && !opts.availability(m));
  const pick = opts.authorVendor
    ? pickReviewers(
        ready.map((m) => ({ modelId: m.id, vendor: m.vendor })),
        opts.authorVendor,
        opts.policy.rules.reviewerVendorMustDiffer,
      )
    : { allowed: ready.map((m) => ({ modelId: m.id, vendor: m.vendor })), rejected: [] };
  const allowed = new Set(pick.allowed.map((a) => a.modelId));
  const candidates = ready.filter((m) => allowed.has(m.id));
  if (candidates.length === 0) {
    const reasons = opts.policy.stages.critic.map((id) => {
      const spec = opts.policy.models.find((m) => m.id === id);
      return spec
        ? `${id}: ${opts.availability(spec) ?? (spec.vendor === opts.authorVendor ? `same vendor as the author (${spec.vendor})` : 'not usable')}`
        : `${id}: not defined`;
    });
    throw new StageFailure({
      kind: 'no-model',
      message: `No reviewer is available${opts.authorVendor ? ` from a vendor other than ${opts.authorVendor}` : ''} (${reasons.join('; ') || 'stages.critic is empty'}). Set an API key or list a model under stages.critic in .switchyard/routing.json.`,
    });
  }
  const listeners = opts.listeners ?? [];
  const ac = new AbortController();
  if (opts.signal?.aborted) ac.abort();
  opts.signal?.addEventListener('abort', () => ac.abort(), { once: true });
  const ctx: RunContext = {
    runId,
    policy: opts.policy,
    signal: ac.signal,
    boundary: new ContextBoundaryLog(),
    budget: new BudgetGuard(opts.policy.rules.budgets, opts.priceLookup),
    providerFor: opts.providerFor,
    priceLookup: opts.priceLookup,
    resilience: opts.resilience,
    emit: (e: EventInput) => {
      const full = { ...e, runId, at: Date.now() } as PipelineEvent;
      for (const l of listeners) {
        try {
          l(full);
        } catch {
          // listeners never break a review
        }
      }
    },
    now: Date.now,
    providerMs: 0,
    providerCpuMs: 0,
    // The reviewer sees every file of the diff, old and new sides: residency screens it on all of them.
    touchedFiles: new Set(await diffResidencyPaths(opts.diff, opts.root)),
  };
  const nonce = randomBytes(9).toString('hex');
  const why = `${candidates[0]!.id} (${candidates[0]!.vendor}): first ready model in stages.critic${opts.authorVendor ? ` from a vendor other than the author's (${opts.authorVendor})` : ''}`;
  const sr = new StageRun(ctx, 'critic', 1, candidates, why, pick.rejected);
  const session = new RoleSession(
    'critic',
    criticSystem(nonce),
    opts.policy.rules.budgets.perStageOutputTokens?.critic ?? Infinity,
  );
  const task = opts.task ?? 'Review this change to the working tree: is it correct, safe, and complete?';
  let review: Review;
  try {
    review = await structuredCall(
      sr,
      session,
      criticMessage(task, undefined, numberDiff(opts.diff), undefined, nonce),
      ['task', 'diff'],
      ReviewSchema,
      'Review JSON',
    );
  } catch (e) {
    sr.fail(e instanceof StageFailure ? e.info : { kind: 'internal', message: (e as Error).message });
    throw e;
  }
  const snap = sr.finish();
  // Without full file contents, a finding is anchored when its lines are shown in the diff's new side.
  const shown = diffNewLines(opts.diff);
  const counts = new Map<string, number>(opts.newLineCounts ?? []);
  for (const [file, lines] of shown) if (!counts.has(file)) counts.set(file, Math.max(0, ...lines.shown));
  const anchored = anchorFindings(review, counts);
  return {
    review: { ...review, findings: anchored.map(({ anchored: _a, note: _n, ...f }) => f) },
    reviewer: { modelId: snap.modelId, vendor: snap.vendor },
    unanchored: anchored
      .filter((f) => !f.anchored)
      .map((f) => ({ file: f.file, startLine: f.startLine, note: f.note ?? '' })),
    costUsd: snap.costUsd,
    tokensIn: snap.tokensIn,
    tokensOut: snap.tokensOut,
    boundary: ctx.boundary,
  };
}

async function diffResidencyPaths(diff: string, root: string | undefined): Promise<string[]> {
  let paths: string[];
  try {
    paths = parseUnifiedDiff(diff).files.flatMap((e) => (e.newPath ? [e.path, e.newPath] : [e.path]));
  } catch {
    paths = [...diffNewLines(diff).keys()];
  }
  return residencyPaths(root, paths);
}
