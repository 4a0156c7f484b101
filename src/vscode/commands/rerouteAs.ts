// "Route again as…" (the panel, the sidebar's run row, the command palette): the person corrects
// the classifier — this is a bugfix, not a feature; this is high risk — and the same task is routed
// again with their kind and risk in place of the classifier's calls (see core/routing/personCalls).
// The stages follow from the new calls; the scout's findings of the run being replaced are reused
// when the new route has a scout, so locating the code is not paid for twice.
import * as vscode from 'vscode';
import type { Risk, TaskKind } from '../../core/config/policySchema';
import { RISKS, TASK_KINDS } from '../../core/config/stages';
import type { PersonCalls } from '../../core/routing/personCalls';
import { startRun } from '../runs/startRun';
import type { Services } from '../services';

const KIND_HINTS: Record<TaskKind, string> = {
  question: 'an answer, no edits',
  docs: 'documentation only',
  test: 'tests only',
  bugfix: 'makes wrong behaviour right',
  feature: 'new behaviour',
  refactor: 'same behaviour, better code',
  chore: 'build, CI, dependencies',
};

const RISK_HINTS: Record<Risk, string> = {
  low: 'one implementer pass and a cross-vendor review',
  medium: 'a plan first when the work is wide',
  high: 'scout, architect, review and a human gate',
};

/** Calls a caller passed (a test, another command): `{ kind, risk }`. */
function given(args: unknown[]): PersonCalls | undefined {
  const obj = args[0] && typeof args[0] === 'object' ? (args[0] as Record<string, unknown>) : {};
  const kind = (TASK_KINDS as readonly unknown[]).includes(obj.kind) ? (obj.kind as TaskKind) : undefined;
  const risk = (RISKS as readonly unknown[]).includes(obj.risk) ? (obj.risk as Risk) : undefined;
  return kind || risk ? { kind, risk } : undefined;
}

async function pick<T extends string>(
  title: string,
  values: readonly T[],
  current: T | undefined,
  hints: Record<T, string>,
) {
  // The current call first, so Enter keeps it.
  const ordered = current ? [current, ...values.filter((v) => v !== current)] : values;
  const items = ordered.map((value) => ({
    label: value,
    description: value === current ? `${hints[value]} · the current call` : hints[value],
    value,
  }));
  const chosen = await vscode.window.showQuickPick(items, {
    title,
    placeHolder: current ? `Now: ${current}` : undefined,
    matchOnDescription: true,
  });
  return chosen?.value;
}

export async function rerouteAs(svc: Services, args: unknown[]) {
  const run = svc.runs.current;
  if (!run) {
    void vscode.window.showErrorMessage('Switchyard: there is no run to route again. Route a task first.');
    return undefined;
  }
  const view = run.model.view;
  let calls = given(args);
  if (!calls) {
    const nowKind = TASK_KINDS.find((k) => k === view.kind);
    const nowRisk = RISKS.find((r) => r === view.risk);
    const kind = await pick('Route again as — which kind of work? (1/2)', TASK_KINDS, nowKind, KIND_HINTS);
    if (!kind) return undefined;
    const risk = await pick('Route again as — how risky? (2/2)', RISKS, nowRisk, RISK_HINTS);
    if (!risk) return undefined;
    calls = { kind, risk };
  }
  if (calls.kind === view.kind && calls.risk === view.risk) {
    void vscode.window.showInformationMessage(
      `Switchyard: the run is already routed as ${view.kind}, ${view.risk} risk; nothing to change.`,
    );
    return undefined;
  }
  const { findings } = run.model.artifacts;
  if (run.live) run.abort.abort('routed again as the person said');
  return startRun(svc, {
    task: view.task,
    editor: run.editor,
    personCalls: calls,
    reuse: findings ? { from: `the previous run (${run.runId})`, findings } : undefined,
  });
}
