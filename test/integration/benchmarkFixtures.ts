// Fixtures for the routing review's integration test and e2e journey: a ledger record of a finished,
// approved and applied run (the kind a person marks as a benchmark item), and the loopback policy
// plus a cheaper candidate model of a third vendor. Nothing here imports vscode.
import type { LoopbackServer } from '../support/loopbackServer';
import { loopbackPolicy } from './extensionFixtures';

/** The team's loopback policy plus loop-new (mistral, cheaper per token), with a comment on top. */
export function candidatePolicy(server: LoopbackServer): string {
  const text = loopbackPolicy(server);
  const policy = JSON.parse(text.slice(text.indexOf('{')));
  policy.models.push({
    ...policy.models[0],
    id: 'loop-new',
    model: 'loop-new',
    vendor: 'mistral',
    price: { inputPerMTok: 0.2, outputPerMTok: 0.6 },
  });
  return `// team policy\n${JSON.stringify(policy, null, 2)}\n`;
}

/** A ledger record of a run that fixed src/cart.ts: implementer loop-claude, critic loop-gpt approved. */
export function benchmarkRunRecord(runId: string, task: string) {
  const at = new Date().toISOString();
  return {
    v: 1,
    runId,
    startedAt: at,
    finishedAt: at,
    task,
    kind: 'bugfix',
    risk: 'medium',
    signals: [],
    decision: {
      stages: [
        { stage: 'implementer', estimatedCostUsd: 0 },
        { stage: 'critic', estimatedCostUsd: 0 },
      ],
      gates: [],
      estimatedCostUsd: 0,
    },
    stages: [
      {
        stage: 'implementer',
        round: 1,
        modelId: 'loop-claude',
        vendor: 'anthropic',
        state: 'done',
        tokensIn: 900,
        tokensOut: 120,
        costUsd: 0.0045,
        elapsedMs: 1200,
      },
      {
        stage: 'critic',
        round: 1,
        modelId: 'loop-gpt',
        vendor: 'openai',
        state: 'done',
        tokensIn: 1100,
        tokensOut: 90,
        costUsd: 0.0018,
        elapsedMs: 700,
      },
    ],
    fallbacks: [],
    reviews: [
      {
        stage: 'critic',
        round: 1,
        reviewerModelId: 'loop-gpt',
        reviewerVendor: 'openai',
        implementerVendor: 'anthropic',
        verdict: 'approve',
        findings: 0,
      },
    ],
    gates: [],
    verifications: [],
    finalVerdict: 'approve',
    outcome: 'applied',
    message: 'applied',
    diff: '--- a/src/cart.ts\n+++ b/src/cart.ts\n@@ -15 +15 @@\n-x\n+y\n',
    filesChanged: ['src/cart.ts'],
    totals: { tokensIn: 2000, tokensOut: 210, costUsd: 0.0063, elapsedMs: 1900 },
  };
}
