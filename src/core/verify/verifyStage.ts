// The verify stage: check trust, find the sandbox (or the user's opt-out), ask approval, make an
// isolated copy of the workspace (sandbox/isolatedCopy.ts), apply the proposed change there with
// the edit engine, run the policy's verify command confined, and always remove the copy again.
// The user's workspace is never written to, and nothing run here can write to it either: the copy
// has its own git directory and the sandbox mounts nothing of the workspace writable. The pipeline
// calls this only for a change the critic did not block; a failed result sends the change back.
import { performance } from 'node:perf_hooks';
import type { ApplyOutcome, ResolvedPlan } from '../edits/editPlan';
import { applyResolved } from '../edits/applyResolved';
import { chooseIsolation, type IsolationChoice } from '../sandbox/chooseIsolation';
import { createIsolatedCopy, type IsolatedCopy, type IsolatedCopyOptions } from '../sandbox/isolatedCopy';
import type { Isolation } from '../sandbox/launchPlan';
import type { SandboxLimits } from '../sandbox/sandboxLimits';
import { alignBases } from './alignBases';
import { writeUnsavedFiles, type UnsavedFile } from './overlayFiles';
import { runVerification } from './runVerification';
import { checkVerifyAllowed, type ApprovalStore, type AskApproval } from './verifyApproval';
import type { VerifyOutcome } from './verifySchema';

export type ApplyResolved = (resolved: ResolvedPlan, root: string) => Promise<ApplyOutcome>;

export interface VerifyStageInput {
  /** The workspace root the plan was resolved against. */
  root: string;
  resolvedPlan: ResolvedPlan;
  /** The policy's `verify` section (`env`: variable names to pass, approved with the command). */
  verify: { command: string; timeoutSeconds: number; env?: readonly string[] };
  /** The host's workspace-trust answer; false means nothing runs. */
  trusted: boolean;
  approvals: ApprovalStore;
  askApproval: AskApproval;
  /** Sandbox or the user's opt-out (default: the sandbox, refusing when there is none). */
  isolation?: IsolationChoice;
  /** Resource limits for the command (defaults in sandbox/sandboxLimits.ts). */
  limits?: Partial<SandboxLimits>;
  signal?: AbortSignal;
  /** Credential names besides the built-in patterns (the policy's apiKeyEnvs): never passed, always masked. */
  secretEnvNames?: Iterable<string>;
  /** Live output, chunk by chunk. */
  onOutput?: (text: string) => void;
  /** The host environment the command's is picked from (default: this process's). */
  env?: NodeJS.ProcessEnv;
  /** The edit engine's apply (injectable for tests of failure paths). */
  apply?: ApplyResolved;
  scratch?: IsolatedCopyOptions;
  killGraceMs?: number;
  /** The editor's unsaved documents (dirty buffers), written over the copy's files before the plan applies. */
  unsavedFiles?: readonly UnsavedFile[];
}

export async function runVerifyStage(input: VerifyStageInput): Promise<VerifyOutcome> {
  const { command } = input.verify;
  const passEnv = [...(input.verify.env ?? [])];
  let isolation: Isolation | undefined;
  if (input.trusted) {
    const chosen = await chooseIsolation(input.isolation);
    if ('refused' in chosen) return { status: 'skipped-no-sandbox', reason: chosen.refused };
    isolation = chosen;
  }
  const allowed = await checkVerifyAllowed({
    command,
    root: input.root,
    trusted: input.trusted,
    approvals: input.approvals,
    askApproval: input.signal ? untilAborted(input.askApproval, input.signal) : input.askApproval,
    details: { isolation: isolation?.kind ?? 'sandbox', passEnv },
  });
  // A cancel while the question was open ends the stage now, not when someone answers it.
  if (input.signal?.aborted) return cancelledOutcome();
  if (!allowed.allowed) return { status: allowed.status, reason: allowed.reason };
  // checkVerifyAllowed refuses an untrusted workspace, so an isolation was chosen above.
  if (!isolation) return { status: 'skipped-untrusted', reason: 'skipped: workspace not trusted.' };

  let copy: IsolatedCopy;
  const preparing = performance.now();
  try {
    copy = await createIsolatedCopy(input.root, {
      ...input.scratch,
      // Unsandboxed there is no read-only mount: dependencies are copied, never linked.
      nodeModules: isolation.kind === 'sandbox' ? 'mount' : 'copy',
    });
  } catch (e) {
    return { status: 'failed-to-prepare', reason: (e as Error).message, problems: [] };
  }
  const scratchInfo = {
    kind: copy.kind,
    prepareMs: Math.round(performance.now() - preparing),
    carriedOverCount: copy.carriedOver.length,
  };
  const outcome = await runInCopy(input, copy, isolation, passEnv);
  const cleanupProblems = await copy.dispose();
  if (outcome.status !== 'ran') return outcome;
  const notes = [...copy.notes, ...(allowed.warning ? [allowed.warning] : [])];
  if (isolation.kind === 'unsandboxed') {
    notes.push(
      `ran WITHOUT a sandbox, as you allowed (${isolation.why}): it could read your files and reach the network.`,
    );
  }
  return {
    ...outcome,
    scratch: scratchInfo,
    ...(notes.length ? { notes } : {}),
    ...(cleanupProblems.length ? { cleanupProblems } : {}),
  };
}

async function runInCopy(
  input: VerifyStageInput,
  copy: IsolatedCopy,
  isolation: Isolation,
  passEnv: string[],
): Promise<VerifyOutcome> {
  try {
    if (input.signal?.aborted) return cancelledOutcome();
    if (input.unsavedFiles?.length) copy.notes.push(...(await writeUnsavedFiles(copy.root, input.unsavedFiles)));
    // Each edited file first gets the exact bytes the edit was made against (alignBases.ts).
    copy.notes.push(...(await alignBases(copy.source, copy.root, input.resolvedPlan)));
    const applied = await (input.apply ?? applyResolved)(input.resolvedPlan, copy.root);
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
      layout: copy.layout(),
      isolation,
      limits: input.limits,
      timeoutMs: input.verify.timeoutSeconds * 1000,
      env: input.env,
      passEnv,
      secretEnvNames: input.secretEnvNames,
      signal: input.signal,
      killGraceMs: input.killGraceMs,
      onOutput: input.onOutput,
    });
    return { status: 'ran', result };
  } catch (e) {
    return {
      status: 'failed-to-prepare',
      reason: `Verification could not run in the isolated copy ${copy.root}: ${(e as Error).message}`,
      problems: [],
    };
  }
}

/** The host's question, abandoned (rejected) as soon as the run is cancelled. */
function untilAborted(ask: AskApproval, signal: AbortSignal): AskApproval {
  return (command, details) =>
    new Promise<boolean>((resolve, reject) => {
      if (signal.aborted) return reject(new Error('cancelled'));
      const onAbort = () => reject(new Error('cancelled'));
      signal.addEventListener('abort', onAbort, { once: true });
      ask(command, details)
        .then(resolve, reject)
        .finally(() => signal.removeEventListener('abort', onAbort));
    });
}

function cancelledOutcome(): VerifyOutcome {
  return { status: 'cancelled', reason: 'cancelled before the verify command started; nothing was run.' };
}
