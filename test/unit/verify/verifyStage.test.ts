import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { verifyFindingText } from '../../../src/core/verify/verifyFinding';
import { VerifyOutcomeSchema, type VerifyOutcome } from '../../../src/core/verify/verifySchema';
import { runVerifyStage, type VerifyStageInput } from '../../../src/core/verify/verifyStage';
import {
  asker,
  BREAKING_PATCH,
  git,
  makeWorkspace,
  memoryApprovals,
  PASSING_PATCH,
  pidAlive,
  resolvePatch,
  treeHash,
  waitFor,
  worktreeCount,
  type TempWorkspace,
} from './helpers';

const node = JSON.stringify(process.execPath);
const TEST_COMMAND = `${node} test/run.js`;
// Cases that watch the command from outside (a marker file, pid files in a folder beside the
// workspace) run in the unsandboxed mode a user can opt into, where that folder is reachable; the
// sandbox hides it. Their sandboxed counterparts are in verifyStageSandbox.test.ts and the hostile suite.
const UNSANDBOXED = { allowUnsandboxed: true, support: { ok: false as const, reason: 'opted out for this case' } };

function ran(outcome: VerifyOutcome) {
  VerifyOutcomeSchema.parse(outcome);
  assert.equal(outcome.status, 'ran', JSON.stringify(outcome));
  if (outcome.status !== 'ran') throw new Error('unreachable');
  return outcome.result;
}

describe('runVerifyStage', () => {
  let ws: TempWorkspace;
  afterEach(() => ws.cleanup());

  /** Runs the stage and checks the invariants every case shares: workspace untouched, scratch gone. */
  async function stage(overrides: Partial<VerifyStageInput> & { patch?: string }, isGit: boolean) {
    const before = treeHash(ws.root);
    const repoBefore = isGit ? repoState(ws.root) : undefined;
    const resolvedPlan = overrides.resolvedPlan ?? (await resolvePatch(ws.root, overrides.patch ?? PASSING_PATCH));
    const outcome = await runVerifyStage({
      root: ws.root,
      resolvedPlan,
      verify: { command: TEST_COMMAND, timeoutSeconds: 30 },
      trusted: true,
      approvals: memoryApprovals(),
      askApproval: asker(true),
      scratch: { tmpDir: ws.scratchTmp },
      ...overrides,
    });
    assert.equal(treeHash(ws.root), before, 'the workspace is byte-identical');
    assert.deepEqual(readdirSync(ws.scratchTmp), [], 'no scratch folder left');
    if (isGit) {
      assert.equal(worktreeCount(ws.root), 1, 'git worktree list is clean');
      assert.deepEqual(repoState(ws.root), repoBefore, 'refs, HEAD, index and config of the repository unchanged');
    }
    return outcome;
  }

  /** What a scratch must never change in the user's repository. */
  function repoState(root: string) {
    const gitDir = path.join(root, '.git');
    return {
      refs: git(['for-each-ref', '--format=%(refname) %(objectname)'], root),
      head: readFileSync(path.join(gitDir, 'HEAD'), 'utf8'),
      index: readFileSync(path.join(gitDir, 'index')).toString('base64'),
      config: readFileSync(path.join(gitDir, 'config'), 'utf8'),
      worktrees: existsSync(path.join(gitDir, 'worktrees')) ? readdirSync(path.join(gitDir, 'worktrees')).length : 0,
    };
  }

  it('git workspace: a passing change passes', async () => {
    ws = makeWorkspace({ git: true });
    writeFileSync(path.join(ws.root, 'notes.txt'), 'uncommitted\n');
    const outcome = await stage({}, true);
    const r = ran(outcome);
    assert.equal(outcome.status === 'ran' && outcome.scratch?.kind, 'git-clone');
    assert.equal(outcome.status === 'ran' && outcome.scratch?.carriedOverCount, 1);
    assert.equal(r.passed, true);
    assert.equal(r.exitCode, 0);
    assert.match(r.outputTail, /all checks passed/);
  });

  it('git workspace: a breaking change fails, and the finding carries the output', async () => {
    ws = makeWorkspace({ git: true });
    const r = ran(await stage({ patch: BREAKING_PATCH }, true));
    assert.equal(r.passed, false);
    assert.equal(r.exitCode, 1);
    assert.match(r.outputTail, /not ok - add\(2, 3\) is 5/);
    const finding = verifyFindingText(r);
    assert.match(finding, /Verification FAILED/);
    assert.ok(finding.includes(`Command: ${TEST_COMMAND}`));
    assert.match(finding, /exit code 1/);
    assert.match(finding, /<<<VERIFY_OUTPUT\n[\s\S]*not ok - add[\s\S]*\nVERIFY_OUTPUT>>>/);
  });

  it('plain folder: passing and breaking changes', async () => {
    ws = makeWorkspace({ git: false });
    const passed = await stage({}, false);
    assert.equal(ran(passed).passed, true);
    assert.equal(passed.status === 'ran' && passed.scratch?.kind, 'copy');
    const failed = ran(await stage({ patch: BREAKING_PATCH }, false));
    assert.equal(failed.passed, false);
    assert.match(failed.outputTail, /2 check\(s\) failed/);
  });

  it('tests what the user sees: uncommitted changes are part of the scratch', async () => {
    ws = makeWorkspace({ git: true });
    // Break the committed code in the working tree only; the change itself is harmless.
    const math = path.join(ws.root, 'src/math.js');
    writeFileSync(math, readFileSync(math, 'utf8') + 'exports.add = (a, b) => a * b;\n');
    const r = ran(await stage({}, true));
    assert.equal(r.passed, false);
    assert.match(r.outputTail, /not ok - add\(2, 3\) is 5/);
  });

  it('a git repository that cannot be cloned is verified in a copy, and the outcome says so', async () => {
    ws = makeWorkspace({ git: true });
    // A blob missing from the object store (a partial clone offline): the checkout would be incomplete.
    const blob = git(['rev-parse', 'HEAD:README.md'], ws.root).trim();
    rmSync(path.join(ws.root, '.git/objects', blob.slice(0, 2), blob.slice(2)));
    const outcome = await stage({ patch: BREAKING_PATCH }, false);
    const r = ran(outcome);
    assert.equal(r.exitCode, 1);
    assert.ok(outcome.status === 'ran' && /plain copy/.test(outcome.notes?.join(' ') ?? ''));
  });

  it("the editor's unsaved text is what gets tested; paths out of the workspace are refused", async () => {
    ws = makeWorkspace({ git: true });
    const outsideFile = path.join(ws.outDir, 'x.js');
    const outcome = await stage(
      {
        unsavedFiles: [
          { path: 'test/run.js', text: "console.log('unsaved test file ran'); process.exit(4);\n" },
          { path: '../out/x.js', text: 'escaped\n' },
        ],
      },
      true,
    );
    const r = ran(outcome);
    assert.equal(r.exitCode, 4);
    assert.match(r.outputTail, /unsaved test file ran/);
    const notes = outcome.status === 'ran' ? (outcome.notes ?? []).join('\n') : '';
    assert.match(notes, /unsaved text of: test\/run\.js/);
    assert.match(notes, /not used .*\.\.\/out\/x\.js/);
    assert.equal(existsSync(outsideFile), false);
  });

  it('untrusted workspace: nothing runs and nobody is asked', async () => {
    ws = makeWorkspace({ git: true });
    const marker = path.join(ws.outDir, 'ran');
    const ask = asker(true);
    const outcome = await stage(
      { trusted: false, askApproval: ask, verify: { command: `touch ${JSON.stringify(marker)}`, timeoutSeconds: 5 } },
      true,
    );
    assert.equal(outcome.status, 'skipped-untrusted');
    assert.match(outcome.status === 'skipped-untrusted' ? outcome.reason : '', /skipped: workspace not trusted/);
    assert.deepEqual(ask.asked, []);
    assert.equal(existsSync(marker), false);
  });

  it('not approved: nothing runs; approved once: remembered; changed command: asked again', async () => {
    ws = makeWorkspace({ git: false });
    const marker = path.join(ws.outDir, 'ran');
    const command = `touch ${JSON.stringify(marker)}`;
    const approvals = memoryApprovals();

    const no = asker(false);
    const declined = await stage(
      { approvals, askApproval: no, verify: { command, timeoutSeconds: 5 }, isolation: UNSANDBOXED },
      false,
    );
    assert.equal(declined.status, 'skipped-not-approved');
    assert.deepEqual(no.asked, [command], 'the exact command was shown');
    assert.equal(existsSync(marker), false);
    assert.equal(approvals.hashes.size, 0);

    const yes = asker(true);
    assert.equal(
      ran(
        await stage(
          { approvals, askApproval: yes, verify: { command, timeoutSeconds: 5 }, isolation: UNSANDBOXED },
          false,
        ),
      ).passed,
      true,
    );
    assert.equal(existsSync(marker), true);
    assert.deepEqual(yes.asked, [command]);

    const again = asker(false);
    assert.equal(
      ran(
        await stage(
          { approvals, askApproval: again, verify: { command, timeoutSeconds: 5 }, isolation: UNSANDBOXED },
          false,
        ),
      ).passed,
      true,
    );
    assert.deepEqual(again.asked, [], 'remembered: not asked again');

    const changed = `${command} `;
    const asked = await stage(
      { approvals, askApproval: again, verify: { command: changed, timeoutSeconds: 5 }, isolation: UNSANDBOXED },
      false,
    );
    assert.equal(asked.status, 'skipped-not-approved');
    assert.deepEqual(again.asked, [changed], 'a changed command asks again');
  });

  it('a hanging command is killed at the limit with its whole group', async () => {
    ws = makeWorkspace({ git: true });
    const pidFile = path.join(ws.outDir, 'pids.json');
    const r = ran(
      await stage(
        {
          // Generous, so the child has surely written its pids before the limit on a loaded machine.
          verify: { command: `${node} tools/spawnGrandchild.js ${JSON.stringify(pidFile)}`, timeoutSeconds: 5 },
          killGraceMs: 500,
          isolation: UNSANDBOXED,
        },
        true,
      ),
    );
    assert.equal(r.timedOut, true);
    assert.equal(r.passed, false);
    const pids = JSON.parse(readFileSync(pidFile, 'utf8')) as { child: number; grandchild: number };
    assert.ok(await waitFor(() => !pidAlive(pids.grandchild) && !pidAlive(pids.child), 10_000));
    assert.match(verifyFindingText(r), /timed out after [5-9]\.\d s and was killed/);
  });

  it('keys stay out of the command environment', async () => {
    ws = makeWorkspace({ git: false });
    const r = ran(
      await stage(
        {
          // An allow-list now (issue 15, M3): the harmless variable passes because the policy names it.
          verify: { command: `${node} tools/printEnv.js`, timeoutSeconds: 10, env: ['SWITCHYARD_HARMLESS'] },
          env: {
            ...process.env,
            OPENAI_API_KEY: 'sk-live-openai-abcdefghijklmnop',
            ANTHROPIC_API_KEY: 'sk-ant-live-abcdefghij',
            MY_PROVIDER_KEY_ENV: 'value-of-a-policy-key',
            SWITCHYARD_HARMLESS: 'still-here',
          },
          secretEnvNames: ['MY_PROVIDER_KEY_ENV'],
        },
        false,
      ),
    );
    const seen = JSON.parse(/ENV (.*)/.exec(r.outputTail)![1]) as Record<string, string | null>;
    assert.equal(seen.OPENAI_API_KEY, null);
    assert.equal(seen.ANTHROPIC_API_KEY, null);
    assert.equal(seen.MY_PROVIDER_KEY_ENV, null);
    assert.equal(seen.SWITCHYARD_HARMLESS, 'still-here');
    assert.ok(r.withheldEnv.includes('OPENAI_API_KEY'));
  });

  it('a file changed since the edit was made: verified against the text the edit was made on, with a note', async () => {
    ws = makeWorkspace({ git: true });
    const resolvedPlan = await resolvePatch(ws.root, PASSING_PATCH);
    // After the edit was resolved, the file on disk changes in a way that would fail the tests.
    const math = path.join(ws.root, 'src/math.js');
    writeFileSync(math, readFileSync(math, 'utf8') + 'exports.add = (a, b) => a * b;\n');
    const outcome = await stage({ resolvedPlan }, true);
    const r = ran(outcome);
    assert.equal(r.passed, true, 'the change was tested on the base it was made against');
    assert.ok(
      outcome.status === 'ran' &&
        /src\/math\.js: verified against the text the edit was made on/.test(outcome.notes?.join('\n') ?? ''),
    );
  });

  it('a plan whose base matches nothing fails to prepare and runs nothing', async () => {
    ws = makeWorkspace({ git: true });
    const good = await resolvePatch(ws.root, BREAKING_PATCH);
    const resolvedPlan = { ...good, files: good.files.map((f) => ({ ...f, baseHash: '0'.repeat(64) })) };
    const marker = path.join(ws.outDir, 'ran');
    const outcome = await stage(
      { resolvedPlan, verify: { command: `touch ${JSON.stringify(marker)}`, timeoutSeconds: 5 } },
      true,
    );
    assert.equal(outcome.status, 'failed-to-prepare');
    if (outcome.status !== 'failed-to-prepare') return;
    assert.equal(outcome.problems[0]?.kind, 'stale');
    assert.equal(outcome.problems[0]?.path, 'src/math.js');
    assert.match(outcome.reason, /did not apply to a fresh copy/);
    assert.equal(existsSync(marker), false);
  });

  it('a hand-made plan writing through a symlink out of the workspace is refused; nothing outside is touched', async () => {
    ws = makeWorkspace({ git: true });
    const outside = path.join(ws.outDir, 'outside');
    mkdirSync(outside);
    symlinkSync(outside, path.join(ws.root, 'escape'));
    git(['add', 'escape'], ws.root);
    git(['commit', '--quiet', '-m', 'a link out'], ws.root);
    const resolvedPlan = {
      format: 'search-replace' as const,
      files: [
        {
          path: 'escape/pwned.txt',
          op: 'create' as const,
          baseHash: null,
          before: '',
          after: 'pwned\n',
          tolerances: [],
        },
      ],
    };
    const marker = path.join(ws.outDir, 'ran');
    const outcome = await stage(
      { resolvedPlan, verify: { command: `touch ${JSON.stringify(marker)}`, timeoutSeconds: 5 } },
      true,
    );
    assert.equal(outcome.status, 'failed-to-prepare');
    assert.ok(outcome.status === 'failed-to-prepare' && outcome.problems[0]?.kind === 'path');
    assert.deepEqual(readdirSync(outside), []);
    assert.equal(existsSync(marker), false);
  });

  it('a root that does not exist fails to prepare with its path', async () => {
    ws = makeWorkspace({ git: false });
    const resolvedPlan = await resolvePatch(ws.root, PASSING_PATCH);
    const missing = path.join(ws.root, 'gone');
    const outcome = await runVerifyStage({
      root: missing,
      resolvedPlan,
      verify: { command: 'true', timeoutSeconds: 5 },
      trusted: true,
      approvals: memoryApprovals(),
      askApproval: asker(true),
      scratch: { tmpDir: ws.scratchTmp },
    });
    assert.equal(outcome.status, 'failed-to-prepare');
    assert.ok(outcome.status === 'failed-to-prepare' && outcome.reason.includes(missing));
    assert.deepEqual(readdirSync(ws.scratchTmp), []);
  });

  it('cancel while the approval question is open ends the stage at once', async () => {
    ws = makeWorkspace({ git: false });
    const ac = new AbortController();
    const marker = path.join(ws.outDir, 'ran');
    let asked = false;
    const started = Date.now();
    const outcome = await stage(
      {
        signal: ac.signal,
        askApproval: () => {
          asked = true;
          // Cancel once the question is open (not on a timer, which raced the preparation under load).
          setTimeout(() => ac.abort(), 50);
          return new Promise<boolean>(() => undefined); // a modal nobody answers
        },
        verify: { command: `touch ${JSON.stringify(marker)}`, timeoutSeconds: 5 },
      },
      false,
    );
    assert.equal(asked, true);
    assert.equal(outcome.status, 'cancelled');
    assert.ok(Date.now() - started < 20_000);
    assert.equal(existsSync(marker), false);
  });

  it('cancel: before the start nothing runs; during the run the group is killed', async () => {
    ws = makeWorkspace({ git: true });
    const early = new AbortController();
    early.abort();
    const marker = path.join(ws.outDir, 'ran');
    const skipped = await stage(
      { signal: early.signal, verify: { command: `touch ${JSON.stringify(marker)}`, timeoutSeconds: 5 } },
      true,
    );
    assert.equal(skipped.status, 'cancelled');
    assert.equal(existsSync(marker), false);

    const pidFile = path.join(ws.outDir, 'pids.json');
    const ac = new AbortController();
    const watcher = setInterval(() => {
      if (existsSync(pidFile)) ac.abort();
    }, 25);
    try {
      const r = ran(
        await stage(
          {
            signal: ac.signal,
            killGraceMs: 500,
            isolation: UNSANDBOXED,
            verify: { command: `${node} tools/spawnGrandchild.js ${JSON.stringify(pidFile)}`, timeoutSeconds: 60 },
          },
          true,
        ),
      );
      assert.equal(r.cancelled, true);
      assert.equal(r.timedOut, false);
      const pids = JSON.parse(readFileSync(pidFile, 'utf8')) as { child: number; grandchild: number };
      assert.ok(await waitFor(() => !pidAlive(pids.grandchild), 10_000));
    } finally {
      clearInterval(watcher);
    }
  });
});
