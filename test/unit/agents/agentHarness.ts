// Set-up shared by the coding-agent end-to-end tests: the pipeline harness (a loopback server, a
// temporary workspace, recording gate and apply), a scratch folder for the agent's copy, the
// agent's model scripted on the same server (other roles answered from the harness queues), and
// the host that hands the agent its key.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AgentHost } from '../../../src/core/agents/agentTypes';
import { json, KEY, roleOf, startHarness, type Harness } from '../pipeline/harness';
import { scriptAgent, type AgentKind, type AgentStepScript } from '../../support/agentScript';
import type { RecordedRequest } from '../../support/loopbackServer';

export interface AgentRun {
  h: Harness;
  scratch: string;
  host: AgentHost;
  agentRequests: RecordedRequest[];
}

export async function startAgentRun(
  files: Record<string, string>,
  steps: AgentStepScript[],
  kind: AgentKind,
): Promise<AgentRun> {
  const h = await startHarness(files);
  const scratch = mkdtempSync(join(tmpdir(), `switchyard-${kind}-scratch-`));
  const others = (req: RecordedRequest) => {
    const role = roleOf(req);
    const next = role ? h.queues[role].shift() : undefined;
    return typeof next === 'function' ? next(req) : next;
  };
  const { agentRequests } = scriptAgent(h.server, steps, others, kind);
  const host: AgentHost = { credentials: async (spec) => ({ apiKey: KEY, baseUrl: spec.baseUrl }), tmpDir: scratch };
  return { h, scratch, host, agentRequests };
}

export async function endAgentRun(a: AgentRun): Promise<void> {
  await a.h.close();
  rmSync(a.scratch, { recursive: true, force: true });
}

/** A review that sends the change back with one finding the agent must then see. */
export const askForSumNote = () =>
  json({
    verdict: 'request-changes',
    summary: 'say what it sums',
    findings: [{ file: 'src/cart.ts', startLine: 2, endLine: 2, severity: 'minor', message: 'NOTE-THE-SUM' }],
  });
