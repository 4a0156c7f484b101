// One vocabulary for why a model stopped, whichever vendor it was: the pipeline treats
// 'max-tokens' as a truncated artifact and 'tool-calls' as "look at the tool calls".
const MAP: Record<string, string> = {
  stop: 'stop',
  end_turn: 'stop',
  stop_sequence: 'stop',
  tool_calls: 'tool-calls',
  function_call: 'tool-calls',
  tool_use: 'tool-calls',
  length: 'max-tokens',
  max_tokens: 'max-tokens',
  model_context_window_exceeded: 'max-tokens',
  content_filter: 'refused',
  refusal: 'refused',
};

export function normaliseStopReason(raw: string | null | undefined): string {
  if (!raw) return 'stop';
  return MAP[raw] ?? raw;
}
