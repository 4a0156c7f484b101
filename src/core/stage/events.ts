// PipelineEvent: the one typed stream a run emits. The sidebar, the routing panel, the CLI and the
// ledger are all just listeners of it. Stage events carry a full StageSnapshot (not a delta of
// fields) so a listener that joins late can render a row from any single event; streaming text is
// the only delta. zod schemas so the extension can validate them across the webview boundary.
import { z } from 'zod';
import { StageSchema } from '../config/policySchema';
import { RejectedAlternativeSchema, RoutingDecisionSchema } from '../routing/decisionSchema';
import { ReviewSchema } from '../review/reviewSchema';
import { AnswerSchema, DiffArtifactSchema, FindingsSchema, PlanSchema } from '../sessions/artifacts';

export const StageStateSchema = z.enum(['pending', 'running', 'done', 'failed', 'skipped', 'cancelled']);
export type StageState = z.infer<typeof StageStateSchema>;

/** Everything a UI row shows about one stage, at one moment. */
export const StageSnapshotSchema = z.object({
  stage: StageSchema,
  role: z.string(),
  /** 1-based review round this pass belongs to (implementer and critic repeat across rounds). */
  round: z.number().int().positive(),
  modelId: z.string(),
  vendor: z.string(),
  state: StageStateSchema,
  tokensIn: z.number().int().nonnegative(),
  tokensOut: z.number().int().nonnegative(),
  costUsd: z.number().nonnegative(),
  elapsedMs: z.number().nonnegative(),
  /** Why this model owns the stage (from the decision, updated when a fallback takes over). */
  why: z.string(),
  rejected: z.array(RejectedAlternativeSchema),
});
export type StageSnapshot = z.infer<typeof StageSnapshotSchema>;

export const OutcomeSchema = z.enum(['applied', 'rejected', 'cancelled', 'failed', 'answered', 'reviewed']);
export type Outcome = z.infer<typeof OutcomeSchema>;

export const ErrorInfoSchema = z.object({
  /** A ProviderErrorKind, or a pipeline kind: 'edit-resolve', 'budget', 'no-model', 'apply', 'internal'. */
  kind: z.string(),
  message: z.string(),
  modelId: z.string().optional(),
});
export type ErrorInfo = z.infer<typeof ErrorInfoSchema>;

export const ArtifactSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('findings'), value: FindingsSchema }),
  z.object({ kind: z.literal('plan'), value: PlanSchema }),
  z.object({ kind: z.literal('diff'), value: DiffArtifactSchema }),
  z.object({ kind: z.literal('answer'), value: AnswerSchema }),
]);
export type Artifact = z.infer<typeof ArtifactSchema>;

const base = { runId: z.string(), at: z.number() };

export const PipelineEventSchema = z.discriminatedUnion('type', [
  z.object({ ...base, type: z.literal('decision-made'), decision: RoutingDecisionSchema }),
  z.object({ ...base, type: z.literal('stage-started'), snapshot: StageSnapshotSchema }),
  z.object({ ...base, type: z.literal('stage-delta'), stage: StageSchema, round: z.number().int(), text: z.string() }),
  z.object({ ...base, type: z.literal('stage-finished'), snapshot: StageSnapshotSchema }),
  z.object({ ...base, type: z.literal('stage-failed'), snapshot: StageSnapshotSchema, error: ErrorInfoSchema }),
  z.object({ ...base, type: z.literal('stage-skipped'), stage: StageSchema, reason: z.string() }),
  z.object({
    ...base,
    type: z.literal('fallback-taken'),
    stage: StageSchema,
    fromModelId: z.string(),
    toModelId: z.string(),
    toVendor: z.string(),
    error: ErrorInfoSchema,
    /** The failed model had streamed part of a reply: listeners drop this stage's streamed text so far. */
    discardPartial: z.boolean().default(false),
  }),
  /** What a role was sent, for "what did this role see" (see sessions/contextBoundary.ts). */
  z.object({
    ...base,
    type: z.literal('context-sent'),
    stage: StageSchema,
    round: z.number().int(),
    modelId: z.string(),
    artifacts: z.array(z.string()),
    chars: z.number().int(),
    /** Exactly what was sent (system prompt and messages), for the live "what this role saw" view. */
    sent: z
      .object({
        system: z.string(),
        messages: z.array(z.object({ role: z.enum(['user', 'assistant']), content: z.string() })),
      })
      .optional(),
  }),
  /** A role called a read-only tool (search, read_file, list_dir, find_symbol, repo_map). */
  z.object({
    ...base,
    type: z.literal('tool-called'),
    stage: StageSchema,
    round: z.number().int(),
    callId: z.string(),
    tool: z.string(),
    /** The arguments as the model wrote them (JSON, capped). */
    args: z.string(),
  }),
  /** The tool's result went back to the role (as fenced data); `paths` are files whose contents it showed. */
  z.object({
    ...base,
    type: z.literal('tool-result'),
    stage: StageSchema,
    round: z.number().int(),
    callId: z.string(),
    tool: z.string(),
    ok: z.boolean(),
    summary: z.string(),
    chars: z.number().int().nonnegative(),
    paths: z.array(z.string()),
  }),
  /**
   * One model call ended (a stage pass may make several: a JSON retry, an edit retry, a fallback).
   * Facts about the call only, for telemetry and cost views; what was sent is on `context-sent`
   * (just before), the streamed text on `stage-delta`. Emitted for failed calls too, before any
   * `fallback-taken` they cause.
   */
  z.object({
    ...base,
    type: z.literal('model-call-finished'),
    stage: StageSchema,
    round: z.number().int(),
    modelId: z.string(),
    vendor: z.string(),
    /** The ModelSpec's provider: openai | anthropic | openai-compatible | vscode-lm. */
    provider: z.string(),
    /** The model name sent on the wire (ModelSpec.model). */
    requestModel: z.string(),
    /** What the server said answered, and its id for the reply, when it said. */
    responseModel: z.string().optional(),
    responseId: z.string().optional(),
    /** Host and port of the policy's base URL for the model, when the policy names one (no path, no credentials). */
    serverAddress: z.string().optional(),
    serverPort: z.number().int().optional(),
    /** ctx.now() when the request was sent; durationMs measured with a monotonic clock. */
    startedAt: z.number(),
    durationMs: z.number().nonnegative(),
    /** From sending to the first streamed text or tool call; absent when none came. */
    timeToFirstChunkMs: z.number().nonnegative().optional(),
    maxOutputTokens: z.number().int().nonnegative(),
    inputTokens: z.number().int().nonnegative(),
    outputTokens: z.number().int().nonnegative(),
    cachedInputTokens: z.number().int().nonnegative().optional(),
    /** The server reported no usage, so the tokens (and the cost) are estimates. */
    usageEstimated: z.boolean(),
    costUsd: z.number().nonnegative(),
    /** Normalised stop reason of a finished call. */
    stopReason: z.string().optional(),
    /** Attempts on this model, retries included. */
    attempts: z.number().int().positive(),
    /** The model answered through the forced answer tool: its arguments (JSON text), the reply itself. */
    toolArguments: z.string().optional(),
    /** How the call ended: ok, failed (the error says why; a fallback may follow), cancelled. */
    status: z.enum(['ok', 'failed', 'cancelled']),
    error: ErrorInfoSchema.optional(),
  }),
  z.object({
    ...base,
    type: z.literal('artifact-ready'),
    stage: StageSchema,
    round: z.number().int(),
    artifact: ArtifactSchema,
  }),
  /** The policy's verify command ran (or did not) on this round's diff in a scratch copy. */
  z.object({
    ...base,
    type: z.literal('verified'),
    round: z.number().int(),
    /** A VerifyOutcome status: ran, skipped-untrusted, skipped-not-approved, failed-to-prepare, cancelled. */
    status: z.string(),
    /** Only when it ran. */
    passed: z.boolean().optional(),
    summary: z.string(),
  }),
  z.object({
    ...base,
    type: z.literal('review-ready'),
    /** critic for the cross-vendor review; finalOwner for the escalated second opinion. */
    stage: z.enum(['critic', 'finalOwner']).default('critic'),
    round: z.number().int(),
    reviewerModelId: z.string(),
    reviewerVendor: z.string(),
    implementerVendor: z.string(),
    review: ReviewSchema,
  }),
  z.object({
    ...base,
    type: z.literal('escalated'),
    to: z.enum(['stronger-model', 'human']),
    reasons: z.array(z.string()),
  }),
  z.object({ ...base, type: z.literal('gate-waiting'), gateId: z.string(), reasons: z.array(z.string()) }),
  z.object({
    ...base,
    type: z.literal('gate-resolved'),
    gateId: z.string(),
    approved: z.boolean(),
    /** The person sent the change back to the implementer (approved is false; the run goes on). */
    sentBack: z.boolean().optional(),
  }),
  z.object({
    ...base,
    type: z.literal('applied'),
    files: z.array(z.string()),
    /** The diff written, when a person changed the reviewed one at the gate (accepted suggestions). */
    diff: z.string().optional(),
  }),
  z.object({ ...base, type: z.literal('rejected'), reason: z.string() }),
  z.object({ ...base, type: z.literal('cancelled'), stage: StageSchema.optional(), reason: z.string() }),
  z.object({
    ...base,
    type: z.literal('run-finished'),
    outcome: OutcomeSchema,
    message: z.string(),
    totals: z.object({ tokensIn: z.number(), tokensOut: z.number(), costUsd: z.number(), elapsedMs: z.number() }),
    error: ErrorInfoSchema.optional(),
  }),
]);
export type PipelineEvent = z.infer<typeof PipelineEventSchema>;
export type PipelineEventType = PipelineEvent['type'];
/** The event of one type, for listeners that handle a single kind. */
export type PipelineEventOf<T extends PipelineEventType> = Extract<PipelineEvent, { type: T }>;

export type PipelineListener = (event: PipelineEvent) => void;
