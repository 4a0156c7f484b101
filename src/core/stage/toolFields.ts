// The tools and tool choice one chat request carries: the exploration tools offered (or kept
// declared while the answer is asked for), and the answer tool forced.
import type { ChatRequest, ToolSpec } from '../providers/types';

/** Read-only tools offered for exploring (see toolLoop.ts); 'none' keeps them declared but asks for the answer. */
export interface ExploreTools {
  tools: ToolSpec[];
  choice: 'auto' | 'none';
}

/** A tool the model is asked to answer through, when it declares the 'tools' capability. */
export interface CallTool {
  tool: ToolSpec;
}

export function toolFields(native: boolean, answerTool?: CallTool, explore?: ExploreTools): Partial<ChatRequest> {
  if (!native) return {};
  if (explore) {
    const tools = [...explore.tools, ...(answerTool ? [answerTool.tool] : [])];
    if (explore.choice === 'auto') return { tools, toolChoice: 'auto' };
    // Tools stay declared (earlier turns used them) while the model is asked for its answer now.
    return { tools, toolChoice: answerTool ? { name: answerTool.tool.name } : 'none' };
  }
  return answerTool ? { tools: [answerTool.tool], toolChoice: { name: answerTool.tool.name } } : {};
}
