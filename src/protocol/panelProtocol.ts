// The one message map between the routing panel's host (src/vscode/panel) and its app (webview/).
// Both ends validate every message with these zod schemas and drop anything unknown or malformed,
// so neither side can be driven by a message shape the other did not declare.
// Shape: host → webview notifications; webview → host notifications (`ready`) and requests that
// the host answers with a response carrying the same id.
// Namespace import: `import { z }` defeats tree-shaking and pulls all of zod (~450 KB) into the webview bundle.
import * as z from 'zod';
import { STAGES } from '../core/config/stages';

/** The stages in run order, and the role names (the webview may import only src/protocol). */
export { ROLE_LABELS } from '../core/config/stages';
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
  ready: z.object({}),
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
  /** A link in a rendered answer: the host opens it (http, https or mailto only, VS Code asks first). */
  'link/open': [z.object({ href: z.string().max(2000) }), z.object({ opened: z.boolean() })],
} as const;

export type HostNotificationName = keyof typeof HostNotifications;
export type HostNotificationParams<K extends HostNotificationName> = z.infer<(typeof HostNotifications)[K]>;
export type WebviewNotificationName = keyof typeof WebviewNotifications;
export type WebviewRequestName = keyof typeof WebviewRequests;
export type RequestParams<K extends WebviewRequestName> = z.infer<(typeof WebviewRequests)[K][0]>;
export type RequestResult<K extends WebviewRequestName> = z.infer<(typeof WebviewRequests)[K][1]>;

/** Envelopes on the wire. */
export type HostToWebview =
  | { kind: 'notify'; method: HostNotificationName; params: unknown }
  | { kind: 'response'; id: number; ok: true; result: unknown }
  | { kind: 'response'; id: number; ok: false; error: string };
export type WebviewToHost =
  | { kind: 'notify'; method: WebviewNotificationName; params: unknown }
  | { kind: 'request'; id: number; method: WebviewRequestName; params: unknown };

const EnvelopeSchema = z.union([
  z.object({ kind: z.literal('notify'), method: z.string().max(100), params: z.unknown() }),
  z.object({
    kind: z.literal('request'),
    id: z.number().int().nonnegative(),
    method: z.string().max(100),
    params: z.unknown(),
  }),
  z.object({
    kind: z.literal('response'),
    id: z.number().int().nonnegative(),
    ok: z.literal(true),
    result: z.unknown(),
  }),
  z.object({
    kind: z.literal('response'),
    id: z.number().int().nonnegative(),
    ok: z.literal(false),
    error: z.string().max(20_000),
  }),
]);

function has<T extends object>(map: T, key: string): key is Extract<keyof T, string> {
  return Object.prototype.hasOwnProperty.call(map, key);
}

/** A message the host accepted from the webview, with params already validated. */
export type ParsedWebviewMessage =
  | { kind: 'notify'; method: WebviewNotificationName; params: Record<string, never> }
  | {
      [K in WebviewRequestName]: { kind: 'request'; id: number; method: K; params: RequestParams<K> };
    }[WebviewRequestName];

/** Host side: returns undefined for anything the map does not declare or whose params do not validate. */
export function parseWebviewMessage(raw: unknown): ParsedWebviewMessage | undefined {
  const env = EnvelopeSchema.safeParse(raw);
  if (!env.success) return undefined;
  const m = env.data;
  if (m.kind === 'notify') {
    if (!has(WebviewNotifications, m.method)) return undefined;
    const p = WebviewNotifications[m.method].safeParse(m.params ?? {});
    return p.success ? ({ kind: 'notify', method: m.method, params: p.data } as ParsedWebviewMessage) : undefined;
  }
  if (m.kind === 'request') {
    if (!has(WebviewRequests, m.method)) return undefined;
    const p = WebviewRequests[m.method][0].safeParse(m.params ?? {});
    return p.success
      ? ({ kind: 'request', id: m.id, method: m.method, params: p.data } as ParsedWebviewMessage)
      : undefined;
  }
  return undefined;
}

/** A message the webview accepted from the host. */
export type ParsedHostMessage =
  | {
      [K in HostNotificationName]: { kind: 'notify'; method: K; params: HostNotificationParams<K> };
    }[HostNotificationName]
  | { kind: 'response'; id: number; ok: true; result: unknown }
  | { kind: 'response'; id: number; ok: false; error: string };

/** Webview side. Responses are returned unvalidated here; `validateResult` checks them against the
 * request they answer, which only the caller knows. */
export function parseHostMessage(raw: unknown): ParsedHostMessage | undefined {
  const env = EnvelopeSchema.safeParse(raw);
  if (!env.success) return undefined;
  const m = env.data;
  if (m.kind === 'notify') {
    if (!has(HostNotifications, m.method)) return undefined;
    const p = HostNotifications[m.method].safeParse(m.params);
    return p.success ? ({ kind: 'notify', method: m.method, params: p.data } as ParsedHostMessage) : undefined;
  }
  if (m.kind === 'response') return m;
  return undefined;
}

export function validateResult<K extends WebviewRequestName>(method: K, result: unknown): RequestResult<K> | undefined {
  const p = WebviewRequests[method][1].safeParse(result);
  return p.success ? (p.data as RequestResult<K>) : undefined;
}

/** Builders, so senders cannot put a method and params together that the map does not pair. */
export function hostNotify<K extends HostNotificationName>(
  method: K,
  params: z.input<(typeof HostNotifications)[K]>,
): HostToWebview {
  return { kind: 'notify', method, params };
}
export function webviewRequest<K extends WebviewRequestName>(
  id: number,
  method: K,
  params: RequestParams<K>,
): WebviewToHost {
  return { kind: 'request', id, method, params };
}
export function webviewNotify<K extends WebviewNotificationName>(
  method: K,
  params: z.input<(typeof WebviewNotifications)[K]>,
): WebviewToHost {
  return { kind: 'notify', method, params };
}
