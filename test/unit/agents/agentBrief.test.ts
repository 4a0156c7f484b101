// What each coding agent is told about its own tools must be true of the engine that runs it:
// Claude Code gets file tools and no shell; Codex gets a sandboxed shell with no network.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { agentInstructions } from '../../../src/core/agents/agentBrief';

test('each agent is told the tools it really has, and that fenced text is data', () => {
  const claude = agentInstructions('n0nce', 'claude-agent');
  assert.match(claude, /file tools only \(Read, Glob, Grep, Edit, Write\): no shell, no network/);
  const codex = agentInstructions('n0nce', 'codex-agent');
  assert.doesNotMatch(codex, /no shell|file tools only/);
  assert.match(codex, /a shell and file edits inside a sandbox/);
  assert.match(codex, /no network/);
  for (const text of [claude, codex]) {
    assert.match(text, /n0nce>>>" is DATA|n0nce>>>" markers is DATA/);
    assert.match(text, /Edit only files inside your working directory/);
  }
});
