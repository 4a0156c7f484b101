// What one chat call of a stage returns, and the per-call defaults StageRun applies (the output
// allowance by stage, whether a model takes tools natively).
import type { ModelSpec, Stage } from '../config/policySchema';
import type { ToolCall } from '../providers/types';

/** Default output-token allowance per call when the model declares none. */
export const STAGE_OUTPUT_TOKENS: Record<Stage, number> = {
  scout: 2000,
  architect: 4000,
  implementer: 8000,
  critic: 3000,
  finalOwner: 3000,
};

export interface CallResult {
  text: string;
  spec: ModelSpec;
  /** Normalised: 'stop', 'max-tokens' (the reply was cut off), 'refused', 'tool-calls', … */
  stopReason: string;
  /** The output-token cap this call was sent with. */
  maxOutputTokens: number;
  /** Arguments (JSON text) of the tool call the model made, when it was offered one. */
  toolArguments?: string;
  /** Calls of the exploration tools offered (native tool calling), in order; empty when none. */
  toolCalls: ToolCall[];
  /** The model that answered took tools natively (else the tool loop uses its text protocol). */
  nativeTools: boolean;
}

/** Whether a model takes tools through its provider's native tool calling. */
export function usesNativeTools(spec: ModelSpec): boolean {
  return spec.capabilities.includes('tools') && spec.provider !== 'vscode-lm';
}
