// A workspace that is a folder of a larger git repository (a monorepo package): the agent's copy is
// made from the repository, the agent works in the copy's counterpart of the workspace folder, the
// diff's paths are relative to the workspace folder, and Apply writes there — for both agents
// (the real SDKs and agents on the loopback server).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyResolved } from '../../../src/core/edits/applyResolved';
import { fsWorkspaceReader } from '../../../src/core/pipeline/workspaceReader';
import { approve } from '../pipeline/harness';
import { endAgentRun, startAgentRun } from './agentHarness';
import { claudePolicy, codexPolicy } from './agentPolicies';
import { agentCwd, type AgentStepScript } from '../../support/agentScript';

const CART = 'export function total(items: number[]): number {\n  return items.reduce((a, b) => a - b, 0);\n}\n';
const FIXED = CART.replace('a - b', 'a + b');
const LINE = '  return items.reduce((a, b) => a - b, 0);';

const steps = (kind: 'claude' | 'codex'): AgentStepScript[] => [
  kind === 'claude'
    ? { tool: 'Edit', input: { file_path: '{cwd}/src/cart.ts', old_string: 'a - b', new_string: 'a + b' } }
    : {
        tool: 'exec_command',
        input: {
          cmd: `apply_patch <<'EOF'\n*** Begin Patch\n*** Update File: src/cart.ts\n@@\n-${LINE}\n+${LINE.replace('a - b', 'a + b')}\n*** End Patch\nEOF`,
        },
      },
  { text: 'Fixed the sum.' },
];

for (const kind of ['claude', 'codex'] as const) {
  test(`${kind}: in a workspace that is a folder of a repository, the copy, the diff and Apply are relative to that folder`, async () => {
    // The harness's folder becomes the repository; the workspace is its packages/shop.
    const a = await startAgentRun(
      { 'README.md': '# monorepo\n', 'packages/shop/src/cart.ts': CART },
      steps(kind),
      kind,
    );
    const repo = a.h.root;
    const ws = join(repo, 'packages', 'shop');
    try {
      const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, encoding: 'utf8' });
      git('init', '-q');
      git('-c', 'user.email=t@t', '-c', 'user.name=t', 'add', '.');
      git('-c', 'user.email=t@t', '-c', 'user.name=t', 'commit', '-q', '-m', 'monorepo');
      mkdirSync(join(ws, '.switchyard'), { recursive: true });
      writeFileSync(join(ws, 'NOTES.md'), 'uncommitted notes\n');
      a.h.queues.critic.push(approve());
      const r = await a.h.run('Fix the negative total in src/cart.ts', {
        policy: kind === 'codex' ? codexPolicy(a.h.server) : claudePolicy(a.h.server),
        agents: a.host,
        root: ws,
        workspace: fsWorkspaceReader(ws),
        apply: async (resolved) => applyResolved(resolved, ws),
      });
      assert.equal(r.outcome, 'applied', r.message);
      assert.deepEqual(r.diff?.files, ['src/cart.ts'], 'paths relative to the workspace folder');
      assert.match(r.diff!.diff, /^--- a\/src\/cart\.ts$/m);
      assert.equal(readFileSync(join(ws, 'src/cart.ts'), 'utf8'), FIXED);
      assert.equal(readFileSync(join(repo, 'README.md'), 'utf8'), '# monorepo\n');
      const cwd = agentCwd(a.agentRequests[0]!, kind) ?? '';
      assert.match(cwd, /\/packages\/shop$/, `the agent works in the copy's workspace folder (${cwd})`);
      assert.ok(!cwd.startsWith(repo), 'in the copy, not the repository');
      assert.equal(git('status', '--porcelain'), ' M packages/shop/src/cart.ts\n?? packages/shop/NOTES.md\n');
    } finally {
      await endAgentRun(a);
    }
  });
}
