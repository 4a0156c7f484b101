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

/** Shows the user the exact command and resolves true only on an explicit yes. */
export type AskApproval = (command: string) => Promise<boolean>;

/** The remembered key: sha256 over the workspace root and the command, exactly as written. */
export function approvalHash(command: string, root: string): string {
  return createHash('sha256')
    .update(JSON.stringify({ v: 1, root: path.resolve(root), command }))
    .digest('hex');
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
  const hash = approvalHash(req.command, req.root);
  let remembered = false;
  try {
    remembered = await req.approvals.has(hash);
  } catch {
    // An unreadable store errs towards asking again, never towards running unasked.
  }
  if (remembered) return { allowed: true, how: 'remembered' };
  let yes: boolean;
  try {
    yes = await req.askApproval(req.command);
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
