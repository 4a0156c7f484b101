// The routing review's messages (host: src/vscode/scorecard/routingReviewPanel.ts, app:
// webview/routingReview/), on the wire every view shares (channel.ts). The host sends the review's
// report and, once the person accepted, what was applied; the app draws both sides, the items and
// the suggestion, and asks the host to accept it (the host shows the diff and asks before writing).
// Namespace import: `import { z }` defeats tree-shaking and pulls all of zod into the webview bundle.
import * as z from 'zod';
import { WORKSPACE_POLICY_PATH } from '../core/config/settingsKeys';
import { STAGES } from '../core/config/stages';
import { defineProtocol, ReadySchema } from './channel';

const text = z.string().max(20_000);
const id = z.string().max(200);
const count = z.number().int().nonnegative();
const amount = z.number().nonnegative();
const rate = z.number().min(0).max(1).nullable();

/** One side's figures (core/bench/armSummary.ts). */
export const ArmViewSchema = z.object({
  label: id,
  headModelId: id.optional(),
  items: count,
  approved: count,
  approvalRate: rate,
  verified: count,
  verifyPassed: count,
  verifyPassRate: rate,
  findings: z.object({ critical: count, major: count, minor: count, info: count }),
  tokensIn: count,
  tokensOut: count,
  costUsd: amount,
  elapsedMs: amount,
  failed: count,
  trustedChanges: count,
  costPerTrustedChange: amount.nullable(),
  headUsed: count,
});
export type ArmView = z.infer<typeof ArmViewSchema>;

const ItemSideSchema = z.object({
  outcome: z.string().max(50),
  finalVerdict: z.string().max(50),
  verified: z.boolean().optional(),
  costUsd: amount,
  elapsedMs: amount,
  stageModel: id.optional(),
  message: text,
});
export type ItemSideView = z.infer<typeof ItemSideSchema>;

export const RoutingReviewViewSchema = z.object({
  stage: z.enum(STAGES),
  candidate: id,
  current: ArmViewSchema,
  candidateSide: ArmViewSchema,
  items: z
    .array(
      z.object({
        itemId: id,
        task: text,
        drift: z.array(z.string().max(2000)).max(1000),
        base: z.enum(['restored', 'as-is']),
        current: ItemSideSchema,
        candidate: ItemSideSchema,
      }),
    )
    .max(1000),
  suggestion: z.object({
    stage: z.enum(STAGES),
    candidate: id,
    recommend: z.boolean(),
    fromChain: z.array(id).max(50),
    toChain: z.array(id).max(50),
    reasons: z.array(text).max(50),
  }),
  cleanupProblems: z.array(text).max(100),
  cancelled: z.boolean(),
});
export type RoutingReviewView = z.infer<typeof RoutingReviewViewSchema>;

export const routingReviewProtocol = defineProtocol({
  host: {
    /** The report, and what was applied once the person accepted the suggestion. */
    'review/state': z.object({ report: RoutingReviewViewSchema, accepted: text.optional() }),
  },
  webview: { ready: ReadySchema },
  requests: {
    /** Shows the change to .switchyard/routing.json as a diff, asks, applies; `message` says what happened. */
    'suggestion/accept': [z.object({}), z.object({ applied: z.boolean(), message: text })],
  },
});
export type RoutingReviewMaps = typeof routingReviewProtocol.maps;

/**
 * The host's answer to 'suggestion/accept': what was applied, or, when nothing was (the person
 * declined or closed the confirmation, or a problem the host already said in a notification), that
 * the file is unchanged, so the view never goes quiet after the button was pressed.
 */
export function acceptReply(applied: string | undefined): { applied: boolean; message: string } {
  if (applied) return { applied: true, message: applied };
  return {
    applied: false,
    message: `Not applied: ${WORKSPACE_POLICY_PATH} is unchanged. Press Accept again to see the change and confirm it.`,
  };
}
