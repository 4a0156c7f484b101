// Which engine drives an agent model: one file per SDK, picked by the model's provider.
import type { ModelSpec } from '../config/policySchema';
import type { AgentEngine, AgentHost } from './agentTypes';
import { ClaudeEngine } from './claudeEngine';
import { CodexEngine } from './codexEngine';

export function engineFor(spec: ModelSpec, host: AgentHost | undefined): AgentEngine {
  return spec.provider === 'codex-agent' ? new CodexEngine(host?.codexSdkDir) : new ClaudeEngine(host?.claudeSdkDir);
}
