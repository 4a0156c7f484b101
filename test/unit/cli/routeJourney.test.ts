// The CLI journey a new user takes, on a real package: ms@2.1.3 (the npm package, as npm installed it
// in node_modules) in a fresh git repository, a two-vendor routing policy in .switchyard/routing.json,
// models played by the loopback server over the real OpenAI and Anthropic wire protocols, and the
// real `switchyard` command run as a child process with no terminal (stdin not a TTY), as in CI:
//   route --yes → the approved fix is on disk;  stats --range 7d → the run is in the shared ledger;
//   route (no --yes) → nothing applied, and it says why (no terminal), never "human gate";
//   route with one vendor's key only → no same-vendor review, the reason said once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { git, switchyard } from '../../support/cliProcess';
import { startLoopbackServer, type RecordedRequest, type Reply } from '../../support/loopbackServer';
import { roleOf } from '../pipeline/harness';

const repoRoot = resolve(__dirname, '..', '..', '..');
const MS = join(repoRoot, 'node_modules', 'ms');
const TASK = 'Fix the JSDoc of parse() in index.js: it returns undefined when the string cannot be parsed';
const OLD_DOC = [
  ' * @param {String} str',
  ' * @return {Number}',
  ' * @api private',
  ' */',
  '',
  'function parse(str) {',
];
const NEW_DOC = [
  ' * @param {String} str',
  ' * @return {Number|undefined}',
  ' * @api private',
  ' */',
  '',
  'function parse(str) {',
];

function json(value: unknown): Reply {
  return { text: '```json\n' + JSON.stringify(value) + '\n```' };
}

/** Answers every role: the implementer (Anthropic) fixes the JSDoc, the critic (OpenAI) approves. */
function team(req: RecordedRequest): Reply | undefined {
  switch (roleOf(req)) {
    case 'scout':
      return json({ relevantFiles: [{ path: 'index.js', why: 'parse() is defined there' }], facts: [] });
    case 'architect':
      return json({ summary: 'Fix the JSDoc', steps: ['Edit the @return tag'], filesToTouch: ['index.js'], risks: [] });
    case 'implementer':
      return {
        text: ['index.js', '<<<<<<< SEARCH', ...OLD_DOC, '=======', ...NEW_DOC, '>>>>>>> REPLACE', ''].join('\n'),
      };
    case 'critic':
    case 'finalOwner':
      return json({ verdict: 'approve', summary: 'The @return tag now says what parse() returns.', findings: [] });
    default:
      return undefined;
  }
}

function policy(server: { openaiBaseUrl: string; anthropicBaseUrl: string }): string {
  return JSON.stringify({
    models: [
      {
        id: 'claude-loop',
        provider: 'anthropic',
        model: 'claude-journey',
        vendor: 'anthropic',
        baseUrl: server.anthropicBaseUrl,
        price: { inputPerMTok: 3, outputPerMTok: 15 },
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
    stages: {
      scout: ['gpt-loop'],
      architect: ['gpt-loop'],
      implementer: ['claude-loop', 'gpt-loop'],
      critic: ['gpt-loop', 'claude-loop'],
      finalOwner: ['gpt-loop'],
    },
    rules: { retry: { maxAttempts: 1, baseDelayMs: 0, maxDelayMs: 1 } },
  });
}

test('the CLI journey on ms@2.1.3: route --yes, stats --range 7d, a refusal without a terminal that says why', async () => {
  assert.equal(JSON.parse(readFileSync(join(MS, 'package.json'), 'utf8')).version, '2.1.3');
  const server = await startLoopbackServer();
  server.setHandler(team);
  const home = mkdtempSync(join(tmpdir(), 'switchyard-journey-home-'));
  const repo = mkdtempSync(join(tmpdir(), 'switchyard-journey-ms-'));
  try {
    for (const f of ['index.js', 'package.json', 'readme.md', 'license.md']) cpSync(join(MS, f), join(repo, f));
    mkdirSync(join(repo, '.switchyard'));
    writeFileSync(join(repo, '.switchyard', 'routing.json'), policy(server));
    git(repo, 'init', '-q');
    git(repo, 'add', '.');
    git(repo, 'commit', '-q', '-m', 'ms@2.1.3');
    const original = readFileSync(join(repo, 'index.js'), 'utf8');
    assert.ok(original.includes(OLD_DOC.join('\n')));
    // No --ledger and no SWITCHYARD_LEDGER: the shared default under the (temporary) XDG state folder.
    const env = {
      HOME: home,
      XDG_STATE_HOME: join(home, 'state'),
      OPENAI_API_KEY: 'sk-journey-openai-0123456789',
      ANTHROPIC_API_KEY: 'sk-journey-anthropic-0123456789',
      // The models are this repository's own (its .switchyard/routing.json): --yes applies what they
      // approve only for a root the person vouched for, as a CI job would.
      SWITCHYARD_TRUST_WORKSPACE_MODELS: repo,
    };

    const routed = await switchyard(['route', '--yes', TASK], env, repo);
    assert.equal(routed.code, 0, routed.err);
    const fixed = readFileSync(join(repo, 'index.js'), 'utf8');
    assert.ok(fixed.includes(' * @return {Number|undefined}'), 'the approved fix is in index.js on disk');
    assert.equal(fixed, original.replace(OLD_DOC.join('\n'), NEW_DOC.join('\n')), 'and nothing else changed');
    assert.match(routed.out, /\+ \* @return \{Number\|undefined\}/, 'the diff is printed');
    assert.match(routed.out, /Review: APPROVE/);
    const wire = server.requests.map((r) => `${roleOf(r)}:${r.api}`);
    assert.ok(wire.includes('implementer:anthropic-messages'), wire.join(' '));
    assert.ok(wire.includes('critic:openai-chat'), wire.join(' '));
    const ledger = join(home, 'state', 'switchyard', 'runs.jsonl');
    const first = JSON.parse(readFileSync(ledger, 'utf8').trim().split('\n')[0]!);
    assert.equal(first.outcome, 'applied');

    const stats = await switchyard(['stats', '--range', '7d'], env, repo);
    assert.equal(stats.code, 0, stats.err);
    assert.ok(stats.out.includes(`Ledger: ${ledger} (range 7d, kind all)`), stats.out);
    assert.match(stats.out, /claude-loop\s+implementer\s+1\s+100%/);
    assert.match(stats.out, /1 run\(s\), 1 applied, 1 trusted change\(s\)/);
    const byKind = await switchyard(['stats', '--range', '7d', '--kind', 'feature'], env, repo);
    assert.equal(byKind.code, 0, byKind.err);
    assert.match(byKind.out, /No runs in .* match range 7d, kind feature \(1 run\(s\) in all\)/);

    // Without --yes and without a terminal: nothing is applied, and the outcome says why.
    git(repo, 'checkout', '-q', '--', 'index.js');
    const refused = await switchyard(['route', TASK], env, repo);
    assert.equal(refused.code, 1, refused.err);
    assert.equal(readFileSync(join(repo, 'index.js'), 'utf8'), original);
    assert.match(refused.err, /^rejected: not confirmed: there is no terminal to ask on; pass --yes/m);
    assert.doesNotMatch(refused.err + refused.out, /human gate/i);
    const second = JSON.parse(readFileSync(ledger, 'utf8').trim().split('\n')[1]!);
    assert.equal(second.outcome, 'rejected');
    assert.match(second.message, /no terminal to ask on/, 'the record says why too');

    // One vendor's key only: no reviewer of another vendor, said once; the gate needs a person.
    const single = await switchyard(['route', '--yes', TASK], { ...env, OPENAI_API_KEY: '' }, repo);
    assert.equal(single.code, 1, single.err);
    assert.equal(readFileSync(join(repo, 'index.js'), 'utf8'), original);
    const noReviewer = single.err.match(/no reviewer from a vendor other than anthropic/g) ?? [];
    assert.equal(noReviewer.length, 1, `said ${noReviewer.length} times:\n${single.err}`);
    assert.match(single.err, /a person must confirm \(no-cross-vendor-reviewer: see above\)/);

    const bogus = await switchyard(['route', '--bogus'], env, repo);
    assert.equal(bogus.code, 2);
    assert.match(bogus.err, /^switchyard route: unknown option --bogus; the options are below\.$/m);
  } finally {
    await server.close();
    rmSync(repo, { recursive: true, force: true });
    rmSync(home, { recursive: true, force: true });
  }
});
