// RoleSession: one role's private conversation — its own system prompt, its own history, its own
// token budget. Roles never share a session; what one role learns reaches another only as a typed
// artifact rendered into a new message (see contextBoundary.ts, which records exactly that).
import type { Stage } from '../config/policySchema';
import type { ChatMessage, ChatRequest } from '../providers/types';
import { approxTokens } from '../routing/estimate';

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

  addAssistant(content: string): void {
    this.history.push({ role: 'assistant', content });
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
    return approxTokens(this.system) + this.history.reduce((n, m) => n + approxTokens(m.content) + 4, 0);
  }

  request(extra: Omit<ChatRequest, 'system' | 'messages'> = {}): ChatRequest {
    return { ...extra, system: this.system, messages: this.history.map((m) => ({ ...m })) };
  }
}
