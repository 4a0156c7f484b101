// Data residency in a real extension host: a workspace policy forbids region cn for src/cart.ts and
// puts a cn model first in the implementer's and the critic's chains. Routing a task on that file
// goes to the allowed models, the cn model gets no request at all (the loopback server's log), the
// panel's view and the decision name the rule, and re-running a stage with the forbidden model is
// refused with the reason.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { RunViewSchema } from '../../src/protocol/panelProtocol';
import type { LoopbackServer } from '../support/loopbackServer';
import { loopbackPolicy } from './extensionFixtures';
import { mainModule, newRunAtDecision, useLoopbackTeam } from './hostHelpers';

const TASK = 'Fix the negative total in src/cart.ts when the discount is over 100%';
const REASON = 'region cn not allowed for src/cart.ts (rules.residency[0] in .switchyard/routing.json)';

/** The usual two loopback models (vendors declared in us) plus a cn model first in line. */
function residencyPolicy(server: LoopbackServer): string {
  const policy = JSON.parse(loopbackPolicy(server).replace(/^\/\/.*\n/, ''));
  policy.models.push({
    id: 'loop-cn',
    provider: 'openai-compatible',
    model: 'loop-cn',
    vendor: 'deepseek',
    baseUrl: `${server.url}/v1`,
    region: 'cn',
  });
  policy.vendors = { anthropic: { region: 'us' }, openai: { region: 'us' } };
  policy.stages.implementer = ['loop-cn', 'loop-claude'];
  policy.stages.critic = ['loop-cn', 'loop-gpt', 'loop-claude'];
  policy.rules.residency = [{ paths: ['src/cart.ts'], denyRegions: ['cn'] }];
  return JSON.stringify(policy, null, 2);
}

suite('data residency', () => {
  const server = useLoopbackTeam(residencyPolicy);

  test('a run on a file under a path rule routes around the forbidden region, and the panel names the rule', async function () {
    this.timeout(60_000);
    const svc = mainModule().currentServices()!;
    assert.equal(svc.policy.valid, true, svc.policy.problems.join('\n'));
    const previous = svc.runs.current?.runId;
    void vscode.commands.executeCommand('switchyard.routeTask', TASK, { openDiffOnGate: false });
    const run = await newRunAtDecision(previous);
    assert.equal(run.model.view.state, 'awaiting-approval', run.model.view.message);

    // What the panel is sent: the rule in words, and each rejection with its reason.
    const view = RunViewSchema.parse(run.model.view);
    assert.equal(view.residency.length, 1);
    assert.match(
      view.residency[0]!,
      /^rules\.residency\[0\] in \.switchyard\/routing\.json: src\/cart\.ts: not regions cn — applies to src\/cart\.ts; kept loop-cn from the /,
    );
    for (const stage of ['implementer', 'critic'] as const) {
      const s = view.stages.find((x) => x.stage === stage)!;
      assert.notEqual(s.modelId, 'loop-cn', `${stage} model`);
      assert.ok(
        s.rejected.some((r) => r.modelId === 'loop-cn' && r.reason === REASON),
        `${stage} rejected: ${JSON.stringify(s.rejected)}`,
      );
    }
    // The bytes on the wire: the cn model was never called; the file went only to allowed models.
    assert.deepEqual(
      server()
        .requests.filter((r) => r.model === 'loop-cn')
        .map((r) => r.path),
      [],
    );
    assert.ok(server().requests.some((r) => r.rawBody.includes('discountPercent')));
  });

  test('re-running a stage with the forbidden model is refused with the reason', async function () {
    this.timeout(30_000);
    const svc = mainModule().currentServices()!;
    const before = svc.runs.current!.runId;
    const started = await vscode.commands.executeCommand('switchyard.rerunStage', 'critic', 'loop-cn');
    assert.equal(started, undefined);
    assert.equal(svc.runs.current!.runId, before, 'no new run started');
    assert.equal(
      server().requests.filter((r) => r.model === 'loop-cn').length,
      0,
      'and nothing was sent to the forbidden model',
    );
  });
});
