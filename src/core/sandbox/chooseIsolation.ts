// Sandbox or not, decided once per run and never silently: a machine without the sandbox gets a
// refusal that says what is missing, unless the user (never the repository) opted into running
// commands unsandboxed in the isolated copy. The refusal names both ways to opt in, so a person
// reading it in the editor or the terminal knows what to change.
import type { Isolation } from './launchPlan';
import { probeSandbox, type ProbeOptions, type SandboxSupport } from './sandboxProbe';

export interface IsolationChoice {
  /** The user's own opt-in to the unsandboxed mode (a user setting or a CLI flag; never the policy). */
  allowUnsandboxed?: boolean;
  /** A known answer instead of probing this machine (hosts that probed already, tests). */
  support?: SandboxSupport;
  probe?: ProbeOptions;
}

export const UNSANDBOXED_OPT_IN =
  'the user setting switchyard.verify.allowUnsandboxed, or --verify-unsandboxed (or SWITCHYARD_VERIFY_UNSANDBOXED=1) for the CLI';

export async function chooseIsolation(choice: IsolationChoice = {}): Promise<Isolation | { refused: string }> {
  const support = choice.support ?? (await probeSandbox(choice.probe));
  if (support.ok) return { kind: 'sandbox', support };
  if (choice.allowUnsandboxed) return { kind: 'unsandboxed', why: support.reason };
  return {
    refused:
      `not run: there is no sandbox for it on this machine (${support.reason}). ` +
      `A command from the repository runs only in a sandbox unless you opt out with ${UNSANDBOXED_OPT_IN}; ` +
      'unsandboxed, it runs in a copy of the workspace but can read your files and reach the network.',
  };
}
