// Asks a model for a JSON value of a known shape and validates it with zod. The model answers
// through a forced tool call (mode 'tool', where the provider has tools) or as JSON text (mode
// 'json'); either way a reply is accepted from whichever channel carries it. A reply that fails to
// parse or validate is sent back once with the exact problems; a second failure is a
// ProviderError 'invalid-output'. Usage is summed over both attempts so costs stay honest.
import { z } from 'zod';
import { scrubSecrets } from './scrub';
import { ProviderError, type ChatRequest, type StreamEvent } from './types';

/** Runs one request to completion as a stream: resilientStream, streamChain, or a bare provider. */
export type StreamRunner = (request: ChatRequest) => AsyncIterable<StreamEvent & { modelId?: string }>;

export interface StructuredOptions {
  /** 'tool' (default) forces a tool call whose parameters are the schema; 'json' asks for JSON text. */
  mode?: 'tool' | 'json';
  /** Tool name in 'tool' mode; also names the shape in error messages. */
  name?: string;
  description?: string;
  /** Used in errors when the stream does not say which model answered. */
  modelId?: string;
  /** Called when the first reply is rejected and sent back. */
  onRetry?(problems: string): void;
}

export interface StructuredResult<T> {
  value: T;
  attempts: 1 | 2;
  usage: { inputTokens: number; outputTokens: number };
  /** The model that produced the accepted reply (from chain events), if known. */
  modelId?: string;
  /** The accepted reply as the model sent it (tool arguments or text). */
  raw: string;
}

const MAX_ECHO = 4000;

export async function callStructured<S extends z.ZodType>(
  schema: S,
  run: StreamRunner,
  request: ChatRequest,
  opts: StructuredOptions = {},
): Promise<StructuredResult<z.infer<S>>> {
  const name = opts.name ?? 'submit_result';
  const jsonSchema = toJsonSchema(schema);
  // Tools take an object at the root; anything else can only be asked for as text.
  let mode: 'tool' | 'json' = opts.mode === 'json' || jsonSchema['type'] !== 'object' ? 'json' : 'tool';
  let first = shapeRequest(request, mode, name, opts.description, jsonSchema);
  const usage = { inputTokens: 0, outputTokens: 0 };

  let one;
  try {
    one = await collect(run(first), name);
  } catch (e) {
    // A model without tool support (many local ones) rejects the request outright: ask for JSON text instead.
    if (!(mode === 'tool' && isToolsUnsupported(e))) throw e;
    mode = 'json';
    first = shapeRequest(request, mode, name, opts.description, jsonSchema);
    one = await collect(run(first), name);
  }
  add(usage, one.usage);
  const checked = check(schema, one.raw, one.truncated);
  if (checked.ok) return { value: checked.value, attempts: 1, usage, modelId: one.modelId, raw: one.raw };

  opts.onRetry?.(checked.problems);
  const second = {
    ...first,
    messages: [
      ...first.messages,
      {
        role: 'assistant' as const,
        content: one.raw.length > MAX_ECHO ? `${one.raw.slice(0, MAX_ECHO)}…` : one.raw || '(empty reply)',
      },
      {
        role: 'user' as const,
        content:
          `Your reply did not match the required schema:\n${checked.problems}\n` +
          (mode === 'tool'
            ? `Call the ${name} tool again with corrected arguments.`
            : 'Reply again with only the corrected JSON, no prose and no code fences.'),
      },
    ],
  };
  const two = await collect(run(second), name);
  add(usage, two.usage);
  const rechecked = check(schema, two.raw, two.truncated);
  if (rechecked.ok) return { value: rechecked.value, attempts: 2, usage, modelId: two.modelId, raw: two.raw };

  const modelId = two.modelId ?? one.modelId ?? opts.modelId ?? 'unknown';
  const err = new ProviderError(
    'invalid-output',
    scrubSecrets(
      `Model "${modelId}" twice replied with output that does not match the expected ${name} shape, even after being shown the problems: ${rechecked.problems.replace(/\n/g, '; ')}. ` +
        `Try a stronger model for this stage, or one with tool support.`,
    ),
    modelId,
    undefined,
    undefined,
    // Both replies still cost: the caller records this usage.
    { usage },
  );
  throw err;
}

function isToolsUnsupported(e: unknown): boolean {
  return (
    e instanceof ProviderError &&
    e.kind === 'bad-request' &&
    /(does not|doesn't|not) support (tools|tool use|function calling|tool_choice)|tools? (are|is) not supported|tool_choice/i.test(
      e.message,
    )
  );
}

function shapeRequest(
  req: ChatRequest,
  mode: 'tool' | 'json',
  name: string,
  description: string | undefined,
  jsonSchema: Record<string, unknown>,
): ChatRequest {
  if (mode === 'tool') {
    return {
      ...req,
      tools: [
        ...(req.tools ?? []).filter((t) => t.name !== name),
        { name, description: description ?? 'Submit the result.', parameters: jsonSchema },
      ],
      toolChoice: { name },
    };
  }
  return {
    ...req,
    system: `${req.system}\n\nReply with only a JSON value (no prose, no code fences) that matches this JSON Schema:\n${JSON.stringify(jsonSchema)}`,
  };
}

async function collect(stream: AsyncIterable<StreamEvent & { modelId?: string }>, toolName: string) {
  let text = '';
  let toolArgs: string | undefined;
  let modelId: string | undefined;
  let truncated = false;
  const usage = { inputTokens: 0, outputTokens: 0 };
  for await (const ev of stream) {
    // A chain that fell back after a partial reply starts over with another model: drop the old text.
    if (ev.modelId !== undefined && modelId !== undefined && ev.modelId !== modelId) {
      text = '';
      toolArgs = undefined;
    }
    if (ev.modelId !== undefined) modelId = ev.modelId;
    if (ev.type === 'text') text += ev.text;
    else if (ev.type === 'tool-call' && ev.name === toolName) toolArgs ??= ev.argumentsJson;
    else if (ev.type === 'usage') add(usage, ev);
    else if (ev.type === 'done') truncated = ev.stopReason === 'max-tokens';
  }
  return { raw: toolArgs ?? text, usage, modelId, truncated };
}

type Checked<T> = { ok: true; value: T } | { ok: false; problems: string };

const TRUNCATED =
  '- the reply was cut off at the output token limit before it was complete; give a shorter answer that fits';

function check<S extends z.ZodType>(schema: S, raw: string, truncated = false): Checked<z.infer<S>> {
  const r = checkValue(schema, raw);
  return r.ok || !truncated ? r : { ok: false, problems: `${TRUNCATED}\n${r.problems}` };
}

function checkValue<S extends z.ZodType>(schema: S, raw: string): Checked<z.infer<S>> {
  const json = extractJson(raw);
  if (json === undefined)
    return { ok: false, problems: raw.trim() ? '- the reply contains no JSON value' : '- the reply was empty' };
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (e) {
    return { ok: false, problems: `- the JSON does not parse: ${(e as Error).message}` };
  }
  const r = schema.safeParse(value);
  if (r.success) return { ok: true, value: r.data };
  const problems = r.error.issues
    .slice(0, 8)
    .map((i) => `- ${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`)
    .join('\n');
  return { ok: false, problems };
}

/** The JSON inside a reply: the whole text, a fenced block, or the outermost braces/brackets. */
export function extractJson(raw: string): string | undefined {
  const text = raw.trim();
  if (!text) return undefined;
  if (/^[[{]/.test(text)) return text;
  const fence = /```(?:json|JSON)?\s*\n([\s\S]*?)```/.exec(text);
  if (fence?.[1]?.trim()) return fence[1].trim();
  const open = text.search(/[[{]/);
  if (open === -1) return undefined;
  const close = text[open] === '{' ? text.lastIndexOf('}') : text.lastIndexOf(']');
  return close > open ? text.slice(open, close + 1) : undefined;
}

function toJsonSchema(schema: z.ZodType): Record<string, unknown> {
  const js = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  delete js['$schema'];
  return js;
}

function add(total: { inputTokens: number; outputTokens: number }, u: { inputTokens: number; outputTokens: number }) {
  total.inputTokens += u.inputTokens;
  total.outputTokens += u.outputTokens;
}
