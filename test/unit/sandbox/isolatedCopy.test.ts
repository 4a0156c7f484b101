import { strict as assert } from 'node:assert';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import * as path from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { applyResolved } from '../../../src/core/edits/applyResolved';
import type { ResolvedPlan } from '../../../src/core/edits/editPlan';
import { createIsolatedCopy, ScratchError, type IsolatedCopy } from '../../../src/core/sandbox/isolatedCopy';
import { alignBases } from '../../../src/core/verify/alignBases';
import {
  BREAKING_PATCH,
  git,
  makeWorkspace,
  resolvePatch,
  treeHash,
  worktreeCount,
  type TempWorkspace,
} from '../verify/helpers';

// What the verify stage does before running: bring edited files to their base, then apply.
async function applyPlanToScratch(scratch: IsolatedCopy, resolved: ResolvedPlan) {
  scratch.notes.push(...(await alignBases(scratch.source, scratch.root, resolved)));
  return applyResolved(resolved, scratch.root);
}

// Issue 15 (C2) replaced the shared git worktree by a clone with its own git directory, and the
// node_modules symlink by a read-only mount: the expectations about `kind`, the worktree count and
// node_modules below changed with it; everything else is as before.
describe('createIsolatedCopy', () => {
  let ws: TempWorkspace | undefined;
  afterEach(() => ws?.cleanup());

  it('in a git repository: a clone at HEAD with its own git directory, plus the uncommitted changes', async () => {
    ws = makeWorkspace({ git: true });
    const { root } = ws;
    writeFileSync(path.join(root, '.gitignore'), 'ignored.log\nbuild/\n');
    git(['add', '.gitignore'], root);
    git(['commit', '--quiet', '-m', 'ignore'], root);
    // What the user sees differs from HEAD in every way that matters:
    writeFileSync(path.join(root, 'src/math.js'), readFileSync(path.join(root, 'src/math.js'), 'utf8') + '// edited\n');
    rmSync(path.join(root, 'README.md'));
    writeFileSync(path.join(root, 'src/new.js'), 'exports.x = 1;\n');
    mkdirSync(path.join(root, 'src/deep/er'), { recursive: true });
    writeFileSync(path.join(root, 'src/deep/er/file.txt'), 'deep\n');
    writeFileSync(path.join(root, 'staged.txt'), 'staged\n');
    git(['add', 'staged.txt'], root);
    writeFileSync(path.join(root, 'ignored.log'), 'noise\n');
    mkdirSync(path.join(root, 'build'));
    writeFileSync(path.join(root, 'build/out.js'), 'built\n');
    mkdirSync(path.join(root, 'node_modules/dep'), { recursive: true });
    writeFileSync(path.join(root, 'node_modules/dep/index.js'), 'module.exports = 42;\n');
    const before = treeHash(root);
    const indexBefore = readFileSync(path.join(root, '.git/index'));

    const scratch = await createIsolatedCopy(root, { tmpDir: ws.scratchTmp });
    try {
      assert.equal(scratch.kind, 'git-clone');
      assert.ok(scratch.root.startsWith(realpathSync(ws.scratchTmp)));
      assert.equal(worktreeCount(root), 1, 'no worktree is added to the repository');
      assert.equal(
        realpathSync(path.resolve(scratch.root, git(['rev-parse', '--git-common-dir'], scratch.root).trim())),
        realpathSync(path.join(scratch.root, '.git')),
        'its git directory is its own',
      );
      assert.equal(git(['remote'], scratch.root).trim(), '', 'no remote points back at the repository');
      assert.equal(git(['status', '--porcelain'], scratch.root), '', 'the baseline holds the working tree');
      assert.equal(git(['rev-parse', 'HEAD'], scratch.root).trim(), scratch.baseline);
      const s = (p: string) => path.join(scratch.root, p);
      assert.equal(readFileSync(s('src/math.js'), 'utf8'), readFileSync(path.join(root, 'src/math.js'), 'utf8'));
      assert.equal(existsSync(s('README.md')), false, 'deletion carried over');
      assert.equal(readFileSync(s('src/new.js'), 'utf8'), 'exports.x = 1;\n');
      assert.equal(readFileSync(s('src/deep/er/file.txt'), 'utf8'), 'deep\n');
      assert.equal(readFileSync(s('staged.txt'), 'utf8'), 'staged\n');
      assert.equal(existsSync(s('ignored.log')), false, 'ignored files stay out');
      assert.equal(existsSync(s('build')), false, 'ignored folders stay out');
      // node_modules is not ignored here: it is still not copied file by file, nor linked, but an
      // empty mount point the sandbox mounts the real folder on, read-only.
      assert.ok(lstatSync(s('node_modules')).isDirectory(), 'a mount point, not a symlink');
      assert.deepEqual(readdirSync(s('node_modules')), []);
      assert.deepEqual(scratch.mounts[0], {
        source: realpathSync(path.join(root, 'node_modules')),
        target: s('node_modules'),
      });
      assert.deepEqual([...scratch.carriedOver].sort(), [
        'README.md',
        'node_modules/ (dependencies)',
        'src/deep/er/file.txt',
        'src/math.js',
        'src/new.js',
        'staged.txt',
      ]);
      // Edits land in the scratch only.
      const resolved = await resolvePatch(root, BREAKING_PATCH);
      const applied = await applyPlanToScratch(scratch, resolved);
      assert.equal(applied.ok, true, JSON.stringify(applied));
      assert.match(readFileSync(s('src/math.js'), 'utf8'), /a - b/);
      assert.doesNotMatch(readFileSync(path.join(root, 'src/math.js'), 'utf8'), /a - b/);
    } finally {
      assert.deepEqual(await scratch.dispose(), []);
    }
    assert.equal(existsSync(scratch.container), false);
    assert.deepEqual(readdirSync(ws.scratchTmp), []);
    assert.equal(worktreeCount(root), 1, git(['worktree', 'list'], root));
    assert.equal(treeHash(root), before, 'workspace unchanged');
    assert.deepEqual(readFileSync(path.join(root, '.git/index')), indexBefore, 'index unchanged');
    assert.equal(readFileSync(path.join(root, 'node_modules/dep/index.js'), 'utf8'), 'module.exports = 42;\n');
  });

  it('an untracked nested repository is copied without its .git, its node_modules mounted', async () => {
    ws = makeWorkspace({ git: true });
    const nested = path.join(ws.root, 'tools/nested');
    mkdirSync(path.join(nested, 'node_modules/dep'), { recursive: true });
    git(['init', '--quiet'], nested);
    writeFileSync(path.join(nested, 'index.js'), 'nested\n');
    writeFileSync(path.join(nested, 'node_modules/dep/index.js'), 'dep\n');
    const scratch = await createIsolatedCopy(ws.root, { tmpDir: ws.scratchTmp });
    try {
      const s = path.join(scratch.root, 'tools/nested');
      assert.equal(readFileSync(path.join(s, 'index.js'), 'utf8'), 'nested\n');
      assert.equal(existsSync(path.join(s, '.git')), false);
      assert.ok(
        scratch.mounts.some(
          (m) =>
            m.target === path.join(s, 'node_modules') && m.source === realpathSync(path.join(nested, 'node_modules')),
        ),
      );
    } finally {
      assert.deepEqual(await scratch.dispose(), []);
    }
    assert.equal(readFileSync(path.join(nested, 'node_modules/dep/index.js'), 'utf8'), 'dep\n');
  });

  it('odd file names (spaces, quotes, unicode, a newline) are carried over intact', async () => {
    ws = makeWorkspace({ git: true });
    const names = ['with space.txt', 'quote"d.txt', 'ünïcødé ✓.txt', 'new\nline.txt'];
    for (const n of names) writeFileSync(path.join(ws.root, 'src', n), `${n}\n`);
    git(['add', path.join('src', names[0])], ws.root);
    git(['commit', '--quiet', '-m', 'one tracked'], ws.root);
    writeFileSync(path.join(ws.root, 'src', names[0]), 'modified\n');
    const scratch = await createIsolatedCopy(ws.root, { tmpDir: ws.scratchTmp });
    try {
      assert.equal(readFileSync(path.join(scratch.root, 'src', names[0]), 'utf8'), 'modified\n');
      for (const n of names.slice(1)) assert.equal(readFileSync(path.join(scratch.root, 'src', n), 'utf8'), `${n}\n`);
    } finally {
      await scratch.dispose();
    }
  });

  it('a workspace root below the repository top maps to the same folder in the worktree', async () => {
    ws = makeWorkspace({ git: true });
    const sub = path.join(ws.root, 'src');
    writeFileSync(path.join(sub, 'local.js'), 'untracked\n');
    const scratch = await createIsolatedCopy(sub, { tmpDir: ws.scratchTmp });
    try {
      assert.equal(scratch.kind, 'git-clone');
      assert.equal(path.basename(scratch.root), 'src');
      assert.equal(readFileSync(path.join(scratch.root, 'local.js'), 'utf8'), 'untracked\n');
      assert.ok(existsSync(path.join(scratch.root, '..', 'test/run.js')), 'the rest of the repository is there too');
    } finally {
      await scratch.dispose();
    }
    assert.equal(worktreeCount(ws.root), 1);
  });

  it('a checkout filter that changes bytes (eol=crlf) does not make a sound plan stale', async () => {
    ws = makeWorkspace({ git: true });
    writeFileSync(path.join(ws.root, '.gitattributes'), '*.js text eol=crlf\n');
    git(['add', '.gitattributes'], ws.root);
    git(['commit', '--quiet', '-m', 'crlf on checkout'], ws.root);
    const resolved = await resolvePatch(ws.root, BREAKING_PATCH);
    const scratch = await createIsolatedCopy(ws.root, { tmpDir: ws.scratchTmp });
    try {
      const other = readFileSync(path.join(scratch.root, 'test/run.js'), 'utf8');
      assert.match(other, /\r\n/, 'git wrote CRLF into the worktree');
      const applied = await applyPlanToScratch(scratch, resolved);
      assert.equal(applied.ok, true, JSON.stringify(applied));
      assert.equal(readFileSync(path.join(scratch.root, 'src/math.js'), 'utf8'), resolved.files[0].after);
      assert.deepEqual(scratch.notes, [], 'the workspace bytes matched; no note needed');
    } finally {
      await scratch.dispose();
    }
  });

  it('submodules come along as the user has them checked out', async () => {
    ws = makeWorkspace({ git: true });
    const lib = path.join(ws.outDir, 'lib');
    mkdirSync(lib);
    git(['init', '--quiet', '--initial-branch=main'], lib);
    writeFileSync(path.join(lib, 'lib.js'), 'exports.v = 1;\n');
    git(['add', '.'], lib);
    git(['commit', '--quiet', '-m', 'lib'], lib);
    git(['-c', 'protocol.file.allow=always', 'submodule', 'add', '--quiet', lib, 'vendor/lib'], ws.root);
    git(['commit', '--quiet', '-m', 'add submodule'], ws.root);
    // An uncommitted edit inside the submodule is part of what the user sees.
    writeFileSync(path.join(ws.root, 'vendor/lib/lib.js'), 'exports.v = 2;\n');
    const before = treeHash(ws.root);
    const scratch = await createIsolatedCopy(ws.root, { tmpDir: ws.scratchTmp });
    try {
      assert.equal(readFileSync(path.join(scratch.root, 'vendor/lib/lib.js'), 'utf8'), 'exports.v = 2;\n');
      assert.equal(existsSync(path.join(scratch.root, 'vendor/lib/.git')), false);
      assert.ok(scratch.carriedOver.includes('vendor/lib/ (submodule)'));
    } finally {
      assert.deepEqual(await scratch.dispose(), []);
    }
    assert.equal(treeHash(ws.root), before);
    assert.equal(worktreeCount(ws.root), 1);
  });

  it('a plain folder: a copy without .git, node_modules mounted, symlinks kept as links', async () => {
    ws = makeWorkspace({ git: false });
    const { root } = ws;
    mkdirSync(path.join(root, 'node_modules/dep'), { recursive: true });
    writeFileSync(path.join(root, 'node_modules/dep/index.js'), 'module.exports = 1;\n');
    mkdirSync(path.join(root, '.git'));
    writeFileSync(path.join(root, '.git/HEAD'), 'not really\n');
    symlinkSync('src/math.js', path.join(root, 'relative-link.js'));
    symlinkSync(path.join(root, 'src/math.js'), path.join(root, 'absolute-link.js'));
    const before = treeHash(root);

    const scratch = await createIsolatedCopy(root, { tmpDir: ws.scratchTmp });
    try {
      assert.equal(scratch.kind, 'copy');
      const s = (p: string) => path.join(scratch.root, p);
      assert.equal(readFileSync(s('src/math.js'), 'utf8'), readFileSync(path.join(root, 'src/math.js'), 'utf8'));
      assert.equal(existsSync(s('.git')), false);
      assert.deepEqual(scratch.mounts, [
        { source: realpathSync(path.join(root, 'node_modules')), target: s('node_modules') },
      ]);
      assert.equal(scratch.baseline, undefined, 'no repository unless asked for one');
      assert.equal(readlinkSync(s('relative-link.js')), 'src/math.js');
      // An absolute link into the workspace is re-aimed at the scratch, so writes stay there.
      assert.equal(readlinkSync(s('absolute-link.js')), s('src/math.js'));
      const resolved = await resolvePatch(root, BREAKING_PATCH);
      assert.equal((await applyPlanToScratch(scratch, resolved)).ok, true);
      assert.match(readFileSync(s('src/math.js'), 'utf8'), /a - b/);
    } finally {
      assert.deepEqual(await scratch.dispose(), []);
    }
    assert.deepEqual(readdirSync(ws.scratchTmp), []);
    assert.equal(treeHash(root), before);
    assert.equal(existsSync(path.join(root, 'node_modules/dep/index.js')), true, 'disposing never follows the link');
  });

  it('a repository without a commit is copied', async () => {
    ws = makeWorkspace({ git: false });
    git(['init', '--quiet'], ws.root);
    const scratch = await createIsolatedCopy(ws.root, { tmpDir: ws.scratchTmp });
    try {
      assert.equal(scratch.kind, 'copy');
      assert.ok(existsSync(path.join(scratch.root, 'test/run.js')));
    } finally {
      await scratch.dispose();
    }
  });

  it('falls back to a copy, with a note, when git cannot clone', async () => {
    ws = makeWorkspace({ git: true });
    // A blob missing from the object store (as in a partial clone offline): HEAD still resolves,
    // but checking it out fails.
    const blob = git(['rev-parse', 'HEAD:README.md'], ws.root).trim();
    rmSync(path.join(ws.root, '.git/objects', blob.slice(0, 2), blob.slice(2)), { force: true });
    writeFileSync(path.join(ws.root, 'untracked.txt'), 'seen\n');
    const scratch = await createIsolatedCopy(ws.root, { tmpDir: ws.scratchTmp });
    try {
      assert.equal(scratch.kind, 'copy');
      assert.match(
        scratch.notes.join('\n'),
        /git clone failed, so a plain copy was made instead: checking out HEAD left 1 file\(s\) unreadable: README\.md/,
      );
      assert.equal(readFileSync(path.join(scratch.root, 'untracked.txt'), 'utf8'), 'seen\n');
    } finally {
      await scratch.dispose();
    }
    assert.deepEqual(readdirSync(ws.scratchTmp), []);
  });

  it('refuses a copy over the size budget, cleaning up what it made', async () => {
    ws = makeWorkspace({ git: false });
    await assert.rejects(
      createIsolatedCopy(ws.root, { tmpDir: ws.scratchTmp, maxCopyBytes: 100 }),
      (e: unknown) => e instanceof ScratchError && /too much for a verification run/.test((e as Error).message),
    );
    assert.deepEqual(readdirSync(ws.scratchTmp), []);
  });

  it('the budget also bounds what a worktree carries over', async () => {
    ws = makeWorkspace({ git: true });
    writeFileSync(path.join(ws.root, 'big-untracked.bin'), Buffer.alloc(50_000, 1));
    await assert.rejects(
      createIsolatedCopy(ws.root, { tmpDir: ws.scratchTmp, maxCopyBytes: 20_000 }),
      (e: unknown) =>
        e instanceof ScratchError &&
        /too much for a verification run/.test(e.message) &&
        /git clone failed/.test(e.message),
    );
    assert.deepEqual(readdirSync(ws.scratchTmp), []);
    assert.equal(worktreeCount(ws.root), 1);
  });

  it('an unusable temp folder is a clear error naming it', async () => {
    ws = makeWorkspace({ git: false });
    const bad = path.join(ws.outDir, 'no-such-tmp');
    await assert.rejects(
      createIsolatedCopy(ws.root, { tmpDir: bad }),
      (e: unknown) => e instanceof ScratchError && e.message.includes(bad) && /TMPDIR/.test(e.message),
    );
  });

  it('names the root when it does not exist', async () => {
    ws = makeWorkspace({ git: false });
    const missing = path.join(ws.root, 'nope');
    await assert.rejects(
      createIsolatedCopy(missing, { tmpDir: ws.scratchTmp }),
      new RegExp(missing.replace(/[/.]/g, '\\$&')),
    );
    assert.deepEqual(readdirSync(ws.scratchTmp), []);
  });

  it('dispose is idempotent, also when the folder vanished', async () => {
    ws = makeWorkspace({ git: true });
    const scratch = await createIsolatedCopy(ws.root, { tmpDir: ws.scratchTmp });
    rmSync(scratch.container, { recursive: true, force: true });
    await scratch.dispose();
    await scratch.dispose();
    assert.equal(worktreeCount(ws.root), 1);
  });
});
