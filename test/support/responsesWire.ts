// The OpenAI Responses API as the loopback server speaks it: a reply's text as a message item and
// its tool calls as function_call items, both as the final response object and as the streamed
// events a client such as the Codex CLI reads (output_item.added / deltas / output_item.done, then
// response.completed). Nothing here is product code.

export interface ResponsesReply {
  id: string;
  model: string;
  text: string[];
  calls: Array<{ id: string; name: string; args: string }>;
  usage: { inputTokens: number; outputTokens: number };
}

type Item = Record<string, unknown>;

export function responsesWire(r: ResponsesReply, sse: (event: string, data: unknown) => string) {
  const items: Item[] = [];
  const events: Array<[string, object]> = [];
  if (r.text.length) {
    const msg = { id: `msg_${r.id}`, type: 'message', role: 'assistant', status: 'completed' };
    const full = r.text.join('');
    const index = items.length;
    events.push([
      'response.output_item.added',
      { output_index: index, item: { ...msg, status: 'in_progress', content: [] } },
    ]);
    for (const t of r.text)
      events.push(['response.output_text.delta', { item_id: msg.id, output_index: index, content_index: 0, delta: t }]);
    events.push(['response.output_text.done', { item_id: msg.id, output_index: index, content_index: 0, text: full }]);
    const item = { ...msg, content: [{ type: 'output_text', text: full, annotations: [] }] };
    events.push(['response.output_item.done', { output_index: index, item }]);
    items.push(item);
  }
  for (const c of r.calls) {
    const index = items.length;
    const base = { id: `fc_${c.id}`, type: 'function_call', call_id: c.id, name: c.name };
    events.push([
      'response.output_item.added',
      { output_index: index, item: { ...base, arguments: '', status: 'in_progress' } },
    ]);
    events.push(['response.function_call_arguments.delta', { item_id: base.id, output_index: index, delta: c.args }]);
    events.push([
      'response.function_call_arguments.done',
      { item_id: base.id, output_index: index, arguments: c.args },
    ]);
    const item = { ...base, arguments: c.args, status: 'completed' };
    events.push(['response.output_item.done', { output_index: index, item }]);
    items.push(item);
  }
  const done = {
    id: r.id,
    object: 'response',
    created_at: Math.floor(Date.now() / 1000),
    status: 'completed',
    model: r.model,
    output: items,
    usage: {
      input_tokens: r.usage.inputTokens,
      input_tokens_details: { cached_tokens: 0 },
      output_tokens: r.usage.outputTokens,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: r.usage.inputTokens + r.usage.outputTokens,
    },
  };
  let seq = 0;
  const ev = (type: string, data: object) => sse(type, { type, sequence_number: seq++, ...data });
  const chunks = [ev('response.created', { response: { ...done, status: 'in_progress', output: [] } })];
  for (const [type, data] of events) chunks.push(ev(type, data));
  chunks.push(ev('response.completed', { response: done }));
  return { done, chunks };
}
