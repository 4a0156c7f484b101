// Shows what a coding agent does as its stage's output, as it happens: what it was sent (for
// "what this role saw"), its narration, each tool call and its result (the same tool events the
// chat roles' read-only tools emit), and every refusal. At the end, its pass as one model call.
import type { ModelSpec } from '../config/policySchema';
import { serverOf } from '../stage/callWatch';
import type { PipelineEventOf } from '../stage/events';
import type { StageRun } from '../stage/stageRun';
import type { AgentPassOutcome, AgentStep } from './agentTypes';
import type { LimitStop } from './limitWatch';

type CallEvent = Omit<PipelineEventOf<'model-call-finished'>, 'runId' | 'at'>;

export class StepReporter {
  private readonly toolNames = new Map<string, string>();
  /** Tool calls by tool, for the pass's one-line summary. */
  private readonly counts = new Map<string, number>();

  constructor(private readonly sr: StageRun) {}

  sent(spec: ModelSpec, system: string, prompt: string, artifacts: string[]): void {
    const { sr } = this;
    sr.recordSent({ modelId: spec.id, artifacts, system, messages: [{ role: 'user', content: prompt }] });
    sr.emit({
      type: 'context-sent',
      stage: sr.stage,
      round: sr.round,
      modelId: spec.id,
      artifacts,
      sent: { system, messages: [{ role: 'user', content: prompt }] },
      chars: system.length + prompt.length,
    });
  }

  step(s: AgentStep): void {
    const { sr } = this;
    switch (s.kind) {
      case 'text':
        sr.output(`${s.text.trim()}\n`);
        return;
      case 'tool':
        this.toolNames.set(s.id, s.tool);
        this.counts.set(s.tool, (this.counts.get(s.tool) ?? 0) + 1);
        sr.emit({ type: 'tool-called', stage: sr.stage, round: sr.round, callId: s.id, tool: s.tool, args: s.args });
        sr.output(`→ ${s.tool} ${s.args}\n`);
        return;
      case 'tool-result': {
        const tool = s.tool || this.toolNames.get(s.id) || 'tool';
        sr.emit({
          type: 'tool-result',
          stage: sr.stage,
          round: sr.round,
          callId: s.id,
          tool,
          ok: s.ok,
          summary: s.summary,
          chars: s.summary.length,
          paths: [],
        });
        if (!s.ok) sr.output(`  ✗ ${s.summary}\n`);
        return;
      }
      case 'refused':
        sr.output(`  ✗ ${s.tool} refused: ${s.reason}\n`);
        return;
    }
  }

  /** One line closing the pass's output: what the agent did, in numbers, and what stopped it. */
  summary(out: AgentPassOutcome, refused: number, stopped?: 'cancelled' | LimitStop): void {
    const tools = [...this.counts].map(([t, n]) => `${t} ×${n}`).join(', ') || 'no tool calls';
    const turns = out.turns ? `${out.turns} turn(s); ` : '';
    const why =
      stopped === 'cancelled' ? 'stopped: cancelled' : stopped ? `stopped at ${stopped.what}` : `stopped: ${out.stop}`;
    this.sr.output(`── agent pass: ${turns}${tools}${refused ? `; ${refused} refused` : ''}; ${why}\n`);
  }

  callEvent(
    spec: ModelSpec,
    p: {
      startedAt: number;
      durationMs: number;
      out: AgentPassOutcome;
      costUsd: number;
      /** Cancelled by the user, or stopped at a limit. */
      stopped?: 'cancelled' | LimitStop;
    },
  ): CallEvent {
    const { out } = p;
    const limit = typeof p.stopped === 'object' ? p.stopped : undefined;
    const failed = !!limit || out.stop !== 'done';
    const error = limit
      ? { kind: limit.kind, message: `stopped at ${limit.what}`, modelId: spec.id }
      : failed
        ? { kind: out.stop, message: out.errors.join('; ') || out.stop, modelId: spec.id }
        : undefined;
    return {
      type: 'model-call-finished',
      stage: this.sr.stage,
      round: this.sr.round,
      modelId: spec.id,
      vendor: spec.vendor,
      provider: spec.provider,
      requestModel: spec.model,
      ...serverOf(spec.baseUrl),
      ...(out.sessionId ? { responseId: out.sessionId } : {}),
      startedAt: p.startedAt,
      durationMs: p.durationMs,
      maxOutputTokens: 0,
      inputTokens: out.usage.inputTokens,
      outputTokens: out.usage.outputTokens,
      ...(out.usage.cachedInputTokens ? { cachedInputTokens: out.usage.cachedInputTokens } : {}),
      usageEstimated: false,
      costUsd: p.costUsd,
      stopReason: limit ? limit.kind : out.stop === 'done' ? 'stop' : out.stop,
      attempts: 1,
      status: p.stopped === 'cancelled' ? 'cancelled' : failed ? 'failed' : 'ok',
      ...(error ? { error } : {}),
    };
  }
}
