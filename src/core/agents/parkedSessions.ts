// Agent sessions kept after their run ends, so that a later run reusing the change an agent made
// (re-run the critic, then send the change back) resumes that agent's own session in its own
// copy. One per host (the extension keeps one for the window; the CLI, one run per process, none).
// A parked session is found by the model and the change it made; it is taken out when resumed,
// and the oldest are removed (their copies deleted) beyond a few, or when the host ends.
import { access } from 'node:fs/promises';
import type { IsolatedCopy } from '../sandbox/isolatedCopy';

export interface ParkedSession {
  modelId: string;
  /** The change the session's last pass made (a unified diff against the workspace). */
  diff: string;
  session: string;
  copy: IsolatedCopy;
}

export class ParkedSessions {
  private readonly parked = new Map<string, ParkedSession>();

  constructor(private readonly keep = 3) {}

  async park(p: ParkedSession): Promise<void> {
    const key = keyOf(p.modelId, p.diff);
    await this.parked.get(key)?.copy.dispose();
    this.parked.set(key, p);
    while (this.parked.size > this.keep) {
      const [oldest, s] = this.parked.entries().next().value as [string, ParkedSession];
      this.parked.delete(oldest);
      await s.copy.dispose();
    }
  }

  /** The session that made `diff`, taken out; or why there is none to resume. */
  async take(modelId: string, diff: string): Promise<ParkedSession | { missing: string }> {
    const key = keyOf(modelId, diff);
    const p = this.parked.get(key);
    if (!p) return { missing: `no session of ${modelId} that made this change is kept (it ended with its run)` };
    this.parked.delete(key);
    try {
      await access(p.copy.root);
      return p;
    } catch {
      return { missing: `the scratch copy of its session is gone (${p.copy.root})` };
    }
  }

  get size(): number {
    return this.parked.size;
  }

  async dispose(): Promise<void> {
    const all = [...this.parked.values()];
    this.parked.clear();
    for (const p of all) await p.copy.dispose();
  }
}

function keyOf(modelId: string, diff: string): string {
  return `${modelId}\0${diff.trim()}`;
}
