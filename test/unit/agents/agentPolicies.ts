// The routing policies the coding-agent tests run with: an agent implementer on the loopback server
// and a reviewer of the other vendor (a chat model), with retries off so a fault is seen at once.
import { RoutingPolicySchema, type RoutingPolicyInput } from '../../../src/core/config/policySchema';
import type { LoopbackServer } from '../../support/loopbackServer';

/** The agent (its id, provider, model, vendor) and the chat reviewer of the other vendor. */
function agentPolicy(
  server: LoopbackServer,
  kind: 'claude' | 'codex',
  agent: Record<string, unknown>,
  extra: Partial<RoutingPolicyInput>,
) {
  const claude = kind === 'claude';
  const anthropic = {
    vendor: 'anthropic',
    baseUrl: server.anthropicBaseUrl,
    price: { inputPerMTok: 3, outputPerMTok: 15 },
  };
  const openai = { vendor: 'openai', baseUrl: server.openaiBaseUrl, price: { inputPerMTok: 1.25, outputPerMTok: 10 } };
  const [agentId, reviewerId] = claude ? ['claude-code', 'gpt'] : ['codex', 'claude'];
  return RoutingPolicySchema.parse({
    models: [
      {
        id: agentId,
        ...(claude
          ? { provider: 'claude-agent', model: 'claude-sonnet-test', ...anthropic }
          : { provider: 'codex-agent', model: 'gpt-codex-test', ...openai }),
        agent: { maxTurns: 8, timeoutSeconds: claude ? 60 : 90, ...agent },
      },
      {
        id: reviewerId,
        ...(claude
          ? { provider: 'openai', model: 'gpt-test', ...openai }
          : { provider: 'anthropic', model: 'claude-critic-test', ...anthropic }),
        tier: 'strong',
      },
    ],
    stages: { implementer: [agentId], critic: [reviewerId], finalOwner: [reviewerId] },
    rules: { retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 5 } },
    ...extra,
  });
}

/** Claude Code implements, GPT reviews. */
export const claudePolicy = (
  server: LoopbackServer,
  agent: Record<string, unknown> = {},
  extra: Partial<RoutingPolicyInput> = {},
) => agentPolicy(server, 'claude', agent, extra);

/** Codex implements, Claude reviews. */
export const codexPolicy = (
  server: LoopbackServer,
  agent: Record<string, unknown> = {},
  extra: Partial<RoutingPolicyInput> = {},
) => agentPolicy(server, 'codex', agent, extra);
