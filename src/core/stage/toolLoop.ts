// The bounded tool loop a role explores the workspace with: send the session offering the read-only
// tools; when the model calls some, run them, emit each call and its result as events, send the
// results back (fenced as data, never instructions) and go again — until the model answers, or a
// limit of the stage's (steps, input tokens, dollars: rules.tools.<stage>) is reached, after which
// the model is asked to answer with what it has. Models with native tool calling use it; others get
// a text protocol (<tool_call>{…}</tool_call> blocks) that works the same way.
import type { ToolsPolicy } from '../config/policySchema';
import type { ToolBox, ToolName } from '../context/tools/toolBox';
import type { ToolCall, ToolResultPart } from '../providers/types';
import type { RoleSession } from '../sessions/roleSession';
import { dataBlock } from '../sessions/prompts';
import { usesNativeTools, type CallResult } from './callResult';
import type { StageRun } from './stageRun';
import type { CallTool } from './toolFields';

export type ToolLimits = ToolsPolicy['scout'];

export interface ExploreOptions {
  toolbox: ToolBox;
  /** Which tools this role may call. */
  tools: readonly ToolName[];
  limits: ToolLimits;
  maxResultChars: number;
  nonce: string;
  /** The structured answer tool, for roles that answer with an artifact (scout, architect). */
  answerTool?: CallTool;
}

const TOOL_CALL = /<tool_call>\s*([\s\S]*?)\s*<\/tool_call>/g;
/** Rounds after the limits are reached in which a model that still calls tools is told no. */
const GRACE_ROUNDS = 1;

/** How to call tools in text, for a model without native tool calling. */
export function textProtocol(toolbox: ToolBox, tools: readonly ToolName[]): string {
  const specs = toolbox
    .specs(tools)
    .map((t) => `- ${t.name}: ${t.description} Arguments (JSON Schema): ${JSON.stringify(t.parameters)}`);
  return [
    'You can look at the workspace with these read-only tools before you answer:',
    ...specs,
    'To call tools, reply with only one or more blocks like <tool_call>{"name": "search", "arguments": {"pattern": "parseHeader"}}</tool_call>. The results come back in the next message. When you have what you need, give your answer instead (no tool_call blocks).',
  ].join('\n');
}

/** Tool calls written in the text protocol. */
export function parseTextToolCalls(text: string, round: number): ToolCall[] {
  const calls: ToolCall[] = [];
  for (const m of text.matchAll(TOOL_CALL)) {
    let name = '';
    let args = '{}';
    try {
      const v = JSON.parse(m[1]!) as { name?: unknown; arguments?: unknown };
      name = typeof v.name === 'string' ? v.name : '';
      args = JSON.stringify(v.arguments ?? {});
    } catch {
      name = 'unreadable';
    }
    calls.push({ id: `text-${round}-${calls.length + 1}`, name, argumentsJson: args });
  }
  return calls;
}

/**
 * Adds `user` to the session and runs the loop; returns the model's final reply (text, or the
 * answer tool's arguments). Tokens and cost of every call count in the stage's snapshot as usual.
 */
export async function explore(
  sr: StageRun,
  session: RoleSession,
  user: string,
  artifacts: readonly string[],
  o: ExploreOptions,
): Promise<CallResult> {
  const startIn = sr.snapshot.tokensIn;
  const startUsd = sr.snapshot.costUsd;
  const specs = o.toolbox.specs(o.tools);
  session.addUser(usesNativeTools(sr.model) ? user : `${user}\n\n${textProtocol(o.toolbox, o.tools)}`);
  let steps = 0;
  let over = 0;
  let sending = [...artifacts];
  for (let round = 1; ; round++) {
    const exhausted = limitReached(o.limits, steps, sr.snapshot.tokensIn - startIn, sr.snapshot.costUsd - startUsd);
    const reply = await sr.call(session, sending, o.answerTool, { tools: specs, choice: exhausted ? 'none' : 'auto' });
    sending = ['tool-results'];
    if (reply.toolArguments !== undefined) return reply;
    const calls = reply.nativeTools ? reply.toolCalls : parseTextToolCalls(reply.text, round);
    if (calls.length === 0) return reply;
    if (exhausted && ++over > GRACE_ROUNDS) return reply;
    const results: ToolResultPart[] = [];
    for (const call of calls) {
      const allowed = !exhausted && steps < o.limits.steps;
      if (allowed) steps++;
      results.push(await runOne(sr, o, call, allowed));
    }
    const nowOver = limitReached(o.limits, steps, sr.snapshot.tokensIn - startIn, sr.snapshot.costUsd - startUsd);
    const note = nowOver
      ? `Tool budget for this stage reached (${describeLimits(o.limits)}): answer now with what you have.`
      : '';
    if (reply.nativeTools) session.addToolResults(results, note);
    else session.addUser([...results.map((r) => r.content), note].filter(Boolean).join('\n\n'));
  }
}

function limitReached(l: ToolLimits, steps: number, inputTokens: number, usd: number): boolean {
  return steps >= l.steps || inputTokens >= l.inputTokens || (l.usd !== undefined && usd >= l.usd);
}

function describeLimits(l: ToolLimits): string {
  return `${l.steps} tool calls, ${l.inputTokens} input tokens${l.usd !== undefined ? `, $${l.usd}` : ''}`;
}

async function runOne(sr: StageRun, o: ExploreOptions, call: ToolCall, allowed: boolean): Promise<ToolResultPart> {
  sr.emit({
    type: 'tool-called',
    stage: sr.stage,
    round: sr.round,
    callId: call.id,
    tool: call.name,
    args: call.argumentsJson.slice(0, 500),
  });
  const result = allowed
    ? await o.toolbox.run(call.name, call.argumentsJson)
    : {
        ok: false,
        text: `error: not run: the tool budget for this stage is used up (${describeLimits(o.limits)})`,
        summary: 'not run: tool budget used up',
        paths: [],
      };
  let text = result.text;
  if (text.length > o.maxResultChars) {
    text = `${text.slice(0, o.maxResultChars)}\n… cut at ${o.maxResultChars} characters: narrow the request`;
  }
  // Before the result is sent: the residency rules screen the next call against these files.
  await sr.noteRead(result.paths);
  const content = dataBlock(`TOOL RESULT ${call.name}`, text, o.nonce);
  sr.emit({
    type: 'tool-result',
    stage: sr.stage,
    round: sr.round,
    callId: call.id,
    tool: call.name,
    ok: result.ok,
    summary: result.summary,
    chars: content.length,
    paths: result.paths,
  });
  return { callId: call.id, name: call.name, content, ...(result.ok ? {} : { isError: true }) };
}
