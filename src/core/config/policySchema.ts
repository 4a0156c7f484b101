// The routing policy: which models exist, which chain of models owns each stage, and the rules
// that keep a run honest (cross-vendor review, budgets, escalation, human gates, protected paths).
// This zod schema is the single source for the TypeScript types, the runtime check of
// `.switchyard/routing.json`, and the JSON Schema VS Code uses to complete and validate that file.
import { z } from 'zod';
import { globProblem } from './pathGlob';
import { RISKS, STAGES, TASK_KINDS } from './stages';

export const StageSchema = z.enum(STAGES);
export type Stage = z.infer<typeof StageSchema>;

export const RiskSchema = z.enum(RISKS);
export type Risk = z.infer<typeof RiskSchema>;

export const TaskKindSchema = z.enum(TASK_KINDS);
export type TaskKind = z.infer<typeof TaskKindSchema>;

export const ProviderKindSchema = z
  .enum(['openai', 'anthropic', 'openai-compatible', 'vscode-lm', 'claude-agent', 'codex-agent'])
  .describe(
    'Which client talks to this model: the official openai or @anthropic-ai/sdk SDK, any OpenAI-compatible server (Ollama, LM Studio, vLLM, OpenRouter, LiteLLM), VS Code language models, or a coding agent that edits files itself in a scratch copy (claude-agent: Claude Code through the Claude Agent SDK; codex-agent: Codex through the Codex SDK), for the implementer only.',
  );

/** Providers that are coding agents: they edit files themselves (in a scratch copy), so only the implementer may be one. */
export const AGENT_PROVIDERS = ['claude-agent', 'codex-agent'] as const;
export type AgentProvider = (typeof AGENT_PROVIDERS)[number];
export function isAgentProvider(provider: string): provider is AgentProvider {
  return (AGENT_PROVIDERS as readonly string[]).includes(provider);
}

export const AgentLimitsSchema = z
  .object({
    maxTurns: z.number().int().min(1).max(200).default(30).describe('Model requests the agent may make in one pass.'),
    timeoutSeconds: z
      .number()
      .positive()
      .max(3600)
      .default(600)
      .describe('Wall time for one pass; then the agent and its processes are stopped.'),
    maxBudgetUsd: z
      .number()
      .positive()
      .optional()
      .describe('US dollars one pass may cost (priced per model request); the run budget applies too.'),
  })
  .strict();
export type AgentLimits = z.infer<typeof AgentLimitsSchema>;

export const CapabilitySchema = z.enum(['tools', 'structured-output', 'reasoning', 'long-context', 'vision']);

// ── data residency ──────────────────────────────────────────────────────────────────────────
// Free-form lower-case codes: the policy compares them, it does not interpret them.
export const RegionSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]*$/, 'a lower-case code such as "us", "eu", "cn" or "local"');
export const RetentionSchema = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'a lower-case code such as "none" or "30d"');
const VendorNameSchema = z.string().regex(/^[a-z0-9-]+$/, 'a lower-case vendor name such as "openai"');

export const VendorFactsSchema = z
  .object({
    region: RegionSchema.optional().describe('Where this vendor processes data, for its models that declare none.'),
    retention: RetentionSchema.optional().describe(
      'How long this vendor keeps prompts, for its models that declare none.',
    ),
  })
  .strict();

const regionList = (what: string) => z.array(RegionSchema).min(1).optional().describe(what);

/** Which models may see which work. A rule applies to a request when its stages (if any) include the
 * request's stage and its paths (if any) match a file the request carries; it then rejects every
 * model its constraints do not allow. Rules only narrow: none can widen what another forbids. */
export const ResidencyRuleSchema = z
  .object({
    paths: z
      .array(
        z
          .string()
          .min(1)
          .regex(/^(?![\\/]|[A-Za-z]:|\.\.(?:\/|$))/, 'a glob relative to the workspace root, e.g. "src/payments/**"')
          .superRefine((p, ctx) => {
            const problem = globProblem(p);
            if (problem) ctx.addIssue({ code: 'custom', message: problem });
          }),
      )
      .min(1)
      .optional()
      .describe(
        'Globs on workspace-relative paths ("src/payments/**"); the rule applies to work that carries a matching file.',
      ),
    stages: z.array(StageSchema).min(1).optional().describe('The stages the rule applies to (all when left out).'),
    allowRegions: regionList(
      'Only models processing data in these regions; a model with no declared region is not allowed.',
    ),
    denyRegions: regionList(
      'No model processing data in these regions; a model with no declared region is not allowed.',
    ),
    allowVendors: z.array(VendorNameSchema).min(1).optional().describe('Only models of these vendors.'),
    denyVendors: z.array(VendorNameSchema).min(1).optional().describe('No model of these vendors.'),
    requireRetention: z
      .array(RetentionSchema)
      .min(1)
      .optional()
      .describe('Only models whose declared retention is one of these (e.g. ["none"]).'),
    origin: z
      .object({ source: z.string(), index: z.number().int().nonnegative() })
      .strict()
      .optional()
      .describe(
        'Set by Switchyard when it merges the policy layers (which file, which index); a value in a file is ignored.',
      ),
  })
  .strict()
  .refine(
    (r) => r.allowRegions || r.denyRegions || r.allowVendors || r.denyVendors || r.requireRetention,
    'a residency rule needs at least one of allowRegions, denyRegions, allowVendors, denyVendors, requireRetention',
  );
export type ResidencyRule = z.infer<typeof ResidencyRuleSchema>;

export const ModelSpecSchema = z
  .object({
    id: z
      .string()
      .regex(/^[A-Za-z0-9._:\/-]+$/)
      .describe('Name used for this model in stage chains, e.g. "sonnet".'),
    provider: ProviderKindSchema,
    model: z.string().min(1).describe('Model name sent to the provider, e.g. "gpt-5" or "claude-sonnet-4-6".'),
    vendor: z
      .string()
      .min(1)
      .regex(/^[a-z0-9-]+$/)
      .describe(
        'Who trains the model (openai, anthropic, google, meta, …). A gateway serving a Claude model is vendor "anthropic".',
      ),
    baseUrl: z.string().url().optional().describe('API base URL for OpenAI-compatible servers and gateways.'),
    apiKeyEnv: z
      .string()
      .regex(/^[A-Z_][A-Z0-9_]*$/)
      .optional()
      .describe('Environment variable holding the key for the CLI. The extension keeps keys in SecretStorage.'),
    price: z
      .object({
        inputPerMTok: z.number().nonnegative(),
        outputPerMTok: z.number().nonnegative(),
      })
      .strict()
      .optional()
      .describe('US dollars per million tokens; overrides the built-in price table.'),
    capabilities: z.array(CapabilitySchema).default([]),
    tier: z.enum(['cheap', 'standard', 'strong']).default('standard').describe('Escalation moves to a stronger tier.'),
    maxOutputTokens: z.number().int().positive().optional(),
    timeouts: z
      .object({
        firstTokenSeconds: z.number().positive().optional(),
        idleSeconds: z.number().positive().optional(),
        totalSeconds: z.number().positive().optional(),
      })
      .strict()
      .optional()
      .describe(
        "This model's own timeouts, over rules.timeouts: for a slow local model, or one that thinks for minutes before its first token.",
      ),
    region: RegionSchema.optional().describe(
      'Where this model processes data ("us", "eu", "cn", "local", …), as your contract says; over vendors.<vendor>.region. rules.residency reads it.',
    ),
    retention: RetentionSchema.optional().describe(
      'Whether and how long the provider keeps prompts ("none", "30d", …), as your contract says; over vendors.<vendor>.retention.',
    ),
    agent: AgentLimitsSchema.optional().describe(
      'Limits for a coding agent (provider claude-agent or codex-agent): turns, time and dollars per pass.',
    ),
  })
  .strict();
export type ModelSpec = z.infer<typeof ModelSpecSchema>;

const chain = z.array(z.string().min(1)).describe('Model ids, first choice first; later ones are fallbacks.');

export const StageChainsSchema = z
  .object({
    scout: chain.default([]),
    architect: chain.default([]),
    implementer: chain.default([]),
    critic: chain.default([]),
    finalOwner: chain.default([]),
  })
  .strict();

export const BudgetSchema = z
  .object({
    perTaskUsd: z.number().positive().optional().describe('Stop before a call would take the task over this.'),
    perStageUsd: z.partialRecord(StageSchema, z.number().positive()).optional(),
    perStageOutputTokens: z.partialRecord(StageSchema, z.number().int().positive()).optional(),
  })
  .strict();

export const EscalationSchema = z
  .object({
    onRisk: z.array(RiskSchema).default(['high']).describe('Risks that bring in the final owner.'),
    onProtectedPaths: z.boolean().default(true),
    maxDiffLines: z.number().int().positive().default(400).describe('A larger diff escalates.'),
    onDisagreement: z.boolean().default(true).describe('Escalate when review rounds run out without approval.'),
  })
  .strict();

export const HumanGateSchema = z
  .object({
    onRisk: z.array(RiskSchema).default(['high']),
    onProtectedPaths: z
      .boolean()
      .default(true)
      .describe('Always true in effect: protected paths never apply unattended.'),
    onBlock: z.boolean().default(true),
  })
  .strict();

export const DEFAULT_PROTECTED_PATHS = [
  '.git/**',
  '.vscode/**',
  '.env',
  '.env.*',
  '**/.env',
  '**/.env.*',
  '.github/workflows/**',
  '.gitlab-ci.yml',
  '.switchyard/routing.json',
];

export const TimeoutsSchema = z
  .object({
    firstTokenSeconds: z.number().positive().default(30),
    idleSeconds: z.number().positive().default(30),
    totalSeconds: z.number().positive().default(600),
  })
  .strict();

export const RetrySchema = z
  .object({
    maxAttempts: z.number().int().min(1).max(10).default(3).describe('Attempts per model before falling back.'),
    baseDelayMs: z.number().int().nonnegative().default(500),
    maxDelayMs: z.number().int().positive().default(20_000),
  })
  .strict();

export const ToolLimitsSchema = z
  .object({
    steps: z.number().int().min(0).max(50).describe('Tool calls the role may make in one pass (0: none).'),
    inputTokens: z
      .number()
      .int()
      .positive()
      .describe('Input tokens the role may spend across its tool loop; then it must answer with what it has.'),
    usd: z.number().positive().optional().describe('US dollars the role may spend across its tool loop.'),
  })
  .strict();

const toolLimits = (steps: number, inputTokens: number, usd: number) =>
  ToolLimitsSchema.default({ steps, inputTokens, usd });

export const ToolsSchema = z
  .object({
    enabled: z
      .boolean()
      .default(true)
      .describe(
        'Let the scout, the architect and (for reading) the implementer explore the workspace with read-only tools: search, read_file, list_dir, find_symbol, repo_map.',
      ),
    scout: toolLimits(12, 120_000, 0.3),
    architect: toolLimits(8, 120_000, 0.5),
    implementer: toolLimits(6, 80_000, 0.3),
    maxResultChars: z
      .number()
      .int()
      .min(1000)
      .max(100_000)
      .default(12_000)
      .describe('Longest tool result a model is shown; longer ones are cut with a note.'),
  })
  .strict();
export type ToolsPolicy = z.infer<typeof ToolsSchema>;

export const RulesSchema = z
  .object({
    reviewerVendorMustDiffer: z.boolean().default(true),
    maxReviewRounds: z.number().int().min(0).max(10).default(2),
    budgets: BudgetSchema.default({}),
    escalation: EscalationSchema.default(EscalationSchema.parse({})),
    humanGate: HumanGateSchema.default(HumanGateSchema.parse({})),
    protectedPaths: z.array(z.string()).default(DEFAULT_PROTECTED_PATHS),
    timeouts: TimeoutsSchema.default(TimeoutsSchema.parse({})),
    retry: RetrySchema.default(RetrySchema.parse({})),
    tools: ToolsSchema.default(ToolsSchema.parse({})),
    residency: z
      .array(ResidencyRuleSchema)
      .default([])
      .describe(
        'Data residency: which models may see which work, per stage and per path. Rules from your settings and from the workspace file all apply.',
      ),
  })
  .strict();

export const VerifySchema = z
  .object({
    command: z
      .string()
      .min(1)
      .describe('Runs in a sandboxed copy of the workspace, after the critic; asked for approval once.'),
    timeoutSeconds: z.number().positive().default(300),
    env: z
      .array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name'))
      .max(64)
      .optional()
      .describe(
        'Environment variables to pass to the command besides PATH, locale and TERM (shown when you approve it; credentials are never passed).',
      ),
  })
  .strict();

/** The policy's structure alone: what each layer (settings, workspace file) is checked against. */
export const RoutingPolicyShape = z
  .object({
    $schema: z.string().optional(),
    version: z.literal(1).default(1),
    models: z.array(ModelSpecSchema).default([]),
    vendors: z
      .record(VendorNameSchema, VendorFactsSchema)
      .default({})
      .describe('Facts per vendor (where it processes data, whether it keeps prompts), for models that state none.'),
    stages: StageChainsSchema.default(StageChainsSchema.parse({})),
    rules: RulesSchema.default(RulesSchema.parse({})),
    classifier: z
      .object({
        model: z
          .string()
          .optional()
          .describe('A cheap model that also classifies; the local result stays the fallback.'),
      })
      .strict()
      .default({}),
    verify: VerifySchema.optional(),
  })
  .strict();

/** The whole, merged policy: structure plus the references between its parts. */
export const RoutingPolicySchema = RoutingPolicyShape.superRefine((policy, ctx) => {
  const ids = new Set<string>();
  policy.models.forEach((m, i) => {
    if (ids.has(m.id))
      ctx.addIssue({ code: 'custom', path: ['models', i, 'id'], message: `duplicate model id "${m.id}"` });
    ids.add(m.id);
    if (m.provider === 'openai-compatible' && !m.baseUrl) {
      ctx.addIssue({
        code: 'custom',
        path: ['models', i, 'baseUrl'],
        message: 'openai-compatible models need a baseUrl',
      });
    }
  });
  const agents = new Map(policy.models.filter((m) => isAgentProvider(m.provider)).map((m) => [m.id, m.provider]));
  for (const stage of STAGES) {
    policy.stages[stage].forEach((id, i) => {
      if (!ids.has(id)) {
        ctx.addIssue({
          code: 'custom',
          path: ['stages', stage, i],
          message: `unknown model "${id}"; known: ${[...ids].join(', ') || 'none'}`,
        });
      } else if (stage !== 'implementer' && agents.has(id)) {
        ctx.addIssue({
          code: 'custom',
          path: ['stages', stage, i],
          message: `"${id}" is a coding agent (${agents.get(id)}), which edits files; only stages.implementer may name one (the ${stage} must not edit)`,
        });
      }
    });
  }
  if (policy.classifier.model && !ids.has(policy.classifier.model)) {
    ctx.addIssue({
      code: 'custom',
      path: ['classifier', 'model'],
      message: `unknown model "${policy.classifier.model}"`,
    });
  } else if (policy.classifier.model && agents.has(policy.classifier.model)) {
    ctx.addIssue({
      code: 'custom',
      path: ['classifier', 'model'],
      message: `"${policy.classifier.model}" is a coding agent; the classifier must be a chat model`,
    });
  }
});

export type RoutingPolicy = z.infer<typeof RoutingPolicySchema>;
/** What a user writes: every field with a default may be left out. */
export type RoutingPolicyInput = z.input<typeof RoutingPolicySchema>;
