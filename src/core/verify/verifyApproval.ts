// Whether the verify command may run: only in a workspace the host says is trusted, and only a
// command the user approved. An approval is remembered as a sha256 of the exact command string
// together with the workspace root, so the same text in another workspace, or a command changed
// by a single character (a teammate edited routing.json), asks again. The host owns storage
// (the extension: workspaceState; the CLI: fileApprovalStore.ts) and the question itself.
import { createHash } from 'node:crypto';
import * as path from 'node:path';

export interface ApprovalStore {
  has(hash: string): boolean | Promise<boolean>;
  add(hash: string): void | Promise<void>;
}

/** How the command would run, shown with it and part of what is approved. */
export interface ApprovalDetails {
  /** 'unsandboxed' only when the user opted in on a machine without the sandbox. */
  isolation: 'sandbox' | 'unsandboxed';
  /** Environment variable names the policy asks to pass (beyond PATH, locale and TERM). */
  passEnv: string[];
}

/** Shows the user the exact command (and how it would run) and resolves true only on an explicit yes. */
export type AskApproval = (command: string, details?: ApprovalDetails) => Promise<boolean>;

/**
 * The remembered key: sha256 over the workspace root and the command, exactly as written, and —
 * when it runs unsandboxed or with extra variables — those too.
 */
export function approvalHash(command: string, root: string, details?: ApprovalDetails): string {
  const plain = !details || (details.isolation === 'sandbox' && details.passEnv.length === 0);
  const key = plain
    ? { v: 1, root: path.resolve(root), command }
    : { v: 2, root: path.resolve(root), command, isolation: details.isolation, env: [...details.passEnv].sort() };
  return createHash('sha256').update(JSON.stringify(key)).digest('hex');
}

export type ApprovalDecision =
  | { allowed: true; how: 'remembered' | 'approved-now'; warning?: string }
  | { allowed: false; status: 'skipped-untrusted' | 'skipped-not-approved'; reason: string };

export interface ApprovalRequest {
  command: string;
  root: string;
  trusted: boolean;
  approvals: ApprovalStore;
  askApproval: AskApproval;
  details?: ApprovalDetails;
}

export async function checkVerifyAllowed(req: ApprovalRequest): Promise<ApprovalDecision> {
  if (!req.trusted) {
    return {
      allowed: false,
      status: 'skipped-untrusted',
      reason:
        'skipped: workspace not trusted. The verify command comes from the workspace and would run its code; ' +
        'trust the workspace to let Switchyard run it.',
    };
  }
  const hash = approvalHash(req.command, req.root, req.details);
  let remembered = false;
  try {
    remembered = await req.approvals.has(hash);
  } catch {
    // An unreadable store errs towards asking again, never towards running unasked.
  }
  if (remembered) return { allowed: true, how: 'remembered' };
  let yes: boolean;
  try {
    yes = await req.askApproval(req.command, req.details);
  } catch (e) {
    return {
      allowed: false,
      status: 'skipped-not-approved',
      reason: `skipped: asking to approve the verify command failed (${(e as Error).message}); nothing was run.`,
    };
  }
  if (yes !== true) {
    return {
      allowed: false,
      status: 'skipped-not-approved',
      reason: `skipped: the verify command was not approved: ${req.command}. Approve it to have changes tested before they are applied.`,
    };
  }
  try {
    await req.approvals.add(hash);
  } catch (e) {
    // The user said yes to this run; only remembering it failed, so the next run asks again.
    return {
      allowed: true,
      how: 'approved-now',
      warning: `the approval could not be saved (${(e as Error).message}); you will be asked again next time.`,
    };
  }
  return { allowed: true, how: 'approved-now' };
}

/** What a person is told, besides the command itself, when asked to approve it. */
export function describeRun(details: ApprovalDetails | undefined): string {
  const how =
    details?.isolation === 'unsandboxed'
      ? 'It runs WITHOUT a sandbox (you allowed that on this machine): in a copy of the workspace, but it can read your files and reach the network.'
      : 'It runs in a sandbox, on each change the reviewer did not block: a copy of the workspace with its own git directory, no network, no access to your home folder, keys or the real workspace, and limits on processes, memory, disk and time.';
  const env = details?.passEnv.length
    ? ` The policy also passes these environment variables to it: ${details.passEnv.join(', ')}.`
    : '';
  return `${how}${env} Your answer is remembered for this exact command in this workspace.`;
}
