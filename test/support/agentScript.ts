// Scripts a coding agent's model on the loopback server: the real Claude Code CLI (driven by the
// real Claude Agent SDK) sends its requests there, and each one gets the next scripted step — a
// tool call (paths may use {cwd}, the copy the agent runs in, read from the CLI's own environment
// section) or a closing text. Nothing here is product code.
import type { LoopbackServer, RecordedRequest, Reply } from './loopbackServer';

export type AgentStepScript =
  | { tool: string; input: Record<string, unknown> }
  | { text: string }
  | { reply: Reply }
  | ((req: RecordedRequest) => Reply);

/** A request from Claude Code (its user agent says so). */
export function isClaudeCode(req: RecordedRequest): boolean {
  return String(req.headers['user-agent'] ?? '').startsWith('claude-cli/');
}

/** The working directory Claude Code reports to its model (the scratch copy). */
export function agentCwd(req: RecordedRequest): string | undefined {
  return /Primary working directory: ([^\s\\"]+)/.exec(req.rawBody)?.[1];
}

export function sessionOf(req: RecordedRequest): string | undefined {
  const h = req.headers['x-claude-code-session-id'];
  return typeof h === 'string' ? h : undefined;
}

/** Answers Claude Code's requests from `steps` in order; other requests go to `others`. */
export function scriptAgent(
  server: LoopbackServer,
  steps: AgentStepScript[],
  others: (req: RecordedRequest) => Reply | undefined,
): { agentRequests: RecordedRequest[] } {
  const agentRequests: RecordedRequest[] = [];
  let cwd = '';
  server.setHandler((req) => {
    if (!isClaudeCode(req)) return others(req);
    agentRequests.push(req);
    cwd = agentCwd(req) ?? cwd;
    const step = steps.shift();
    if (!step) return { text: 'Done.' };
    if (typeof step === 'function') return step(req);
    if ('reply' in step) return step.reply;
    if ('text' in step) return { text: step.text };
    const input = JSON.parse(JSON.stringify(step.input).split('{cwd}').join(cwd)) as Record<string, unknown>;
    return { toolCalls: [{ id: `toolu_${agentRequests.length}`, name: step.tool, arguments: input }] };
  });
  return { agentRequests };
}
