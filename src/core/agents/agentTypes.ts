// The shapes shared by the coding-agent implementers (Claude Code, Codex): what the host gives
// them (keys, where the SDK is installed), what one pass of an agent reports (its steps, usage,
// session), and the engine interface each SDK's adapter implements. Vendor-neutral and SDK-free:
// the SDKs are loaded lazily from the user's install, never bundled.
import type { ModelSpec } from '../config/policySchema';
import type { ParkedSessions } from './parkedSessions';
import type { ToolGuard } from './toolGuard';

/** What the host (the extension, the CLI) supplies for agents. */
export interface AgentHost {
  /**
   * The agent's own key and the base URL it is sent to, under the same destination rules as a chat
   * provider's (a key only to its vendor's hosts, loopback, or a host the user configured).
   * `withheld` says why there is no key when one exists but may not go there.
   */
  credentials(spec: ModelSpec): Promise<{ apiKey?: string; baseUrl?: string; withheld?: string }>;
  /** A folder whose node_modules holds the Claude Agent SDK (the user's install), when it is not next to Switchyard. */
  claudeSdkDir?: string;
  /** A folder whose node_modules holds the Codex SDK (@openai/codex-sdk), when it is not next to Switchyard. */
  codexSdkDir?: string;
  /** Where scratch copies go (default: the OS temp folder). */
  tmpDir?: string;
  /**
   * Agent sessions kept after their run, so a later run reusing an agent's change (a re-run, then a
   * send-back) resumes that session in its copy. Without it, such a run starts a new session with the
   * change applied to a new copy.
   */
  parked?: ParkedSessions;
}

/** One thing the agent did, as the stage's output shows it. */
export type AgentStep =
  | { kind: 'text'; text: string }
  | { kind: 'tool'; id: string; tool: string; args: string }
  | { kind: 'tool-result'; id: string; tool: string; ok: boolean; summary: string }
  | { kind: 'refused'; tool: string; reason: string };

export interface AgentUsage {
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens?: number;
}

export interface AgentPassInput {
  spec: ModelSpec;
  /** The first message of a new session, or the findings for a resumed one. */
  prompt: string;
  /** Instructions added to the agent's own system prompt. */
  instructions: string;
  /** The copy's workspace root: the agent's working directory. */
  cwd: string;
  /** The agent process's whole environment (scratch HOME, its own key, nothing of the user's). */
  env: Record<string, string>;
  /** Where the agent's API requests go: Switchyard's metering gateway on loopback (meteredGateway.ts), which forwards them. */
  baseUrl: string;
  /** A folder of the scratch container the engine may use for its own files (outside the copy). */
  scratch: string;
  /** Resume this session (send back); a new session when undefined. */
  resume?: string;
  /** The SDK's own turn limit, a backstop (the gateway refuses a request over the limit first). */
  maxTurns: number;
  /** Aborted on cancel and when a limit is passed: the engine stops the agent and its processes. */
  signal: AbortSignal;
  guard: ToolGuard;
  onStep(step: AgentStep): void;
}

export interface AgentPassOutcome {
  sessionId?: string;
  usage: AgentUsage;
  /** The agent's own cost figure, when its SDK reports one. */
  reportedCostUsd?: number;
  turns: number;
  /** 'done', or why it stopped early: 'max-turns' (the SDK's own limit), 'error'. */
  stop: 'done' | 'max-turns' | 'error';
  /** What went wrong, in the SDK's words, when stop is 'error'. */
  errors: string[];
}

/** One SDK's adapter: runs one pass of its agent and reports what it did. */
export interface AgentEngine {
  readonly name: string;
  /**
   * Whether each of the agent's tool calls goes through the ToolGuard (Claude Code: a hook). When
   * not (Codex runs its own sandbox), residency is screened against every file in the copy first.
   */
  readonly screensEachTool: boolean;
  /** Where its vendor's API is when the policy names no base URL (the gateway forwards there). */
  readonly defaultBaseUrl: string;
  /** The variables that carry the agent's own key and base URL to its process. */
  credentialEnv(creds: { apiKey: string; baseUrl: string }): Record<string, string>;
  run(input: AgentPassInput): Promise<AgentPassOutcome>;
  /** Ends every process the engine started (idempotent). */
  stop(): Promise<void>;
}

/** An agent that cannot be started here (its SDK is not installed, no key): the message says what to do. */
export class AgentUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AgentUnavailable';
  }
}
