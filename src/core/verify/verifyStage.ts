// The verify stage: check trust and approval, make a scratch copy of the workspace, apply the
// proposed change there with the edit engine, run the policy's verify command, and always remove
// the scratch again. The user's workspace is never written to; only the scratch is. The pipeline
// calls this between the implementer and the critic; a failed result becomes a critic finding
// (verifyFinding.ts).
import { performance } from 'node:perf_hooks';
import type { ResolvedPlan } from '../edits/editPlan';
import { applyResolved } from '../edits/applyResolved';
import { writeUnsavedFiles, type UnsavedFile } from './overlayFiles';
import { runVerification } from './runVerification';
import {
  applyPlanToScratch,
  createScratchWorkspace,
  type ApplyResolved,
  type ScratchOptions,
  type ScratchWorkspace,
} from './scratchWorkspace';
import { checkVerifyAllowed, type ApprovalStore, type AskApproval } from './verifyApproval';
import type { VerifyOutcome } from './verifySchema';

export interface VerifyStageInput {
  /** The workspace root the plan was resolved against. */
  root: string;
  resolvedPlan: ResolvedPlan;
  /** The policy's `verify` section. */
  verify: { command: string; timeoutSeconds: number };
  /** The host's workspace-trust answer; false means nothing runs. */
  trusted: boolean;
  approvals: ApprovalStore;
  askApproval: AskApproval;
  signal?: AbortSignal;
  /** Environment variable names to withhold besides the built-in patterns (the policy's apiKeyEnvs). */
  secretEnvNames?: Iterable<string>;
  /** Live output, chunk by chunk. */
  onOutput?: (text: string) => void;
  /** Environment to filter for the command (default: this process's). */
  env?: NodeJS.ProcessEnv;
  /** The edit engine's apply (injectable for tests of failure paths). */
  apply?: ApplyResolved;
  scratch?: ScratchOptions;
  killGraceMs?: number;
  /** The editor's unsaved documents (dirty buffers), written over the scratch's files before the plan applies. */
  unsavedFiles?: readonly UnsavedFile[];
}

export async function runVerifyStage(input: VerifyStageInput): Promise<VerifyOutcome> {
  const { command } = input.verify;
  const allowed = await checkVerifyAllowed({
    command,
    root: input.root,
    trusted: input.trusted,
    approvals: input.approvals,
    askApproval: input.signal ? untilAborted(input.askApproval, input.signal) : input.askApproval,
  });
  // A cancel while the question was open ends the stage now, not when someone answers it.
  if (input.signal?.aborted) return cancelledOutcome();
  if (!allowed.allowed) return { status: allowed.status, reason: allowed.reason };

  let scratch: ScratchWorkspace;
  const preparing = performance.now();
  try {
    scratch = await createScratchWorkspace(input.root, input.scratch);
  } catch (e) {
    return { status: 'failed-to-prepare', reason: (e as Error).message, problems: [] };
  }
  const scratchInfo = {
    kind: scratch.kind,
    prepareMs: Math.round(performance.now() - preparing),
    carriedOverCount: scratch.carriedOver.length,
  };
  const outcome = await runInScratch(input, scratch.root, scratch);
  const cleanupProblems = await scratch.dispose();
  if (outcome.status !== 'ran') return outcome;
  const notes = [...scratch.notes, ...(allowed.warning ? [allowed.warning] : [])];
  return {
    ...outcome,
    scratch: scratchInfo,
    ...(notes.length ? { notes } : {}),
    ...(cleanupProblems.length ? { cleanupProblems } : {}),
  };
}

async function runInScratch(
  input: VerifyStageInput,
  scratchRoot: string,
  scratch: ScratchWorkspace,
): Promise<VerifyOutcome> {
  try {
    if (input.signal?.aborted) return cancelledOutcome();
    if (input.unsavedFiles?.length) scratch.notes.push(...(await writeUnsavedFiles(scratchRoot, input.unsavedFiles)));
    const applied = await applyPlanToScratch(scratch, input.resolvedPlan, input.apply ?? applyResolved);
    if (!applied.ok) {
      return {
        status: 'failed-to-prepare',
        reason:
          'The proposed change did not apply to a fresh copy of the workspace, so its tests were not run. ' +
          'Usually a file changed (or is unsaved in the editor) since the edit was made; save, and re-run the edit.',
        problems: applied.problems.map((p) => ({ kind: p.kind, path: p.path, message: p.message })),
      };
    }
    if (input.signal?.aborted) return cancelledOutcome();
    const result = await runVerification({
      command: input.verify.command,
      cwd: scratchRoot,
      timeoutMs: input.verify.timeoutSeconds * 1000,
      env: input.env,
      secretEnvNames: input.secretEnvNames,
      signal: input.signal,
      killGraceMs: input.killGraceMs,
      onOutput: input.onOutput,
    });
    return { status: 'ran', result };
  } catch (e) {
    return {
      status: 'failed-to-prepare',
      reason: `Verification could not run in the scratch copy ${scratchRoot}: ${(e as Error).message}`,
      problems: [],
    };
  }
}

/** The host's question, abandoned (rejected) as soon as the run is cancelled. */
function untilAborted(ask: AskApproval, signal: AbortSignal): AskApproval {
  return (command) =>
    new Promise<boolean>((resolve, reject) => {
      if (signal.aborted) return reject(new Error('cancelled'));
      const onAbort = () => reject(new Error('cancelled'));
      signal.addEventListener('abort', onAbort, { once: true });
      ask(command)
        .then(resolve, reject)
        .finally(() => signal.removeEventListener('abort', onAbort));
    });
}

function cancelledOutcome(): VerifyOutcome {
  return { status: 'cancelled', reason: 'cancelled before the verify command started; nothing was run.' };
}
