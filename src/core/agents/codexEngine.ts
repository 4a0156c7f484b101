// Codex as an implementer, through the Codex SDK (@openai/codex-sdk, which drives the `codex`
// binary from @openai/codex). Not wired yet: see the issue note. Until then a codex-agent model
// fails its stage with a message saying so, and the run reports it like any unavailable model.
import type { AgentEngine, AgentPassInput, AgentPassOutcome } from './agentTypes';
import { AgentUnavailable } from './agentTypes';

export class CodexEngine implements AgentEngine {
  readonly name = 'Codex';

  constructor(private readonly sdkDir: string | undefined) {}

  credentialEnv(creds: { apiKey: string; baseUrl?: string }): Record<string, string> {
    return { CODEX_API_KEY: creds.apiKey, ...(creds.baseUrl ? { OPENAI_BASE_URL: creds.baseUrl } : {}) };
  }

  run(_input: AgentPassInput): Promise<AgentPassOutcome> {
    return Promise.reject(
      new AgentUnavailable(
        `Codex as an implementer is not available yet in this build (SDK folder: ${this.sdkDir ?? 'default'}).`,
      ),
    );
  }

  async stop(): Promise<void> {}
}
