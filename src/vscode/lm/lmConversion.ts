// The conversions between the core's chat request and VS Code's Language Model API, as pure data so
// they are unit-tested without VS Code (vscodeLmProvider.ts turns them into vscode objects):
// the turns to send (vscode.lm has no system role), the tool options (a forced tool is the only tool
// offered, since the API can only require *some* tool), a tool-call part as a stream event, and the
// stop reason in the core's words — the API says nothing, so a reply that called a tool stopped for
// 'tool-calls', any other complete reply for 'stop'.
import { messageText, type ChatRequest, type StreamEvent } from '../../core/providers/types';

export interface LmTurn {
  role: 'user' | 'assistant';
  text: string;
}

/**
 * The system prompt leads as the first user turn (no system role in vscode.lm); neighbouring turns of
 * the same role are joined, as chat models behind the API (Claude among them) want them alternating.
 */
export function toLmTurns(request: Pick<ChatRequest, 'system' | 'messages'>): LmTurn[] {
  const turns: LmTurn[] = [];
  const add = (role: LmTurn['role'], text: string) => {
    const last = turns[turns.length - 1];
    if (last && last.role === role) last.text = `${last.text}\n\n${text}`;
    else turns.push({ role, text });
  };
  if (request.system.trim()) add('user', request.system);
  // Tool calls and results of earlier rounds travel as text (messageText): the API's own tool parts
  // would need the ids the model gave them, which a text-protocol round never had.
  for (const m of request.messages) add(m.role, messageText(m));
  return turns;
}

export interface LmToolOptions {
  tools?: Array<{ name: string; description: string; inputSchema: Record<string, unknown> }>;
  /** 'required' when the request forces a tool; undefined lets the model choose. */
  toolMode?: 'required';
}

export function toLmToolOptions(request: Pick<ChatRequest, 'tools' | 'toolChoice'>): LmToolOptions {
  const all = request.tools ?? [];
  // 'none' (the tool budget is spent): offer no tools, so the model can only answer.
  if (!all.length || request.toolChoice === 'none') return {};
  const forced = typeof request.toolChoice === 'object' ? request.toolChoice.name : undefined;
  const offered = forced ? all.filter((t) => t.name === forced) : all;
  return {
    tools: offered.map((t) => ({ name: t.name, description: t.description, inputSchema: t.parameters })),
    ...(forced && offered.length ? { toolMode: 'required' as const } : {}),
  };
}

/** A tool call the model made, as the core's event (arguments as one JSON string); `n` numbers calls without an id. */
export function toolCallEvent(part: { callId?: string; name: string; input: unknown }, n: number): StreamEvent {
  return {
    type: 'tool-call',
    id: part.callId || `call_${n}`,
    name: part.name,
    argumentsJson: JSON.stringify(part.input ?? {}),
  };
}

/** The stop reason of a reply the API finished streaming, in the core's normalised words. */
export function lmStopReason(calledTools: boolean): 'stop' | 'tool-calls' {
  return calledTools ? 'tool-calls' : 'stop';
}
