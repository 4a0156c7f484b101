// The names Switchyard's telemetry uses: the OpenTelemetry GenAI semantic conventions (status
// "Development"; names as of semantic-conventions 1.45 / the semantic-conventions-genai registry)
// and Switchyard's own `switchyard.*` attributes. Kept here as plain strings, as OpenTelemetry
// advises for incubating names, so the run fold needs no OpenTelemetry package (a unit test checks
// them against @opentelemetry/semantic-conventions/incubating).

export const GenAi = {
  operationName: 'gen_ai.operation.name',
  providerName: 'gen_ai.provider.name',
  agentName: 'gen_ai.agent.name',
  workflowName: 'gen_ai.workflow.name',
  requestModel: 'gen_ai.request.model',
  requestMaxTokens: 'gen_ai.request.max_tokens',
  requestStream: 'gen_ai.request.stream',
  responseModel: 'gen_ai.response.model',
  responseId: 'gen_ai.response.id',
  responseFinishReasons: 'gen_ai.response.finish_reasons',
  responseTimeToFirstChunk: 'gen_ai.response.time_to_first_chunk',
  usageInputTokens: 'gen_ai.usage.input_tokens',
  usageOutputTokens: 'gen_ai.usage.output_tokens',
  usageCacheReadInputTokens: 'gen_ai.usage.cache_read.input_tokens',
  tokenType: 'gen_ai.token.type',
  outputType: 'gen_ai.output.type',
  systemInstructions: 'gen_ai.system_instructions',
  inputMessages: 'gen_ai.input.messages',
  outputMessages: 'gen_ai.output.messages',
} as const;

/** General conventions the GenAI spans reference. */
export const General = {
  errorType: 'error.type',
  serverAddress: 'server.address',
  serverPort: 'server.port',
} as const;

export const Operation = {
  chat: 'chat',
  invokeAgent: 'invoke_agent',
  invokeWorkflow: 'invoke_workflow',
} as const;

/** Low-cardinality workflow name for a routed run (the conventions require a static name). */
export const WORKFLOW_NAME = 'switchyard.route';

export const GenAiMetric = {
  tokenUsage: 'gen_ai.client.token.usage',
  operationDuration: 'gen_ai.client.operation.duration',
} as const;

/** Bucket boundaries the conventions specify for the two GenAI client histograms. */
export const TOKEN_BUCKETS = [
  1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864,
];
export const DURATION_BUCKETS = [
  0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92,
];

/** Switchyard's own attributes, on spans and metrics. */
export const Sy = {
  runId: 'switchyard.run.id',
  surface: 'switchyard.surface',
  kind: 'switchyard.task.kind',
  risk: 'switchyard.task.risk',
  signals: 'switchyard.task.signals',
  task: 'switchyard.task',
  stage: 'switchyard.stage',
  role: 'switchyard.role',
  round: 'switchyard.round',
  model: 'switchyard.model',
  vendor: 'switchyard.vendor',
  state: 'switchyard.state',
  verdict: 'switchyard.verdict',
  findings: 'switchyard.findings',
  findingsSerious: 'switchyard.findings.critical_major',
  fallbackTaken: 'switchyard.fallback_taken',
  applied: 'switchyard.applied',
  trusted: 'switchyard.trusted',
  outcome: 'switchyard.outcome',
  costUsd: 'switchyard.cost_usd',
  estimatedCostUsd: 'switchyard.estimated_cost_usd',
  usageEstimated: 'switchyard.usage_estimated',
  attempts: 'switchyard.attempts',
  filesChanged: 'switchyard.files_changed',
  files: 'switchyard.files',
  escalated: 'switchyard.escalated',
  reviewRounds: 'switchyard.review_rounds',
  gateApproved: 'switchyard.gate.approved',
  verifyPassed: 'switchyard.verify.passed',
  reason: 'switchyard.reason',
  errorMessage: 'switchyard.error.message',
} as const;

export const SyMetric = {
  cost: 'switchyard.cost',
  changesAccepted: 'switchyard.changes.accepted',
  changesCost: 'switchyard.changes.cost',
  runs: 'switchyard.runs',
} as const;

/** Hosts of OpenAI-compatible endpoints whose provider the conventions name. */
const PROVIDER_BY_HOST: Array<[RegExp, string]> = [
  [/(^|\.)openai\.azure\.com$/, 'azure.ai.openai'],
  [/(^|\.)openai\.com$/, 'openai'],
  [/(^|\.)anthropic\.com$/, 'anthropic'],
  [/^generativelanguage\.googleapis\.com$/, 'gcp.gemini'],
  [/(^|\.)aiplatform\.googleapis\.com$/, 'gcp.vertex_ai'],
  [/(^|\.)googleapis\.com$/, 'gcp.gen_ai'],
  [/(^|\.)deepseek\.com$/, 'deepseek'],
  [/(^|\.)groq\.com$/, 'groq'],
  [/(^|\.)mistral\.ai$/, 'mistral_ai'],
  [/(^|\.)x\.ai$/, 'x_ai'],
  [/(^|\.)perplexity\.ai$/, 'perplexity'],
  [/(^|\.)moonshot\.(ai|cn)$/, 'moonshot_ai'],
  [/(^|\.)openrouter\.ai$/, 'openrouter'],
];

/**
 * `gen_ai.provider.name` for a call: the well-known value for the API that served it (by provider,
 * else by host for an OpenAI-compatible endpoint); `openai_compatible` for other servers (a local
 * Ollama, a gateway) and `vscode.lm` for VS Code's language models. The vendor (who trained the
 * model) is `switchyard.vendor`.
 */
export function genAiProviderName(provider: string, serverAddress?: string): string {
  if (provider === 'openai' || provider === 'anthropic') return provider;
  if (provider === 'vscode-lm') return 'vscode.lm';
  if (provider === 'claude-agent') return 'anthropic';
  if (provider === 'codex-agent') return 'openai';
  const host = serverAddress?.toLowerCase();
  return (host && PROVIDER_BY_HOST.find(([re]) => re.test(host))?.[1]) || 'openai_compatible';
}

/** `gen_ai.response.finish_reasons` values for the pipeline's normalised stop reasons. */
export function finishReason(stopReason: string): string {
  switch (stopReason) {
    case 'max-tokens':
      return 'length';
    case 'tool-calls':
      return 'tool_call';
    case 'refused':
      return 'content_filter';
    default:
      return stopReason;
  }
}
