// The CLI with a coding agent as the implementer: the real `switchyard route` command (a child
// process, no terminal) on ms@2.1.3 in a fresh git repository, Claude Code (the real Claude Agent
// SDK and CLI, found next to Switchyard) editing a scratch copy through the loopback server, and a
// GPT critic reviewing the agent's diff before --yes applies it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { git, switchyard } from '../../support/cliProcess';
import { startLoopbackServer, type RecordedRequest, type Reply } from '../../support/loopbackServer';
import { scriptAgent } from '../../support/agentScript';
import { roleOf } from '../pipeline/harness';

const repoRoot = resolve(__dirname, '..', '..', '..');
const MS = join(repoRoot, 'node_modules', 'ms');
const TASK = 'Fix the JSDoc of parse() in index.js: it returns undefined when the string cannot be parsed';

function json(value: unknown): Reply {
  return { text: '```json\n' + JSON.stringify(value) + '\n```' };
}

function team(req: RecordedRequest): Reply | undefined {
  switch (roleOf(req)) {
    case 'scout':
      return json({ relevantFiles: [{ path: 'index.js', why: 'parse() is defined there' }], facts: [] });
    case 'architect':
      return json({ summary: 'Fix the JSDoc', steps: ['Edit the @return tag'], filesToTouch: ['index.js'], risks: [] });
    case 'critic':
    case 'finalOwner':
      return json({ verdict: 'approve', summary: 'The @return tag now says what parse() returns.', findings: [] });
    default:
      return undefined;
  }
}

for (const sub of ['', 'packages/ms']) {
  const where = sub ? ` in a workspace that is the folder ${sub} of a repository` : '';
  test(`switchyard route --yes with Claude Code as the implementer${where}: its steps, its diff, a GPT review, applied`, async () => {
    await routeWithAgent(sub);
  });
}

/** `sub`: the workspace's folder in the repository ('' for its top). */
async function routeWithAgent(sub: string): Promise<void> {
  const server = await startLoopbackServer();
  const { agentRequests } = scriptAgent(
    server,
    [
      { tool: 'Read', input: { file_path: '{cwd}/index.js' } },
      {
        tool: 'Edit',
        input: {
          file_path: '{cwd}/index.js',
          old_string: ' * @return {Number}\n * @api private\n */\n\nfunction parse(str) {',
          new_string: ' * @return {Number|undefined}\n * @api private\n */\n\nfunction parse(str) {',
        },
      },
      { text: 'parse() is documented to return undefined for input it cannot parse.' },
    ],
    team,
  );
  const home = mkdtempSync(join(tmpdir(), 'switchyard-agent-home-'));
  const scratch = mkdtempSync(join(tmpdir(), 'switchyard-agent-tmp-'));
  const repo = mkdtempSync(join(tmpdir(), 'switchyard-agent-ms-'));
  const ws = join(repo, sub);
  try {
    mkdirSync(join(ws, '.switchyard'), { recursive: true });
    for (const f of ['index.js', 'package.json', 'readme.md', 'license.md']) cpSync(join(MS, f), join(ws, f));
    if (sub) writeFileSync(join(repo, 'README.md'), '# a monorepo\n');
    writeFileSync(
      join(ws, '.switchyard', 'routing.json'),
      JSON.stringify({
        models: [
          {
            id: 'claude-code',
            provider: 'claude-agent',
            model: 'claude-agent-journey',
            vendor: 'anthropic',
            baseUrl: server.anthropicBaseUrl,
            price: { inputPerMTok: 3, outputPerMTok: 15 },
            agent: { maxTurns: 6, timeoutSeconds: 90 },
          },
          {
            id: 'gpt-loop',
            provider: 'openai',
            model: 'gpt-journey',
            vendor: 'openai',
            baseUrl: server.openaiBaseUrl,
            price: { inputPerMTok: 2, outputPerMTok: 8 },
          },
        ],
        stages: { scout: ['gpt-loop'], architect: ['gpt-loop'], implementer: ['claude-code'], critic: ['gpt-loop'] },
        rules: { retry: { maxAttempts: 1, baseDelayMs: 0, maxDelayMs: 1 } },
      }),
    );
    git(repo, 'init', '-q');
    git(repo, 'add', '.');
    git(repo, 'commit', '-q', '-m', 'ms@2.1.3');
    const original = readFileSync(join(ws, 'index.js'), 'utf8');
    const env = {
      HOME: home,
      TMPDIR: scratch,
      XDG_STATE_HOME: join(home, 'state'),
      OPENAI_API_KEY: 'sk-journey-openai-0123456789',
      ANTHROPIC_API_KEY: 'sk-journey-anthropic-0123456789',
      SWITCHYARD_TRUST_WORKSPACE_MODELS: ws,
    };
    const routed = await switchyard(['route', '--yes', TASK], env, ws);
    assert.equal(routed.code, 0, routed.err);
    assert.match(routed.err, /▶ Implementer · claude-code \(anthropic\)/);
    assert.match(
      routed.err,
      /→ Read \{"file_path":"[^"\n]*(index\.js"\}|…)/,
      'the path may be cut short in the terminal',
    );
    assert.match(routed.err, /→ Edit /);
    assert.match(routed.err, /review by gpt-loop \(openai\): approve/);
    const fixed = readFileSync(join(ws, 'index.js'), 'utf8');
    assert.equal(
      fixed,
      original.replace(
        ' * @return {Number}\n * @api private\n */\n\nfunction parse',
        ' * @return {Number|undefined}\n * @api private\n */\n\nfunction parse',
      ),
    );
    assert.match(routed.out, /\+ \* @return \{Number\|undefined\}/, 'the diff is printed');
    assert.match(routed.out, /^--- a\/index\.js$/m, 'its paths are relative to the workspace folder');
    assert.equal(
      git(repo, 'status', '--porcelain'),
      ` M ${sub ? `${sub}/` : ''}index.js\n`,
      'only the reviewed change reached the repository',
    );
    assert.ok(agentRequests.length >= 3);
    assert.ok(agentRequests.every((r) => r.headers['x-api-key'] === env.ANTHROPIC_API_KEY));
    const critic = server.requests.find((r) => roleOf(r) === 'critic');
    assert.ok(critic && /Number\|undefined/.test(critic.rawBody), 'the critic reviewed the agent diff');
    const record = JSON.parse(readFileSync(join(home, 'state', 'switchyard', 'runs.jsonl'), 'utf8').trim());
    assert.equal(record.outcome, 'applied');
    const impl = record.stages.find((s: { stage: string }) => s.stage === 'implementer');
    assert.equal(impl.modelId, 'claude-code');
    assert.ok(impl.costUsd > 0);
    assert.deepEqual(
      readdirSync(scratch).filter((n) => n.startsWith('switchyard-scratch-')),
      [],
      'the scratch copy is gone',
    );
  } finally {
    await server.close();
    for (const d of [repo, home, scratch]) rmSync(d, { recursive: true, force: true });
  }
}
