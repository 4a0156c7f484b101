// Runs one task through the core pipeline inside VS Code: providers built from SecretStorage keys
// (or vscode.lm), events folded into the run model (sidebar, panel), a progress notification with
// Cancel, the gate as the moment a person reviews the diff with its comment threads and decides, and
// apply as one WorkspaceEdit. The pipeline never writes; only `apply` below does.
import * as vscode from 'vscode';
import type { RoutingPolicy, Stage } from '../../core/config/policySchema';
import type { ApplyOutcome, ResolvedPlan } from '../../core/edits/editPlan';
import { appendRecord } from '../../core/ledger/ledgerFile';
import { runTask } from '../../core/pipeline/run';
import { agentHost } from './agentHost';
import type { GateAnswer, GateRequest, RunResult, RunTaskOptions } from '../../core/pipeline/runTypes';
import { fsWorkspaceReader } from '../../core/pipeline/workspaceReader';
import { runVerifyStage } from '../../core/verify/verifyStage';
import { applyChange } from '../review/applyChange';
import { ledgerFile, ledgerLocation } from '../scorecard/ledgerLocation';
import type { Services } from '../services';
import type { EditorContext } from './gatherContext';
import { ROLE_LABELS } from '../../core/config/stages';
import type { ActiveRun } from './runRegistry';
import { showDiff } from './runActions';
import { availabilityFrom, providerFactory, runFailureAction, verifyHostInput } from './runHost';

export interface StartRunOptions {
  task: string;
  editor: EditorContext;
  /** Replaces stage chains for this run only (re-run a stage with another model). */
  stageOverride?: Partial<Record<Stage, string[]>>;
  /** Findings and plan of an earlier run of the same task, used instead of running those stages again. */
  reuse?: RunTaskOptions['reuse'];
  /** The kind and risk the person set for this run ("Route again as…"), over the classifier's. */
  personCalls?: RunTaskOptions['personCalls'];
  /** Show the diff and threads as soon as the person's decision is needed (default true). */
  openDiffOnGate?: boolean;
}

function withOverride(policy: RoutingPolicy, override?: Partial<Record<Stage, string[]>>): RoutingPolicy {
  if (!override) return policy;
  return { ...policy, stages: { ...policy.stages, ...override } };
}

/** The selection as context for the roles (fenced and labelled so it reads as data); never classified. */
function selectionBlock(editor: EditorContext): string | undefined {
  const s = editor.selection;
  if (!s) return undefined;
  const fence = '`'.repeat(Math.max(3, ...[...s.text.matchAll(/`{3,}/g)].map((m) => m[0].length + 1)));
  return `Selected in ${s.path} (lines ${s.startLine}-${s.endLine}):\n${fence}\n${s.text}\n${fence}`;
}

/** The person's review of the diff: the run's decision owner waits for Apply, Reject, Send back or Cancel. */
function reviewGate(svc: Services, run: ActiveRun, request: GateRequest, openDiff: boolean): Promise<GateAnswer> {
  // The pipeline hands over the exact plan it reviewed; a gate without one has nothing to apply.
  if (!request.resolved) return Promise.resolve({ reject: 'there was no resolved change to review' });
  const answer = run.decision.awaitDecision(request.resolved, request.signal, request);
  // Opening the diff is for the person; the gate's answer never waits on the editor (a decision
  // made while it was still opening closes the tab, see ProposedContent.closeTabs).
  if (openDiff) void showDiff(svc, { automatic: true }).catch(() => undefined);
  return answer;
}

/** The policy's verify command on the proposed change, in a sandboxed copy: only in a trusted
 * workspace, and only after the person approved that exact command (remembered per workspace). */
function verifyInScratch(
  svc: Services,
  policy: RoutingPolicy,
  root: string,
  resolved: ResolvedPlan,
  signal: AbortSignal,
) {
  return runVerifyStage({
    root,
    resolvedPlan: resolved,
    verify: policy.verify!,
    ...verifyHostInput(svc, policy, 'on each proposed change the reviewer did not block'),
    signal,
  });
}

/** A message that says a key is missing (readiness: "no NAME stored"; a provider: "Set API key"). */
const NEEDS_KEY = /\bno [A-Z0-9_]+ stored\b|Set API key/;

/** A failed run's message, with the next step as a button: set a key, fix the policy, or look closer. */
async function showFailure(svc: Services, message: string): Promise<void> {
  const actions = [
    NEEDS_KEY.test(message) ? 'Set API key' : undefined,
    /routing\.json|policy/.test(message) ? 'Open routing policy' : undefined,
    'Open routing panel',
  ].filter((a): a is string => Boolean(a));
  const choice = await vscode.window.showErrorMessage(message, ...actions);
  if (choice === 'Open routing panel') svc.panel.show();
  else await runFailureAction(choice);
}

/** Appends the run's record to the ledger (switchyard.ledgerPath, else the one the CLI shares). */
async function recordRun(svc: Services, result: RunResult, keys: Set<string>): Promise<void> {
  let file = ledgerLocation();
  try {
    file = await ledgerFile(svc.shell.context);
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
  const readiness = await svc.refreshStatus();
  const policy = withOverride(svc.policy.policy, opts.stageOverride);
  const root = folder.uri.fsPath;
  const runId = `run-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
  // One run per window: a run still going (or waiting at its gate) is cancelled, so its pipeline
  // and its progress notification end instead of waiting forever for a decision nobody can reach.
  const previous = svc.runs.current;
  if (previous?.live) {
    previous.abort.abort('replaced by a new run');
    previous.decision.cancel();
  }
  const run = svc.runs.start(runId, opts.task, opts.editor);
  run.reusedAuthor = opts.reuse?.implementation?.modelId;
  // Said in the panel, for this run: a toast would outlive the fix (the status bar clears by itself).
  if (!svc.policy.valid)
    svc.runs.handle(run, {
      type: 'note',
      text: `This run uses the last good routing policy: ${svc.policy.problems.join(' · ')}`,
    });
  svc.comments.clear();
  if (previous) await svc.content.clearRun(previous.runId);
  svc.panel.show(true);

  // Keys used in this run, only so the ledger's scrubber can blank them if one slipped into a record.
  const usedKeys = new Set<string>();
  const providerFor = providerFactory(svc, usedKeys);
  // Writes the plan the gate's answer carried (the person's accepted suggestions included).
  const apply = async (resolved: ResolvedPlan): Promise<ApplyOutcome> => {
    const r = await applyChange(resolved);
    if (r.applied) {
      run.decision.reportApply({
        applied: true,
        message: `Applied to ${r.files.join(', ')}. Undo in the file takes it back.`,
      });
      return { ok: true, written: r.files };
    }
    run.decision.reportApply({ applied: false, message: r.message });
    return { ok: false, problems: [{ kind: 'stale', message: r.message }] };
  };

  const telemetry = await svc.telemetry.listenerFor(usedKeys);

  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'Switchyard', cancellable: true },
    async (progress, token) => {
      token.onCancellationRequested(() => run.abort.abort());
      const listener = svc.runs.listenerFor(run, (e) => {
        if (e.type === 'stage-started')
          progress.report({ message: `${ROLE_LABELS[e.snapshot.stage]}: ${e.snapshot.modelId} working…` });
        if (e.type === 'gate-waiting')
          progress.report({ message: 'waiting for your decision: review the diff, then Apply, Reject or Send back' });
      });
      try {
        const result = await runTask({
          task: opts.task,
          attachedContext: selectionBlock(opts.editor),
          context: opts.editor.context,
          personCalls: opts.personCalls,
          policy,
          availability: availabilityFrom(readiness),
          providerFor,
          root,
          workspace: fsWorkspaceReader(root),
          codebase: svc.codebases.forRoot(root),
          editor: { activeFile: opts.editor.activePath },
          gate: (request) => reviewGate(svc, run, request, opts.openDiffOnGate ?? true),
          apply,
          verify: policy.verify
            ? (resolved, signal) => verifyInScratch(svc, policy, root, resolved, signal)
            : undefined,
          agents: agentHost(svc.keys.keySource(svc.policy), usedKeys, svc.agentSessions),
          confirmEveryApply: true,
          reuse: opts.reuse,
          listeners: telemetry ? [listener, telemetry] : [listener],
          signal: run.abort.signal,
          runId,
        });
        run.model.attachBoundary(result.boundary.all());
        await recordRun(svc, result, usedKeys);
        run.decision.finish({ applied: result.outcome === 'applied', message: result.message });
        svc.runs.touch(run);
        const msg = `Switchyard: ${result.message}`;
        // A failure is said once: in the panel (with its "Set API key" button) when the panel is in
        // view, else as a notification with the next step.
        if (result.outcome === 'failed') {
          if (!svc.panel.visible) void showFailure(svc, msg);
        } else void vscode.window.showInformationMessage(msg);
        return result;
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        // runTask reports failures as its outcome; reaching here is a bug in the host's own callbacks.
        // The view still ends the way every run ends: by folding the run's last event.
        svc.runs.handle(run, {
          type: 'run-finished',
          runId,
          at: Date.now(),
          outcome: run.abort.signal.aborted ? 'cancelled' : 'failed',
          message,
          totals: { tokensIn: 0, tokensOut: 0, costUsd: run.model.view.actualCostUsd, elapsedMs: 0 },
          error: { kind: 'internal', message },
        });
        run.decision.finish({ applied: false, message });
        void vscode.window.showErrorMessage(`Switchyard: the run stopped: ${message}`);
        return undefined;
      }
    },
  );
}
