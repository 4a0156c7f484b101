// The implementer's chain as one Implementer: each model of the stage's chain implements its own
// way — a coding agent in its scratch copy (agents/agentImplementer.ts), a chat model by replying
// with edits (modelImplementer.ts) — and when one fails the stage hands over to the next model
// exactly as it does between chat models (providers/fallbackRule.ts decides; StageRun.handOver
// says so with the reason). A model taking over starts from the same brief (task, plan, findings);
// after an earlier round it also takes the change under review as its own (adopt), so nothing
// made so far is lost.
import { isAgentProvider, type ModelSpec } from '../config/policySchema';
import { shouldAgentFallBack } from '../providers/fallbackRule';
import { diffArtifactOf } from '../stage/implementerEdits';
import { HandOver, StageFailure } from '../stage/runContext';
import type { StageRun } from '../stage/stageRun';
import type { Implemented, Implementer, Revision } from './runState';

export interface ImplementerMakers {
  agent(spec: ModelSpec): Implementer;
  chat(first: ModelSpec): Implementer;
}

export class ImplementerChain implements Implementer {
  private readonly agents = new Map<string, Implementer>();
  private chat: Implementer | undefined;
  /** The change under review and who made it: a model taking over takes it as its own. */
  private current: { diff: string; by: string } | undefined;
  /** Implementers that already hold the current change (made it, or adopted it). */
  private readonly holding = new Set<Implementer>();

  constructor(private readonly make: ImplementerMakers) {}

  adopt(diff: string, by = ''): void {
    this.current = { diff, by };
    this.holding.clear();
  }

  async implement(sr: StageRun, revision: Revision | undefined): Promise<Implemented> {
    for (;;) {
      const spec = sr.begin();
      const agent = isAgentProvider(spec.provider);
      const strategy = agent ? this.agentFor(spec) : (this.chat ??= this.make.chat(spec));
      if (this.current && !this.holding.has(strategy)) {
        strategy.adopt?.(this.current.diff, this.current.by);
        this.holding.add(strategy);
      }
      try {
        const done = await strategy.implement(sr, revision);
        this.holding.clear();
        this.holding.add(strategy);
        this.current = { diff: diffArtifactOf(done.resolved).diff, by: done.spec.id };
        return done;
      } catch (e) {
        // A chat model's own fallback reached an agent: it takes over here, with the same brief.
        if (e instanceof HandOver) {
          this.dropChat();
          continue;
        }
        if (!agent) this.dropChat();
        if (!(e instanceof StageFailure) || !agent || !shouldAgentFallBack(e.info.kind)) throw e;
        if (!sr.handOver(spec, e.info)) throw e;
      }
    }
  }

  async dispose(): Promise<void> {
    for (const a of this.agents.values()) await a.dispose?.();
    await this.chat?.dispose?.();
  }

  private agentFor(spec: ModelSpec): Implementer {
    let a = this.agents.get(spec.id);
    if (!a) this.agents.set(spec.id, (a = this.make.agent(spec)));
    return a;
  }

  /** A chat session that failed part-way is not continued: the next chat model starts from the brief. */
  private dropChat(): void {
    if (this.chat && !this.holding.has(this.chat)) this.chat = undefined;
  }
}
