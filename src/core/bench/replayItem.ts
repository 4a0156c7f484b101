// Replays one benchmark item through the real pipeline in a scratch copy of the workspace: the
// run's reads, its "apply" and its verify command all happen in the scratch, so the workspace is
// never written. Gates are answered yes because nothing a replay applies leaves the scratch. When
// the item's accepted diff is still in the files, it is taken back out of the scratch first.
import type { RoutingPolicy } from '../config/policySchema';
import type { ResolvedPlan } from '../edits/editPlan';
import { applyResolved } from '../edits/applyResolved';
import type { RunRecord } from '../ledger/runRecordSchema';
import { runTask } from '../pipeline/run';
import type { RunTaskOptions } from '../pipeline/runTypes';
import { fsWorkspaceReader } from '../pipeline/workspaceReader';
import type { Review } from '../review/reviewSchema';
import { createIsolatedCopy, type IsolatedCopyOptions } from '../sandbox/isolatedCopy';
import type { VerifyOutcome } from '../verify/verifySchema';
import type { BenchmarkItem } from './benchmarkSchema';
import { contextDrift } from './benchmarkStore';
import { parsePatch } from '../edits/parsePatch';
import { resolveEdits } from '../edits/resolveEdits';
import { reverseUnifiedDiff } from './reverseDiff';

export interface ReplayHost {
  availability: RunTaskOptions['availability'];
  providerFor: RunTaskOptions['providerFor'];
  /**
   * Runs the policy's verify command for a round's diff; `root` is the replay's scratch copy. The
   * host wires runVerifyStage with its trust answer and approvals. Omit to skip verification.
   */
  verify?(root: string, resolved: ResolvedPlan, signal: AbortSignal): Promise<VerifyOutcome>;
  scratch?: IsolatedCopyOptions;
  signal?: AbortSignal;
  resilience?: RunTaskOptions['resilience'];
  priceLookup?: RunTaskOptions['priceLookup'];
}

export interface ReplayResult {
  itemId: string;
  record: RunRecord;
  /** Every review of the run (all rounds, critic and final owner), for findings by severity. */
  reviews: Review[];
  /** Context files that changed since the item was marked: the replay ran on today's content. */
  drift: string[];
  scratchKind: string;
  /** Scratch folders that could not be removed (the run's figures still stand). */
  cleanupProblems: string[];
  /**
   * How the scratch's files relate to the task: 'restored' = the accepted diff was still in the files
   * and was taken back first, so the task ran on the state it was first done against; 'as-is' = the
   * files are run as they are today (no reference diff, or it no longer reverses cleanly).
   */
  base: 'restored' | 'as-is';
}

/** Takes the accepted diff back out of the scratch when it is still there; false when it does not fit. */
async function restoreBase(scratchRoot: string, acceptedDiff: string | undefined): Promise<boolean> {
  if (!acceptedDiff) return false;
  try {
    const outcome = await resolveEdits(parsePatch(reverseUnifiedDiff(acceptedDiff), 'udiff'), scratchRoot);
    if (!outcome.ok) return false;
    const applied = await applyResolved(outcome.resolved, scratchRoot);
    return applied.ok;
  } catch {
    // A diff the edit engine cannot parse any more: replay on today's files.
    return false;
  }
}

export async function replayItem(
  root: string,
  item: BenchmarkItem,
  policy: RoutingPolicy,
  host: ReplayHost,
): Promise<ReplayResult> {
  const drift = await contextDrift(root, item);
  // No command runs in this copy itself (verify makes its own sandboxed copy of it), so its
  // node_modules may be a link: the verify copy mounts the folder it resolves to, read-only.
  const scratch = await createIsolatedCopy(root, { nodeModules: 'link', ...host.scratch });
  const reviews: Review[] = [];
  let result;
  let base: ReplayResult['base'] = 'as-is';
  try {
    if (await restoreBase(scratch.root, item.acceptedDiff)) base = 'restored';
    const verify = host.verify;
    result = await runTask({
      task: item.task,
      context: { filePaths: item.contextFiles.filter((f) => f.sha256 !== null).map((f) => f.path) },
      policy,
      availability: host.availability,
      providerFor: host.providerFor,
      root: scratch.root,
      workspace: fsWorkspaceReader(scratch.root),
      gate: async () => true,
      apply: (resolved) => applyResolved(resolved, scratch.root),
      verify: verify && policy.verify ? (resolved, signal) => verify(scratch.root, resolved, signal) : undefined,
      listeners: [
        (e) => {
          if (e.type === 'review-ready') reviews.push(e.review);
        },
      ],
      signal: host.signal,
      resilience: host.resilience,
      priceLookup: host.priceLookup,
    });
  } catch (err) {
    await scratch.dispose().catch(() => []);
    throw err;
  }
  // The figures stand even when a scratch folder could not be removed; the report names it.
  const cleanupProblems = await scratch.dispose().catch((e: unknown) => [String(e)]);
  return { itemId: item.id, record: result.record, reviews, drift, scratchKind: scratch.kind, cleanupProblems, base };
}
