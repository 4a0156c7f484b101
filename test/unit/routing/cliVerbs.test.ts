// The routing engine's CLI verbs, in-process, against the loopback model server with the built-in
// policy (keys and base URLs from a fake environment, exactly as a user would set them).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runExplain } from '../../../src/cli/explain';
import { runReview } from '../../../src/cli/review';
import { runRoute } from '../../../src/cli/route';
import { runStats } from '../../../src/cli/stats';
import type { Reply } from '../../support/loopbackServer';
import { roleOf } from '../pipeline/harness';
import { io, modelServer, workspace } from './cliSupport';

const README = '# Demo\n\nThis projcet routes tasks.\n';
const fix: Reply = {
  text: 'README.md\n<<<<<<< SEARCH\nThis projcet routes tasks.\n=======\nThis project routes tasks.\n>>>>>>> REPLACE\n',
};
const approve: Reply = { text: '```json\n{"verdict":"approve","summary":"typo fixed","findings":[]}\n```' };

test('explain --json works offline with no keys and has kind, risk, signals and stages', async () => {
  const root = workspace({});
  try {
    const t = io(root, {});
    const code = await runExplain(['Add OAuth login with refresh tokens', '--json'], t.io);
    assert.equal(code, 0);
    const j = JSON.parse(t.out.join(''));
    assert.equal(j.kind, 'feature');
    assert.equal(j.risk, 'high');
    assert.ok(j.signals.includes('authentication'));
    // The features behind each call and the confidences, for scripts as for people.
    assert.ok(j.confidence.kind > 0 && j.confidence.kind <= 1);
    assert.ok(j.confidence.risk > 0 && j.confidence.risk <= 1);
    assert.equal(j.needsPlan, true);
    assert.ok(
      j.features.risk.some((f: { label: string }) => /oauth/i.test(f.label)),
      JSON.stringify(j.features),
    );
    assert.ok(j.features.kind.length > 0);
    assert.equal(j.classification.calls.kind.confidence, j.confidence.kind);
    assert.deepEqual(
      j.stages.map((s: { stage: string }) => s.stage),
      ['scout', 'architect', 'implementer', 'critic', 'finalOwner'],
    );
    // No key at all: the routing the policy intends, flagged as assuming the keys.
    assert.equal(j.assumedKeys, true);
    assert.equal(j.stages[2].modelId, 'claude-sonnet');
    // With one vendor's key, the real availability shows, with the missing variable named.
    const one = io(root, { ANTHROPIC_API_KEY: 'sk-ant-xxxxxxxx' });
    assert.equal(await runExplain(['Fix typo in README.md', '--json'], one.io), 0);
    const k = JSON.parse(one.out.join(''));
    assert.equal(k.assumedKeys, false);
    assert.match(JSON.stringify(k.stages[0].rejected), /OPENAI_API_KEY is not set/);
    assert.ok(k.gates.some((g: { code: string }) => g.code === 'no-cross-vendor-reviewer'));
    const note = io(root, {});
    assert.equal(await runExplain(['Fix typo in README.md'], note.io), 0);
    assert.match(
      note.out.join(''),
      /no API key is set, so this shows the routing as if every key were \(set .*ANTHROPIC_API_KEY/,
    );
    const text = io(root, {});
    assert.equal(await runExplain(['Fix typo in README.md', '--assume-keys'], text.io), 0);
    assert.match(text.out.join(''), /Implementer\s+claude-sonnet \(anthropic\)/);
    assert.match(text.out.join(''), /Critic\s+gpt-5 \(openai\)/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('explain: usage errors exit 2, an invalid policy exits 3 naming the file and the JSON path', async () => {
  const root = workspace({ '.switchyard/routing.json': '{ "rules": { "maxReviewRounds": "two" } }' });
  try {
    const none = io(root);
    assert.equal(await runExplain([], none.io), 2);
    assert.match(none.err.join(''), /give the task/);
    const bad = io(root);
    assert.equal(await runExplain(['fix it'], bad.io), 3);
    assert.match(bad.err.join(''), /routing\.json.*rules\.maxReviewRounds/s);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('route --yes: routes, prints the diff and review, applies after approval, records a ledger line; stats reads it', async () => {
  const { server, queues, env } = await modelServer();
  const root = workspace({ 'README.md': README });
  const ledger = join(root, '..', `ledger-${Date.now()}.jsonl`);
  try {
    queues.implementer.push(fix);
    queues.critic.push(approve);
    const t = io(root, env);
    const code = await runRoute(['Fix typo in README.md', '--yes', '--ledger', ledger], t.io);
    assert.equal(code, 0, t.err.join('\n'));
    assert.equal(readFileSync(join(root, 'README.md'), 'utf8'), '# Demo\n\nThis project routes tasks.\n');
    const stdout = t.out.join('\n');
    assert.match(stdout, /\+This project routes tasks\./);
    assert.match(stdout, /Review: APPROVE/);
    assert.match(t.err.join('\n'), /✓ Implementer · claude-sonnet/);
    const lines = readFileSync(ledger, 'utf8').trim().split('\n');
    assert.equal(lines.length, 1);
    const rec = JSON.parse(lines[0]!);
    assert.equal(rec.outcome, 'applied');
    assert.doesNotMatch(lines[0]!, /sk-openai-test|sk-ant-test/);
    const s = io(root, {});
    assert.equal(await runStats(['--ledger', ledger], s.io), 0);
    assert.match(s.out.join(''), /claude-sonnet\s+implementer\s+1\s+100%/);
    assert.match(s.out.join(''), /1 trusted change/);
  } finally {
    await server.close();
    rmSync(root, { recursive: true, force: true });
    rmSync(ledger, { force: true });
  }
});

test('route without --yes and without a terminal applies nothing and exits 1; with a "y" it applies', async () => {
  const { server, queues, env } = await modelServer();
  const root = workspace({ 'README.md': README });
  try {
    queues.implementer.push(fix);
    queues.critic.push(approve);
    const t = io(root, env);
    assert.equal(await runRoute(['Fix typo in README.md', '--no-ledger'], t.io), 1);
    assert.equal(readFileSync(join(root, 'README.md'), 'utf8'), README);
    const said = t.err.join('\n');
    assert.match(
      said,
      /rejected: not confirmed: there is no terminal to ask on; pass --yes/,
      'the run ends saying why',
    );
    assert.doesNotMatch(said, /human gate/, 'no rule asked for a person');

    queues.implementer.push(fix);
    queues.critic.push(approve);
    const asked: string[] = [];
    const y = io(root, env, async (q) => {
      asked.push(q);
      return true;
    });
    assert.equal(await runRoute(['Fix typo in README.md', '--no-ledger'], y.io), 0);
    assert.equal(asked.length, 1);
    assert.match(readFileSync(join(root, 'README.md'), 'utf8'), /This project/);
  } finally {
    await server.close();
    rmSync(root, { recursive: true, force: true });
  }
});

test('route with no keys at all fails with exit 3 and says which variable to set', async () => {
  const root = workspace({ 'README.md': README });
  try {
    const t = io(root, {});
    assert.equal(await runRoute(['Fix typo in README.md', '--no-ledger'], t.io), 3);
    assert.match(t.err.join('\n'), /ANTHROPIC_API_KEY is not set/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('review --format sarif: the git diff goes to a reviewer; findings become SARIF results; request-changes exits 1', async () => {
  const { server, queues, env } = await modelServer();
  const root = workspace({ 'src/a.ts': 'export const a = 1;\nexport const b = 2;\n' });
  try {
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd: root });
    git('init', '-q');
    git('add', '.');
    git('commit', '-q', '-m', 'init');
    writeFileSync(join(root, 'src/a.ts'), 'export const a = 1;\nexport const b = eval("2");\n');
    queues.critic.push({
      text: JSON.stringify({
        verdict: 'request-changes',
        summary: 'no eval',
        findings: [
          {
            file: 'src/a.ts',
            startLine: 2,
            endLine: 2,
            severity: 'major',
            message: 'eval is unsafe',
            suggestion: 'export const b = 2;',
          },
        ],
      }),
    });
    const t = io(root, env);
    const code = await runReview(['--format', 'sarif', '--author-vendor', 'anthropic'], t.io);
    assert.equal(code, 1, t.err.join('\n'));
    const sarif = JSON.parse(t.out.join(''));
    assert.equal(sarif.version, '2.1.0');
    const res = sarif.runs[0].results;
    assert.equal(res.length, 1);
    assert.equal(res[0].level, 'error');
    assert.equal(res[0].locations[0].physicalLocation.artifactLocation.uri, 'src/a.ts');
    assert.equal(res[0].locations[0].physicalLocation.region.startLine, 2);
    assert.equal(res[0].fixes[0].artifactChanges[0].replacements[0].insertedContent.text, 'export const b = 2;\n');
    // The author was anthropic, so the reviewer is openai; the diff reached it with line numbers.
    const req = server.requests.find((r) => roleOf(r) === 'critic')!;
    assert.equal(req.api, 'openai-chat');
    assert.match(req.rawBody, /2 \+export const b = eval/);

    queues.critic.push({
      text: JSON.stringify({
        verdict: 'approve',
        summary: 'fine',
        findings: [{ file: 'src/a.ts', startLine: 2, endLine: 2, severity: 'minor', message: 'style' }],
      }),
    });
    const j = io(root, env);
    assert.equal(await runReview(['--format', 'json', '--fail-on', 'major'], j.io), 0);
    assert.equal(JSON.parse(j.out.join('')).verdict, 'approve');
  } finally {
    await server.close();
    rmSync(root, { recursive: true, force: true });
  }
});

test('review: no changes is exit 0, a bad --format is exit 2, outside a git repo is exit 3', async () => {
  const root = workspace({ 'x.txt': 'x\n' });
  try {
    const bad = io(root);
    assert.equal(await runReview(['--format', 'xml'], bad.io), 2);
    const nogit = io(root);
    assert.equal(await runReview([], nogit.io), 3);
    assert.match(nogit.err.join(''), /git diff against HEAD failed/);
    execFileSync('git', ['init', '-q'], { cwd: root });
    execFileSync('git', ['-c', 'user.email=t@e', '-c', 'user.name=t', 'add', '.'], { cwd: root });
    execFileSync('git', ['-c', 'user.email=t@e', '-c', 'user.name=t', 'commit', '-q', '-m', 'i'], { cwd: root });
    const clean = io(root);
    assert.equal(await runReview([], clean.io), 0);
    assert.match(clean.err.join(''), /nothing to review/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('route runs the policy verify command after asking once, and shows the result', async () => {
  const { server, queues, env } = await modelServer();
  const root = workspace({
    'README.md': README,
    '.switchyard/routing.json': JSON.stringify({
      verify: { command: 'grep -q "This project" README.md', timeoutSeconds: 30 },
    }),
  });
  const config = mkdtempSync(join(tmpdir(), 'switchyard-xdg-'));
  try {
    queues.implementer.push(fix);
    queues.critic.push(approve);
    const asked: string[] = [];
    const t = io(root, { ...env, XDG_CONFIG_HOME: config }, async (q) => {
      asked.push(q);
      return true;
    });
    assert.equal(await runRoute(['Fix typo in README.md', '--yes', '--no-ledger'], t.io), 0, t.err.join('\n'));
    assert.equal(asked.length, 1);
    assert.match(asked[0]!, /grep -q "This project" README\.md/);
    assert.match(t.err.join('\n'), /Verification passed/);
    assert.match(readFileSync(join(config, 'switchyard', 'approvals.json'), 'utf8'), /"hash"/);
  } finally {
    await server.close();
    rmSync(root, { recursive: true, force: true });
    rmSync(config, { recursive: true, force: true });
  }
});

test('route answers a question (exit 0, no edits) and --json prints the result object', async () => {
  const { server, queues, env } = await modelServer();
  const root = workspace({ 'README.md': README });
  try {
    queues.answer.push({ text: 'It routes tasks (README.md).' });
    const t = io(root, env);
    assert.equal(
      await runRoute(['What does README.md say this project does?', '--json', '--no-ledger'], t.io),
      0,
      t.err.join('\n'),
    );
    const j = JSON.parse(t.out.join(''));
    assert.equal(j.outcome, 'answered');
    assert.equal(j.answer.text, 'It routes tasks (README.md).');
    assert.equal(j.record.outcome, 'answered');
    assert.equal(j.decision.producesEdits, false);
    assert.equal(readFileSync(join(root, 'README.md'), 'utf8'), README);
    // Progress and the decision went to stderr, so stdout is JSON alone.
    assert.match(t.err.join('\n'), /Stages \(answer only, no edits\)/);
  } finally {
    await server.close();
    rmSync(root, { recursive: true, force: true });
  }
});

test('review --untracked includes new files; findings are checked against the real file length', async () => {
  const { server, queues, env } = await modelServer();
  const root = workspace({ 'a.txt': 'a\n' });
  try {
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd: root });
    git('init', '-q');
    git('add', '.');
    git('commit', '-q', '-m', 'init');
    writeFileSync(join(root, 'new.ts'), 'export const fresh = 1;\nexport const two = 2;\n');
    queues.critic.push({
      text: JSON.stringify({
        verdict: 'approve',
        summary: 'ok',
        findings: [{ file: 'new.ts', startLine: 9, endLine: 9, severity: 'info', message: 'past the end' }],
      }),
    });
    const without = io(root, env);
    assert.equal(await runReview([], without.io), 0);
    assert.match(without.err.join(''), /nothing to review/);
    const t = io(root, env);
    assert.equal(await runReview(['--untracked', '--format', 'json'], t.io), 0, t.err.join('\n'));
    const req = server.requests.find((r) => roleOf(r) === 'critic')!;
    assert.match(req.rawBody, /b\/new\.ts/);
    assert.match(req.rawBody, /1 \+export const fresh = 1;/);
    assert.match(t.err.join(''), /new\.ts:9 is outside the change \(line 9 is past the end of new\.ts \(2 lines\)\)/);
  } finally {
    await server.close();
    rmSync(root, { recursive: true, force: true });
  }
});

test('route: edits that do not resolve exit 1 with nothing written', async () => {
  const { server, queues, env } = await modelServer();
  const root = workspace({ 'README.md': README });
  try {
    const wrong: Reply = { text: 'README.md\n<<<<<<< SEARCH\nnot in the file\n=======\nx\n>>>>>>> REPLACE\n' };
    queues.implementer.push(wrong, wrong);
    const t = io(root, env);
    assert.equal(await runRoute(['Fix typo in README.md', '--yes', '--no-ledger'], t.io), 1);
    assert.equal(readFileSync(join(root, 'README.md'), 'utf8'), README);
    assert.match(t.err.join('\n'), /could not be applied exactly/);
  } finally {
    await server.close();
    rmSync(root, { recursive: true, force: true });
  }
});

test('--file paths are taken relative to the current directory and must be inside the workspace', async () => {
  const root = workspace({ 'src/auth/session.ts': 'x\n' });
  try {
    const inside = io(join(root, 'src'), {});
    assert.equal(
      await runExplain(['Tidy this up', '--root', root, '--file', 'auth/session.ts', '--json'], inside.io),
      0,
    );
    const j = JSON.parse(inside.out.join(''));
    assert.equal(j.risk, 'high', 'src/auth/session.ts was seen as an auth path');
    const abs = io(root, {});
    assert.equal(await runExplain(['Tidy this up', '--file', join(root, 'src/auth/session.ts'), '--json'], abs.io), 0);
    assert.equal(JSON.parse(abs.out.join('')).risk, 'high');
    const out = io(root, {});
    assert.equal(await runExplain(['Tidy this up', '--file', '/etc/passwd'], out.io), 2);
    assert.match(out.err.join(''), /--file must name files inside the workspace/);
    const route = io(root, {});
    assert.equal(await runRoute(['Tidy this up', '--file', '../x.ts', '--no-ledger'], route.io), 2);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('route at a terminal: "s" sends the change back with a note; the revision is reviewed and applied on "y"', async () => {
  const { server, queues, env } = await modelServer();
  const root = workspace({ 'README.md': README });
  try {
    queues.implementer.push(fix);
    queues.critic.push(approve);
    queues.implementer.push(fix);
    queues.critic.push(approve);
    const answers = ['s', 'Also say it in the title', 'y'];
    const asked: string[] = [];
    const t = io(root, env);
    const withPrompt = {
      ...t.io,
      prompt: async (q: string) => {
        asked.push(q);
        return answers.shift() ?? '';
      },
    };
    assert.equal(await runRoute(['Fix typo in README.md', '--no-ledger'], withPrompt), 0, t.err.join('\n'));
    assert.deepEqual(answers, [], 'every answer was used');
    assert.match(asked[0]!, /\[s\]end back to the implementer/);
    assert.match(asked[1]!, /What should the implementer change\?/);
    // The second implementer call carried the note, in the same session as its first attempt.
    const impl = server.requests.filter((r) => r.system.includes('You are the implementer'));
    assert.equal(impl.length, 2);
    const second = JSON.stringify(impl[1]!.body);
    assert.ok(second.includes('Also say it in the title'), 'the note reached the implementer');
    assert.ok(second.includes('This project routes tasks.'), 'with its first attempt in its history');
    assert.match(readFileSync(join(root, 'README.md'), 'utf8'), /This project/);
  } finally {
    await server.close();
    rmSync(root, { recursive: true, force: true });
  }
});
