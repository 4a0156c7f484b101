// Scripts a coding agent's model on the loopback server: the real Claude Code CLI (driven by the
// real Claude Agent SDK) or the real codex binary (driven by the Codex SDK) sends its requests there, and each one gets the next scripted step — a
// tool call (paths may use {cwd}, the copy the agent runs in, read from the CLI's own environment
// section) or a closing text. Nothing here is product code.
import type { LoopbackServer, RecordedRequest, Reply } from './loopbackServer';

export type AgentStepScript =
  | { tool: string; input: Record<string, unknown> }
  | { text: string }
  | { reply: Reply }
  | ((req: RecordedRequest) => Reply);

export type AgentKind = 'claude' | 'codex';

/** A request from Claude Code (its user agent says so) or from Codex (its own headers). */
export function isAgent(req: RecordedRequest, kind: AgentKind = 'claude'): boolean {
  if (kind === 'codex') return typeof req.headers['x-codex-window-id'] === 'string';
  return String(req.headers['user-agent'] ?? '').startsWith('claude-cli/');
}

/** The working directory the agent reports to its model (the scratch copy). */
export function agentCwd(req: RecordedRequest, kind: AgentKind = 'claude'): string | undefined {
  if (kind === 'codex') return /<cwd>([^<]+)<\/cwd>/.exec(req.rawBody)?.[1];
  return /Primary working directory: ([^\s\\"]+)/.exec(req.rawBody)?.[1];
}

/** The agent session a request belongs to (Claude Code's session id; Codex's thread id). */
export function sessionOf(req: RecordedRequest): string | undefined {
  const h = req.headers['x-claude-code-session-id'] ?? req.headers['x-codex-window-id'];
  return typeof h === 'string' ? h.split(':')[0] : undefined;
}

/** Answers Claude Code's requests from `steps` in order; other requests go to `others`. */
export function scriptAgent(
  server: LoopbackServer,
  steps: AgentStepScript[],
  others: (req: RecordedRequest) => Reply | undefined,
  kind: AgentKind = 'claude',
): { agentRequests: RecordedRequest[] } {
  const agentRequests: RecordedRequest[] = [];
  let cwd = '';
  server.setHandler((req) => {
    if (!isAgent(req, kind)) return others(req);
    agentRequests.push(req);
    cwd = agentCwd(req, kind) ?? cwd;
    const step = steps.shift();
    if (!step) return { text: 'Done.' };
    if (typeof step === 'function') return step(req);
    if ('reply' in step) return step.reply;
    if ('text' in step) return { text: step.text };
    const input = JSON.parse(JSON.stringify(step.input).split('{cwd}').join(cwd)) as Record<string, unknown>;
    const id = `${kind === 'codex' ? 'call' : 'toolu'}_${agentRequests.length}`;
    return { toolCalls: [{ id, name: step.tool, arguments: input }] };
  });
  return { agentRequests };
}
