// Claude Code as an implementer, through the Claude Agent SDK (loaded from the user's install).
// The strictest set-up that still lets it edit files in its scratch copy: file tools only (Read,
// Glob, Grep, Edit, Write — no shell, no web, no sub-agents, no MCP servers), edits accepted
// without prompts but every tool call first passes the ToolGuard (a PreToolUse hook: paths inside
// the copy, no secrets, residency), no settings, hooks or CLAUDE.md from the repository or the
// user's ~/.claude, and a scratch HOME so its session files stay in the copy's container.
// The SDK's messages are read defensively (the user's SDK version may differ from ours).
import type { AgentEngine, AgentPassInput, AgentPassOutcome, AgentStep, AgentUsage } from './agentTypes';
import { AgentProcesses, type SpawnRequest } from './agentProcesses';
import { loadSdk } from './sdkLoader';

export const CLAUDE_SDK_PACKAGE = '@anthropic-ai/claude-agent-sdk';
const TOOLS = ['Read', 'Glob', 'Grep', 'Edit', 'Write'];
const NEVER = ['Bash', 'BashOutput', 'KillShell', 'WebFetch', 'WebSearch', 'Task', 'NotebookEdit', 'TodoWrite'];

type Loose = Record<string, unknown>;
interface ClaudeSdk {
  query(args: { prompt: string; options: Loose }): AsyncIterable<Loose> & { close?(): void };
}

export const CLAUDE_SDK_HINT =
  'Install it (npm install -g @anthropic-ai/claude-agent-sdk) and set switchyard.agents.sdkDir (or SWITCHYARD_AGENT_SDK_DIR for the CLI) to the folder that holds it, e.g. the output of `npm root -g`.';

export class ClaudeEngine implements AgentEngine {
  readonly name = 'Claude Code';
  readonly screensEachTool = true;
  readonly defaultBaseUrl = 'https://api.anthropic.com';
  private readonly procs = new AgentProcesses();

  constructor(private readonly sdkDir: string | undefined) {}

  credentialEnv(creds: { apiKey: string; baseUrl: string }): Record<string, string> {
    return { ANTHROPIC_API_KEY: creds.apiKey, ANTHROPIC_BASE_URL: creds.baseUrl };
  }

  async run(input: AgentPassInput): Promise<AgentPassOutcome> {
    const sdk = await loadSdk<ClaudeSdk>(CLAUDE_SDK_PACKAGE, this.sdkDir, CLAUDE_SDK_HINT);
    const abort = new AbortController();
    const onAbort = () => abort.abort();
    if (input.signal.aborted) abort.abort();
    input.signal.addEventListener('abort', onAbort, { once: true });
    const out: AgentPassOutcome = { usage: { inputTokens: 0, outputTokens: 0 }, turns: 0, stop: 'done', errors: [] };
    const q = sdk.query({ prompt: input.prompt, options: this.options(input, abort) });
    let gotResult = false;
    try {
      for await (const m of q) {
        if (typeof m['session_id'] === 'string') out.sessionId = m['session_id'];
        if (m['type'] === 'assistant' || m['type'] === 'user') for (const s of stepsOf(m)) input.onStep(s);
        if (m['type'] === 'result') {
          gotResult = true;
          readResult(m, out);
        }
      }
    } catch (e) {
      if (!gotResult && !input.signal.aborted) {
        out.stop = 'error';
        const tail = this.procs.stderr.trim().split('\n').slice(-3).join(' | ');
        out.errors.push(`${(e as Error).message}${tail ? ` (stderr: ${tail})` : ''}`);
      }
    } finally {
      input.signal.removeEventListener('abort', onAbort);
      q.close?.();
      await this.procs.stopAll();
    }
    return out;
  }

  async stop(): Promise<void> {
    await this.procs.stopAll();
  }

  private options(input: AgentPassInput, abort: AbortController): Loose {
    const guard = input.guard;
    const preToolUse = async (hook: Loose) => {
      const tool = String(hook['tool_name'] ?? '');
      const args = (hook['tool_input'] ?? {}) as Record<string, unknown>;
      const d = await guard.check(tool, args);
      if (d.allow) return { continue: true };
      input.onStep({ kind: 'refused', tool, reason: d.reason });
      return {
        hookSpecificOutput: {
          hookEventName: 'PreToolUse',
          permissionDecision: 'deny',
          permissionDecisionReason: d.reason,
        },
      };
    };
    return {
      cwd: input.cwd,
      model: input.spec.model,
      tools: TOOLS,
      disallowedTools: NEVER,
      permissionMode: 'acceptEdits',
      // Anything that would still ask a person is refused: nobody is there to answer inside a run.
      canUseTool: async (tool: string) => ({ behavior: 'deny', message: `${tool} is not allowed here` }),
      hooks: { PreToolUse: [{ hooks: [preToolUse] }] },
      settingSources: [],
      strictMcpConfig: true,
      mcpServers: {},
      systemPrompt: { type: 'preset', preset: 'claude_code', append: input.instructions },
      env: input.env,
      maxTurns: input.maxTurns,
      ...(input.resume ? { resume: input.resume } : {}),
      abortController: abort,
      spawnClaudeCodeProcess: (o: SpawnRequest) => this.procs.spawn(o),
      stderr: () => {},
    };
  }
}

/** Steps in one SDK message: the assistant's text and tool calls, the tool results that came back. */
export function stepsOf(m: Loose): AgentStep[] {
  const message = m['message'] as Loose | undefined;
  const content = message?.['content'];
  if (!Array.isArray(content)) return [];
  const steps: AgentStep[] = [];
  for (const b of content as Loose[]) {
    if (b['type'] === 'text' && typeof b['text'] === 'string' && b['text'].trim()) {
      steps.push({ kind: 'text', text: b['text'] });
    } else if (b['type'] === 'tool_use') {
      steps.push({
        kind: 'tool',
        id: String(b['id'] ?? ''),
        tool: String(b['name'] ?? ''),
        args: JSON.stringify(b['input'] ?? {}).slice(0, 400),
      });
    } else if (b['type'] === 'tool_result') {
      steps.push({
        kind: 'tool-result',
        id: String(b['tool_use_id'] ?? ''),
        tool: '',
        ok: b['is_error'] !== true,
        summary: summaryOf(b['content']),
      });
    }
  }
  return steps;
}

function summaryOf(content: unknown): string {
  const text =
    typeof content === 'string'
      ? content
      : Array.isArray(content)
        ? (content as Loose[]).map((c) => (typeof c['text'] === 'string' ? c['text'] : '')).join(' ')
        : '';
  const first = text.trim().split('\n')[0] ?? '';
  return first.length > 160 ? `${first.slice(0, 160)}…` : first;
}

function readResult(m: Loose, out: AgentPassOutcome): void {
  out.turns = Number(m['num_turns'] ?? 0) || 0;
  if (typeof m['total_cost_usd'] === 'number') out.reportedCostUsd = m['total_cost_usd'];
  out.usage = usageOf(m['usage'] as Loose | undefined);
  const subtype = m['subtype'];
  if (subtype === 'error_max_turns') out.stop = 'max-turns';
  else if (subtype !== 'success' || m['is_error'] === true) {
    out.stop = 'error';
    const errors = Array.isArray(m['errors']) ? (m['errors'] as unknown[]).map(String) : [];
    out.errors.push(...(errors.length ? errors : [String(m['result'] ?? subtype ?? 'the agent reported an error')]));
  }
}

function usageOf(u: Loose | undefined): AgentUsage {
  const n = (k: string) => (typeof u?.[k] === 'number' ? (u[k] as number) : 0);
  const cached = n('cache_read_input_tokens');
  return {
    inputTokens: n('input_tokens') + n('cache_creation_input_tokens') + cached,
    outputTokens: n('output_tokens'),
    ...(cached ? { cachedInputTokens: cached } : {}),
  };
}
