// Runs one task through the core pipeline inside VS Code: providers built from SecretStorage keys
// (or vscode.lm), events folded into the run model (sidebar, panel), a progress notification with
// Cancel, the gate as the moment a person reviews the diff with its comment threads and decides, and
// apply as one WorkspaceEdit. The pipeline never writes; only `apply` below does.
import * as vscode from 'vscode';
import type { ModelSpec, RoutingPolicy, Stage } from '../../core/config/policySchema';
import type { ApplyOutcome, ResolvedPlan } from '../../core/edits/editPlan';
import { parsePatch } from '../../core/edits/parsePatch';
import { appendRecord } from '../../core/ledger/ledgerFile';
import { SETTINGS_SECTION, SettingKeys } from '../../core/config/settingsKeys';
import { resolveEdits } from '../../core/edits/resolveEdits';
import { runTask } from '../../core/pipeline/run';
import type { GateAnswer, GateRequest, RunResult, RunTaskOptions } from '../../core/pipeline/runTypes';
import { fsWorkspaceReader } from '../../core/pipeline/workspaceReader';
import { createProvider } from '../../core/providers/createProvider';
import { keyEnvFor } from '../../core/providers/keys';
import { runVerifyStage } from '../../core/verify/verifyStage';
import { createVscodeLmProvider } from '../lm/vscodeLmProvider';
import { applyChange } from '../review/applyChange';
import { registerDocuments } from '../review/diffPreview';
import type { Services } from '../services';
import type { EditorContext } from './gatherContext';
import { ROLE_NAMES } from '../sidebar/pipelineTree';
import type { ActiveRun } from './runRegistry';
import { showDiff } from './runActions';

export interface StartRunOptions {
  task: string;
  editor: EditorContext;
  /** Replaces stage chains for this run only (re-run a stage with another model). */
  stageOverride?: Partial<Record<Stage, string[]>>;
  /** Findings and plan of an earlier run of the same task, used instead of running those stages again. */
  reuse?: RunTaskOptions['reuse'];
  /** Show the diff and threads as soon as the person's decision is needed (default true). */
  openDiffOnGate?: boolean;
}

function withOverride(policy: RoutingPolicy, override?: Partial<Record<Stage, string[]>>): RoutingPolicy {
  if (!override) return policy;
  return { ...policy, stages: { ...policy.stages, ...override } };
}

function taskWithSelection(task: string, editor: EditorContext): string {
  const s = editor.selection;
  if (!s) return task;
  // The selection is context for the roles; fenced and labelled so it reads as data.
  return `${task}\n\nSelected in ${s.path} (lines ${s.startLine}-${s.endLine}):\n\`\`\`\n${s.text}\n\`\`\``;
}

/** The person's review of the diff: resolves when they apply, reject, send back or cancel. */
async function reviewGate(
  svc: Services,
  run: ActiveRun,
  request: GateRequest,
  root: string,
  openDiff: boolean,
): Promise<GateAnswer> {
  if (!request.diff) return false;
  // The gate carries the diff text; re-resolving it against the same untouched files gives the
  // exact before/after the diff editor shows (the pipeline's own plan is what `apply` writes).
  const outcome = await resolveEdits(parsePatch(request.diff.diff, 'udiff'), root);
  if (!outcome.ok) {
    run.model.view.message = `The proposed change no longer fits the files: ${outcome.problems.map((p) => p.message).join('; ')}`;
    svc.runs.touch(run);
    return false;
  }
  run.resolved = outcome.resolved;
  run.model.gateReasons = request.codes.length ? request.reasons : [];
  registerDocuments(svc.content, run.runId, outcome.resolved);
  if (run.model.view.review) svc.comments.show(run.runId, run.model.view.review);
  run.model.view.state = 'awaiting-approval';
  svc.runs.touch(run);
  const decided = new Promise<GateAnswer>((resolve) => {
    run.pendingDecision = { reasons: request.reasons, resolve };
    request.signal.addEventListener('abort', () => resolve(false), { once: true });
  });
  if (openDiff) await showDiff(svc).catch(() => undefined);
  const answer = await decided;
  run.pendingDecision = undefined;
  return answer;
}

const APPROVALS_KEY = 'switchyard.verifyApprovals';

/** The policy's verify command on the proposed change, in a scratch copy: only in a trusted
 * workspace, and only after the person approved that exact command (remembered per workspace). */
function verifyInScratch(
  svc: Services,
  policy: RoutingPolicy,
  root: string,
  resolved: ResolvedPlan,
  signal: AbortSignal,
) {
  const state = svc.shell.context.workspaceState;
  return runVerifyStage({
    root,
    resolvedPlan: resolved,
    verify: policy.verify!,
    trusted: vscode.workspace.isTrusted,
    approvals: {
      has: (hash) => state.get<string[]>(APPROVALS_KEY, []).includes(hash),
      add: async (hash) => {
        await state.update(APPROVALS_KEY, [...state.get<string[]>(APPROVALS_KEY, []), hash]);
      },
    },
    askApproval: async (command) =>
      (await vscode.window.showWarningMessage(
        'The routing policy asks Switchyard to run a command on each proposed change, in a scratch copy of this workspace. Run it?',
        {
          modal: true,
          detail: `${command}\n\nIt runs with your user rights; API keys are withheld from its environment. Switchyard remembers your answer for this exact command in this workspace.`,
        },
        'Run it',
      )) === 'Run it',
    secretEnvNames: policy.models.map((m) => keyEnvFor(m)).filter((n): n is string => Boolean(n)),
    signal,
  });
}

/** A failed run's message, with the next step as a button: set a key, fix the policy, or look closer. */
async function showFailure(svc: Services, message: string): Promise<void> {
  const actions = [
    /Set API key/.test(message) ? 'Set API key' : undefined,
    /routing\.json|policy/.test(message) ? 'Open routing policy' : undefined,
    'Open routing panel',
  ].filter((a): a is string => Boolean(a));
  const choice = await vscode.window.showErrorMessage(message, ...actions);
  if (choice === 'Set API key') await vscode.commands.executeCommand('switchyard.setApiKey');
  else if (choice === 'Open routing policy') await vscode.commands.executeCommand('switchyard.openPolicy');
  else if (choice === 'Open routing panel') svc.panel.show();
}

/** Appends the run's record to the ledger (switchyard.ledgerPath, else the extension's storage). */
async function recordRun(svc: Services, result: RunResult, keys: Set<string>): Promise<void> {
  const configured = vscode.workspace.getConfiguration(SETTINGS_SECTION).get<string>(SettingKeys.ledgerPath, '').trim();
  const file = configured || vscode.Uri.joinPath(svc.shell.context.globalStorageUri, 'runs.jsonl').fsPath;
  try {
    await appendRecord(file, result.record, ...keys);
  } catch (err) {
    void vscode.window.showWarningMessage(
      `Switchyard could not record this run in ${file}: ${(err as Error).message}. Check the folder exists and is writable, or change switchyard.ledgerPath.`,
    );
  }
}

export async function startRun(svc: Services, opts: StartRunOptions): Promise<RunResult | undefined> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder || folder.uri.scheme !== 'file') {
    void vscode.window.showErrorMessage(
      'Switchyard: open a local folder first; a task is routed against the files of the open folder.',
    );
    return undefined;
  }
  await svc.policy.ready();
  if (!svc.policy.valid) {
    void vscode.window.showWarningMessage(
      `Switchyard: the routing policy has problems, so this run uses the last good policy. ${svc.policy.problems.join(' · ')}`,
    );
  }
  const readiness = await svc.refreshStatus();
  const policy = withOverride(svc.policy.policy, opts.stageOverride);
  const root = folder.uri.fsPath;
  const runId = `run-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
  // One run per window: a run still going (or waiting at its gate) is cancelled, so its pipeline
  // and its progress notification end instead of waiting forever for a decision nobody can reach.
  const previous = svc.runs.current;
  if (previous?.live) {
    previous.abort.abort('replaced by a new run');
    previous.pendingDecision?.resolve(false);
  }
  const run = svc.runs.start(runId, opts.task);
  run.reusedAuthor = opts.reuse?.implementation?.modelId;
  svc.comments.clear();
  if (previous) await svc.content.clearRun(previous.runId);
  svc.panel.show(true);

  const keySource = svc.keys.keySource({
    trusted: () => svc.policy.trusted,
    workspaceChoseUrl: (s) => svc.policy.workspaceChoseUrl(s.baseUrl),
  });
  // Keys used in this run, only so the ledger's scrubber can blank them if one slipped into a record.
  const usedKeys = new Set<string>();
  const providerFor = async (spec: ModelSpec) => {
    const name = keyEnvFor(spec);
    const apiKey = await keySource.get(spec);
    if (apiKey) usedKeys.add(apiKey);
    return createProvider(spec, {
      apiKey,
      keyHint: name ? `"Switchyard: Set API key" → ${name}` : undefined,
      vscodeLm: createVscodeLmProvider,
    });
  };
  const apply = async (resolved: ResolvedPlan): Promise<ApplyOutcome> => {
    const r = await applyChange(resolved);
    if (r.applied) {
      run.resolved = resolved;
      svc.comments.clear();
      run.applyWaiter?.({
        applied: true,
        message: `Applied to ${r.files.join(', ')}. Undo in the file takes it back.`,
      });
      run.applyWaiter = undefined;
      return { ok: true, written: r.files };
    }
    void vscode.window.showErrorMessage(r.message);
    run.applyWaiter?.({ applied: false, message: r.message });
    run.applyWaiter = undefined;
    return { ok: false, problems: [{ kind: 'stale', message: r.message }] };
  };

  const telemetry = await svc.telemetry.listenerFor(usedKeys);

  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'Switchyard', cancellable: true },
    async (progress, token) => {
      token.onCancellationRequested(() => run.abort.abort());
      const listener = svc.runs.listenerFor(run, (e) => {
        if (e.type === 'stage-started')
          progress.report({ message: `${ROLE_NAMES[e.snapshot.stage]}: ${e.snapshot.modelId} working…` });
        if (e.type === 'gate-waiting')
          progress.report({ message: 'waiting for your decision: review the diff, then Apply, Reject or Send back' });
      });
      try {
        const result = await runTask({
          task: taskWithSelection(opts.task, opts.editor),
          context: opts.editor.context,
          policy,
          availability: (spec) =>
            readiness.reasons.get(spec.id) ??
            (readiness.reasons.has(spec.id) ? undefined : `model ${spec.id} is not in the policy`),
          providerFor,
          root,
          workspace: fsWorkspaceReader(root),
          gate: (request) => reviewGate(svc, run, request, root, opts.openDiffOnGate ?? true),
          apply,
          verify: policy.verify
            ? (resolved, signal) => verifyInScratch(svc, policy, root, resolved, signal)
            : undefined,
          confirmEveryApply: true,
          reuse: opts.reuse,
          listeners: telemetry ? [listener, telemetry] : [listener],
          signal: run.abort.signal,
          runId,
        });
        run.resolved ??= result.resolved;
        run.model.attachBoundary(result.boundary.all());
        await recordRun(svc, result, usedKeys);
        run.applyWaiter?.({ applied: result.outcome === 'applied', message: result.message });
        run.applyWaiter = undefined;
        svc.runs.touch(run);
        const msg = `Switchyard: ${result.message}`;
        if (result.outcome === 'failed') void showFailure(svc, msg);
        else void vscode.window.showInformationMessage(msg);
        return result;
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        run.model.view.state = run.abort.signal.aborted ? 'cancelled' : 'failed';
        run.model.view.message = message;
        run.applyWaiter?.({ applied: false, message });
        run.applyWaiter = undefined;
        svc.runs.touch(run);
        void vscode.window.showErrorMessage(`Switchyard: the run stopped: ${message}`);
        return undefined;
      }
    },
  );
}
