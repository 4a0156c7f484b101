// The message map between the routing panel's host (src/vscode/panel) and its app (webview/panel),
// on the wire every view shares (channel.ts): both ends validate every message with these schemas.
// Namespace import: `import { z }` defeats tree-shaking and pulls all of zod (~450 KB) into the webview bundle.
import * as z from 'zod';
import {
  defineProtocol,
  ReadySchema,
  type HostEnvelope,
  type HostName,
  type HostParams,
  type NotifyName,
  type ParamsOf,
  type ParsedHost,
  type ParsedWebview,
  type RequestName,
  type ResultOf,
  type WebviewEnvelope,
} from './channel';
import { STAGES } from '../core/config/stages';

/** The stages in run order, and the role names (the webview may import only src/protocol). */
export { ROLE_LABELS } from '../core/config/stages';
/** The rule a call carries when the person set it ("Route again as…"). */
export { SET_BY_YOU } from '../core/routing/personCalls';
export const PANEL_STAGES = STAGES;
export const PanelStageSchema = z.enum(PANEL_STAGES);
export type PanelStage = z.infer<typeof PanelStageSchema>;

export const StageStateSchema = z.enum(['waiting', 'running', 'done', 'failed', 'skipped', 'cancelled']);
export type StageState = z.infer<typeof StageStateSchema>;

const text = z.string().max(20_000);
/** Tool calls a stage card keeps (the policy caps a stage's calls far below this). */
export const MAX_TOOL_VIEWS = 200;
const cost = z.number().nonnegative();
const count = z.number().int().nonnegative();

export const SignalViewSchema = z.object({ id: z.string().max(200), detail: text.optional() });

/** One classifier call as the panel shows it: how sure, which way an unsure call leaned, and why. */
export const CallViewSchema = z.object({
  label: z.string().max(50),
  confidence: z.number().min(0).max(1),
  uncertain: z.boolean(),
  runnerUp: z.object({ label: z.string().max(50), p: z.number().min(0).max(1) }).optional(),
  /** The features that weighed most, as people read them ("‘charged twice’", "a traceback"). */
  features: z.array(z.string().max(500)).max(12),
  /** Set when a rule made the call ("file in play: src/auth/login.ts"). */
  rule: z.string().max(500).optional(),
});
export type CallView = z.infer<typeof CallViewSchema>;

export const RejectedViewSchema = z.object({ modelId: z.string().max(200), reason: text });

/** One entry of the ContextBoundary log: what crossed into a role's session. */
export const SawItemViewSchema = z.object({
  kind: z.string().max(100),
  label: text,
  chars: count.optional(),
  /** The text itself (system prompt and messages), capped; filled in when the run ends. */
  text: text.optional(),
});
export type SawItemView = z.infer<typeof SawItemViewSchema>;

/** One read-only tool call a role made (search, read_file, …) and what came of it. */
export const ToolCallViewSchema = z.object({
  id: z.string().max(200),
  tool: z.string().max(100),
  /** The arguments as the model wrote them (JSON, capped). */
  args: z.string().max(600),
  state: z.enum(['running', 'done', 'failed']),
  summary: text.optional(),
  chars: count.optional(),
  /** Files whose contents the result showed. */
  paths: z.array(z.string().max(2000)).max(50).default([]),
  round: count.default(1),
});
export type ToolCallView = z.infer<typeof ToolCallViewSchema>;

export const StageViewSchema = z.object({
  stage: PanelStageSchema,
  state: StageStateSchema,
  modelId: z.string().max(200).optional(),
  vendor: z.string().max(100).optional(),
  why: text.optional(),
  rejected: z.array(RejectedViewSchema).max(100).default([]),
  round: count.default(1),
  inputTokens: count.default(0),
  outputTokens: count.default(0),
  costUsd: cost.default(0),
  estimatedCostUsd: cost.optional(),
  elapsedMs: count.optional(),
  error: text.optional(),
  saw: z.array(SawItemViewSchema).max(500).default([]),
  tools: z.array(ToolCallViewSchema).max(MAX_TOOL_VIEWS).default([]),
});
export type StageView = z.infer<typeof StageViewSchema>;

export const FindingViewSchema = z.object({
  id: z.string().max(200),
  file: z.string().max(2000),
  startLine: z.number().int().positive(),
  endLine: z.number().int().positive(),
  severity: z.string().max(50),
  message: text,
  suggestion: text.optional(),
  status: z.enum(['open', 'applied', 'dismissed', 'sent-back']).default('open'),
});
export type FindingView = z.infer<typeof FindingViewSchema>;

export const ReviewViewSchema = z.object({
  stage: z.enum(['critic', 'finalOwner']).default('critic'),
  verdict: z.string().max(50),
  reviewerModel: z.string().max(200),
  reviewerVendor: z.string().max(100).optional(),
  round: count.default(1),
  findings: z.array(FindingViewSchema).max(1000).default([]),
});
export type ReviewView = z.infer<typeof ReviewViewSchema>;

export const RunStateSchema = z.enum([
  'running',
  'awaiting-approval',
  'applied',
  'rejected',
  'done',
  'failed',
  'cancelled',
]);
export type RunState = z.infer<typeof RunStateSchema>;

export const RunViewSchema = z.object({
  runId: z.string().max(200),
  task: text,
  state: RunStateSchema,
  kind: z.string().max(50).optional(),
  risk: z.string().max(50).optional(),
  signals: z.array(SignalViewSchema).max(200).default([]),
  /** The local classifier's kind and risk calls; `refinedBy` names the model that refined the kind. */
  calls: z.object({ kind: CallViewSchema, risk: CallViewSchema, refinedBy: z.string().max(200).optional() }).optional(),
  gates: z.array(text).max(50).default([]),
  /** Why these stages run (from the decision). */
  reasons: z.array(text).max(50).default([]),
  /** The data-residency rules that shaped the run: one line each, then the models they kept out as files were read. */
  residency: z.array(text).max(100).default([]),
  estimatedCostUsd: cost.optional(),
  actualCostUsd: cost.default(0),
  stages: z.array(StageViewSchema).max(5),
  /**
   * The reviews of the change as it stands, at most one per reviewing stage (the critic's latest
   * round, then the final owner's): a second opinion never hides the first one's findings.
   */
  reviews: z.array(ReviewViewSchema).max(2).default([]),
  diffFiles: z.array(z.string().max(2000)).max(1000).default([]),
  /** The policy's verify command on the latest diff, when it has one. */
  verification: z
    .object({ status: z.string().max(100), passed: z.boolean().optional(), summary: text, round: count })
    .optional(),
  message: text.optional(),
  /** Things the host says about this run (e.g. it used the last good policy), each once. */
  notes: z.array(text).max(20).default([]),
  /** A question's answer (markdown, rendered safely by the panel: no HTML, links through the host). */
  answer: text.optional(),
});
export type RunView = z.infer<typeof RunViewSchema>;

export const OutputDeltaSchema = z.object({ stage: PanelStageSchema, text: z.string().max(1_000_000) });
export type OutputDelta = z.infer<typeof OutputDeltaSchema>;

/** Host → webview. `run/snapshot` is sent once after `ready` (and when a new run starts); afterwards
 * only `run/state` (structure, no output) and `stage/output` (batched deltas) follow. */
export const HostNotifications = {
  'run/snapshot': z.object({
    run: RunViewSchema.nullable(),
    outputs: z.partialRecord(PanelStageSchema, z.string()).default({}),
  }),
  'run/state': z.object({ run: RunViewSchema }),
  'stage/output': z.object({ runId: z.string().max(200), deltas: z.array(OutputDeltaSchema).min(1).max(5) }),
  'finding/focus': z.object({ findingId: z.string().max(200) }),
  /** A model failed mid-reply and a fallback took over: drop that stage's partial output. */
  'stage/clear': z.object({ runId: z.string().max(200), stage: PanelStageSchema }),
} as const;

/** Webview → host notifications. */
export const WebviewNotifications = {
  ready: ReadySchema,
} as const;

/** Webview → host requests: [params, result]. */
export const WebviewRequests = {
  'run/cancel': [z.object({}), z.object({ cancelled: z.boolean() })],
  'diff/open': [z.object({}), z.object({ opened: z.boolean() })],
  'finding/reveal': [z.object({ findingId: z.string().max(200) }), z.object({ revealed: z.boolean() })],
  'change/apply': [z.object({}), z.object({ applied: z.boolean(), message: text })],
  'change/reject': [z.object({}), z.object({ rejected: z.boolean() })],
  'change/sendBack': [z.object({}), z.object({ sent: z.boolean(), message: text })],
  'keys/set': [z.object({}), z.object({ stored: z.boolean() })],
  'stage/rerun': [z.object({ stage: PanelStageSchema }), z.object({ started: z.boolean() })],
  /** "Route again as…": the host asks the person for the kind and risk, then routes the task again. */
  'run/reroute': [z.object({}), z.object({ started: z.boolean() })],
  /** A link in a rendered answer: the host opens it (http, https or mailto only, VS Code asks first). */
  'link/open': [z.object({ href: z.string().max(2000) }), z.object({ opened: z.boolean() })],
} as const;

export const panelProtocol = defineProtocol({
  host: HostNotifications,
  webview: WebviewNotifications,
  requests: WebviewRequests,
});
export type PanelMaps = typeof panelProtocol.maps;

export type HostNotificationName = HostName<PanelMaps>;
export type HostNotificationParams<K extends HostNotificationName> = HostParams<PanelMaps, K>;
export type WebviewNotificationName = NotifyName<PanelMaps>;
export type WebviewRequestName = RequestName<PanelMaps>;
export type RequestParams<K extends WebviewRequestName> = ParamsOf<PanelMaps, K>;
export type RequestResult<K extends WebviewRequestName> = ResultOf<PanelMaps, K>;
export type HostToWebview = HostEnvelope<PanelMaps>;
export type WebviewToHost = WebviewEnvelope<PanelMaps>;
export type ParsedWebviewMessage = ParsedWebview<PanelMaps>;
export type ParsedHostMessage = ParsedHost<PanelMaps>;

export const { parseWebviewMessage, parseHostMessage, validateResult, hostNotify, webviewRequest, webviewNotify } =
  panelProtocol;
