// The ContextBoundary log: exactly what each role was sent, call by call — the system prompt, the
// messages, and the names of the artifacts that crossed into it. It backs the "what did this role
// see" view and the isolation tests (the critic's entries must never contain the implementer's
// conversation). Kept in memory for the run; the ledger stores only the artifact names.
import type { Stage } from '../config/policySchema';
import { messageText, type ChatMessage } from '../providers/types';

export interface BoundaryEntry {
  stage: Stage;
  round: number;
  modelId: string;
  /** Artifact names that crossed into this role for this call: "task", "findings", "plan", "diff", "review", "files:…". */
  artifacts: string[];
  system: string;
  messages: ChatMessage[];
  at: number;
}

export class ContextBoundaryLog {
  private readonly entries: BoundaryEntry[] = [];

  record(entry: Omit<BoundaryEntry, 'messages'> & { messages: readonly ChatMessage[] }): BoundaryEntry {
    const copy: BoundaryEntry = {
      ...entry,
      artifacts: [...entry.artifacts],
      messages: entry.messages.map((m) => ({
        ...m,
        ...(m.toolCalls ? { toolCalls: m.toolCalls.map((c) => ({ ...c })) } : {}),
        ...(m.toolResults ? { toolResults: m.toolResults.map((r) => ({ ...r })) } : {}),
      })),
    };
    this.entries.push(copy);
    return copy;
  }

  all(): readonly BoundaryEntry[] {
    return this.entries;
  }

  /** Everything one role was sent, in order (all rounds unless one is named). */
  seenBy(stage: Stage, round?: number): BoundaryEntry[] {
    return this.entries.filter((e) => e.stage === stage && (round === undefined || e.round === round));
  }

  /** The full text a role saw, joined, for "did X reach Y" checks and the UI's plain view. */
  textSeenBy(stage: Stage): string {
    return this.seenBy(stage)
      .map((e) => [e.system, ...e.messages.map((m) => `${m.role}: ${messageText(m)}`)].join('\n'))
      .join('\n\n');
  }
}
