// RoleSession: one role's private conversation — its own system prompt, its own history, its own
// token budget. Roles never share a session; what one role learns reaches another only as a typed
// artifact rendered into a new message (see contextBoundary.ts, which records exactly that).
import type { Stage } from '../config/policySchema';
import {
  messageText,
  type ChatMessage,
  type ChatRequest,
  type ToolCall,
  type ToolResultPart,
} from '../providers/types';
import { approxTokens } from './approxTokens';

export class RoleSession {
  private readonly history: ChatMessage[] = [];
  private outputTokensUsed = 0;

  constructor(
    readonly stage: Stage,
    readonly system: string,
    /** Output tokens this role may spend over the whole run (rules.budgets.perStageOutputTokens). */
    readonly outputTokenBudget: number = Infinity,
  ) {}

  addUser(content: string): void {
    this.history.push({ role: 'user', content });
  }

  /** The model's reply; `toolCalls` when it called tools natively (their results must follow). */
  addAssistant(content: string, toolCalls: readonly ToolCall[] = []): void {
    this.history.push({ role: 'assistant', content, ...(toolCalls.length ? { toolCalls: [...toolCalls] } : {}) });
  }

  /** The results of the previous turn's tool calls, with an optional note after them. */
  addToolResults(results: readonly ToolResultPart[], note = ''): void {
    this.history.push({ role: 'user', content: note, toolResults: [...results] });
  }

  recordOutputTokens(n: number): void {
    this.outputTokensUsed += n;
  }

  get outputTokensLeft(): number {
    return Math.max(0, this.outputTokenBudget - this.outputTokensUsed);
  }

  get messages(): readonly ChatMessage[] {
    return this.history;
  }

  /** Rough input size of the next request, for budget checks before sending. */
  approxInputTokens(): number {
    return approxTokens(this.system) + this.history.reduce((n, m) => n + approxTokens(messageText(m)) + 4, 0);
  }

  request(extra: Omit<ChatRequest, 'system' | 'messages'> = {}): ChatRequest {
    return {
      ...extra,
      system: this.system,
      messages: this.history.map((m) => ({
        ...m,
        ...(m.toolCalls ? { toolCalls: m.toolCalls.map((c) => ({ ...c })) } : {}),
        ...(m.toolResults ? { toolResults: m.toolResults.map((r) => ({ ...r })) } : {}),
      })),
    };
  }
}
