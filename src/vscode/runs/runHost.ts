// What the extension hands the core for anything that calls models or runs the verify command — a
// routed run (startRun) and a routing review (commands/reviewRouting) alike: providers built from
// SecretStorage keys (or vscode.lm), availability from the readiness check, and the verify stage's
// host side: approvals remembered in workspaceState (hashes only), the modal that shows the exact
// command and how it will run, and the user's own opt-in to the unsandboxed mode. That opt-in is
// read from the user's settings only: a workspace's .vscode/settings.json must not be able to switch
// the sandbox off.
import * as vscode from 'vscode';
import { SETTINGS_SECTION, SettingKeys } from '../../core/config/settingsKeys';
import type { ModelSpec, RoutingPolicy } from '../../core/config/policySchema';
import { createProvider } from '../../core/providers/createProvider';
import { keyEnvFor, keyEnvNames } from '../../core/providers/keys';
import type { Provider } from '../../core/providers/types';
import type { IsolationChoice } from '../../core/sandbox/chooseIsolation';
import { mementoApprovalStore } from '../../core/verify/mementoApprovalStore';
import { describeRun, type ApprovalStore, type AskApproval } from '../../core/verify/verifyApproval';
import { Commands } from '../commandIds';
import { createVscodeLmProvider } from '../lm/vscodeLmProvider';
import type { Services } from '../services';
import type { Readiness } from '../secrets/readiness';

/**
 * Builds each model's provider with its stored key, read at call time. Every key handed out is added
 * to `usedKeys` when given, so the ledger's scrubber can blank one that slipped into a record.
 */
export function providerFactory(svc: Services, usedKeys?: Set<string>): (spec: ModelSpec) => Promise<Provider> {
  const keySource = svc.keys.keySource(svc.policy);
  return async (spec) => {
    const name = keyEnvFor(spec);
    const apiKey = await keySource.get(spec);
    if (apiKey) usedKeys?.add(apiKey);
    return createProvider(spec, {
      apiKey,
      keyHint: name ? `"Switchyard: Set API key" → ${name}` : undefined,
      vscodeLm: createVscodeLmProvider,
    });
  };
}

/** Why a model cannot be called now (undefined: it can), from the readiness check. */
export function availabilityFrom(readiness: Readiness): (spec: ModelSpec) => string | undefined {
  return (spec) =>
    readiness.reasons.get(spec.id) ??
    (readiness.reasons.has(spec.id) ? undefined : `model ${spec.id} is not in the policy`);
}

export function verifyApprovals(state: vscode.Memento): ApprovalStore {
  return mementoApprovalStore(state);
}

/** A modal naming the exact command; `what` says when it runs ("on each proposed change"). */
export function askVerifyApproval(what: string): AskApproval {
  return async (command, details) =>
    (await vscode.window.showWarningMessage(
      `The routing policy asks Switchyard to run a command ${what}. Run it?`,
      { modal: true, detail: `${command}\n\n${describeRun(details)}` },
      'Run it',
    )) === 'Run it';
}

export function verifyIsolation(): IsolationChoice {
  const setting = vscode.workspace
    .getConfiguration(SETTINGS_SECTION)
    .inspect<boolean>(SettingKeys.verifyAllowUnsandboxed);
  return { allowUnsandboxed: setting?.globalValue === true };
}

/** Everything the verify stage (or the replay verifier) needs from the host, for one policy. */
export function verifyHostInput(svc: Services, policy: RoutingPolicy, what: string) {
  return {
    trusted: vscode.workspace.isTrusted,
    approvals: verifyApprovals(svc.shell.context.workspaceState),
    askApproval: askVerifyApproval(what),
    isolation: verifyIsolation(),
    secretEnvNames: keyEnvNames(policy.models),
  };
}

/** The next step a failure message offers, run for the button the person chose. */
export async function runFailureAction(choice: string | undefined): Promise<void> {
  if (choice === 'Set API key') await vscode.commands.executeCommand(Commands.setApiKey);
  else if (choice === 'Open routing policy') await vscode.commands.executeCommand(Commands.openPolicy);
}
