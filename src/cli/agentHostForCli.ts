// Coding agents for the CLI: each agent's key comes from the environment under the same rules as a
// chat model's (its vendor's variable, sent only to its vendor's hosts, loopback, or a base URL the
// environment itself gave), and the SDKs from where the user installed them.
import type { AgentHost } from '../core/agents/agentTypes';
import { envBaseUrl, type KeySource } from '../core/providers/keys';

export function agentHostForCli(keys: KeySource, env: Record<string, string | undefined>): AgentHost {
  const dir = env['SWITCHYARD_AGENT_SDK_DIR']?.trim() || undefined;
  return {
    credentials: async (spec) => ({
      apiKey: await keys.get(spec),
      baseUrl: envBaseUrl(spec, env),
      withheld: keys.withheld?.(spec),
    }),
    claudeSdkDir: dir,
    codexSdkDir: env['SWITCHYARD_CODEX_SDK_DIR']?.trim() || dir,
    tmpDir: env['TMPDIR']?.trim() || undefined,
  };
}
