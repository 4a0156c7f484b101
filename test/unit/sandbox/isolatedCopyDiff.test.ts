// An isolated copy's diff — what a coding agent's work becomes (issue 16) — and why it can be
// trusted: whatever the confined command did to the copy's own .git (a diff driver or filter in its
// config, a `.git` file or an `objects` link pointing at the user's repository), taking the diff
// runs none of it and writes nothing outside the copy. Also: how node_modules appears in each mode.
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
import { createIsolatedCopy } from '../../../src/core/sandbox/isolatedCopy';
import { git, makeWorkspace, treeHash, type TempWorkspace } from '../verify/helpers';

describe('isolated copy: diff and node_modules', () => {
  let ws: TempWorkspace | undefined;
  afterEach(() => ws?.cleanup());

  it('diff() is every change since the baseline: edits, new, deleted and binary files; uncommitted work is in the baseline', async () => {
    ws = makeWorkspace({ git: true });
    writeFileSync(path.join(ws.root, 'notes.txt'), 'uncommitted\n');
    const copy = await createIsolatedCopy(ws.root, { tmpDir: ws.scratchTmp });
    try {
      const s = (p: string) => path.join(copy.root, p);
      writeFileSync(s('src/math.js'), readFileSync(s('src/math.js'), 'utf8').replace('a + b', 'a - b'));
      writeFileSync(s('new file.txt'), 'hello\n');
      rmSync(s('README.md'));
      writeFileSync(s('blob.bin'), Buffer.from([0, 1, 2, 255]));
      const diff = await copy.diff();
      assert.match(
        diff,
        /diff --git a\/src\/math\.js b\/src\/math\.js[\s\S]*-exports\.add = \(a, b\) => a \+ b;\n\+exports\.add = \(a, b\) => a - b;/,
      );
      assert.match(diff, /diff --git a\/new file\.txt b\/new file\.txt\nnew file mode 100644/);
      assert.match(diff, /diff --git a\/README\.md b\/README\.md\ndeleted file mode/);
      assert.match(diff, /diff --git a\/blob\.bin b\/blob\.bin[\s\S]*GIT binary patch/);
      assert.doesNotMatch(diff, /notes\.txt/, 'the uncommitted file was there before the change');
    } finally {
      assert.deepEqual(await copy.dispose(), []);
    }
  });

  it('a tampered .git in the copy steers nothing: drivers in its config, a .git file or objects link to the real repository', async () => {
    ws = makeWorkspace({ git: true });
    const repoBefore = readFileSync(path.join(ws.root, '.git/config'), 'utf8');
    const objectsBefore = git(['count-objects', '-v'], ws.root);
    const before = treeHash(ws.root);
    const marker = path.join(ws.outDir, 'driver-ran');
    const copy = await createIsolatedCopy(ws.root, { tmpDir: ws.scratchTmp });
    try {
      const s = (p: string) => path.join(copy.root, p);
      // What a command in the sandbox could write: drivers and attributes that would run code…
      writeFileSync(
        s('.git/config'),
        `[diff]\n\texternal = sh -c 'touch ${marker}'\n[filter "x"]\n\tclean = sh -c 'touch ${marker}; cat'\n\trequired = true\n[core]\n\tfsmonitor = touch ${marker}\n`,
      );
      writeFileSync(s('.gitattributes'), '* filter=x diff=x\n');
      // …and links from the copy's git directory into the user's repository.
      rmSync(s('.git/objects'), { recursive: true });
      symlinkSync(path.join(ws.root, '.git/objects'), s('.git/objects'));
      writeFileSync(s('.git/commondir'), path.join(ws.root, '.git'));
      writeFileSync(s('src/math.js'), 'exports.add = () => 0;\n');
      const diff = await copy.diff();
      assert.match(diff, /\+exports\.add = \(\) => 0;/);
      assert.match(diff, /\.gitattributes/, 'the attributes file is part of the change, shown, not obeyed');
      assert.equal(existsSync(marker), false, 'no driver, filter or fsmonitor ran');
    } finally {
      await copy.dispose();
    }
    assert.equal(readFileSync(path.join(ws.root, '.git/config'), 'utf8'), repoBefore);
    assert.equal(
      git(['count-objects', '-v'], ws.root),
      objectsBefore,
      'nothing was written into the real object store',
    );
    assert.equal(treeHash(ws.root), before);
  });

  it('the copy .git replaced by a gitfile pointing at the real repository: the diff still reads only the trusted copy', async () => {
    ws = makeWorkspace({ git: true });
    const indexBefore = readFileSync(path.join(ws.root, '.git/index'));
    const copy = await createIsolatedCopy(ws.root, { tmpDir: ws.scratchTmp });
    try {
      rmSync(path.join(copy.root, '.git'), { recursive: true });
      writeFileSync(path.join(copy.root, '.git'), `gitdir: ${path.join(ws.root, '.git')}\n`);
      writeFileSync(path.join(copy.root, 'added.txt'), 'new\n');
      const diff = await copy.diff();
      assert.match(diff, /added\.txt/);
    } finally {
      await copy.dispose();
    }
    assert.deepEqual(readFileSync(path.join(ws.root, '.git/index')), indexBefore, "the user's index was not touched");
  });

  it('node_modules: mounted (default), copied (unsandboxed), linked (a copy no command runs in); a monorepo’s ignored ones too', async () => {
    ws = makeWorkspace({ git: true });
    writeFileSync(path.join(ws.root, '.gitignore'), 'node_modules/\n');
    for (const dir of ['node_modules/dep', 'packages/a/node_modules/dep']) {
      mkdirSync(path.join(ws.root, dir), { recursive: true });
      writeFileSync(path.join(ws.root, dir, 'index.js'), `module.exports = '${dir}';\n`);
    }
    mkdirSync(path.join(ws.root, 'packages/a/src'), { recursive: true });
    writeFileSync(path.join(ws.root, 'packages/a/src/x.js'), 'x\n');
    git(['add', '.'], ws.root);
    git(['commit', '--quiet', '-m', 'monorepo'], ws.root);

    const mounted = await createIsolatedCopy(ws.root, { tmpDir: ws.scratchTmp });
    try {
      const targets = mounted.mounts
        .filter((m) => m.target.startsWith(mounted.root))
        .map((m) => path.relative(mounted.root, m.target));
      assert.deepEqual(targets.sort(), ['node_modules', 'packages/a/node_modules']);
      for (const t of targets)
        assert.deepEqual(readdirSync(path.join(mounted.root, t)), [], `${t} is an empty mount point`);
      assert.ok(
        mounted.mounts.some((m) => m.source === realpathSync(path.join(ws!.root, '.git/objects'))),
        'the object store, read-only',
      );
      assert.equal(git(['status', '--porcelain'], mounted.root), '');
    } finally {
      await mounted.dispose();
    }

    const copied = await createIsolatedCopy(ws.root, { tmpDir: ws.scratchTmp, nodeModules: 'copy' });
    try {
      const f = path.join(copied.root, 'packages/a/node_modules/dep/index.js');
      assert.ok(
        lstatSync(path.join(copied.root, 'node_modules')).isDirectory() &&
          !lstatSync(path.join(copied.root, 'node_modules')).isSymbolicLink(),
      );
      writeFileSync(f, 'changed in the copy\n');
      assert.equal(
        readFileSync(path.join(ws.root, 'packages/a/node_modules/dep/index.js'), 'utf8'),
        "module.exports = 'packages/a/node_modules/dep';\n",
      );
      assert.equal(await copied.diff(), '', 'dependency folders are not part of the diff');
    } finally {
      await copied.dispose();
    }

    const linked = await createIsolatedCopy(ws.root, { tmpDir: ws.scratchTmp, nodeModules: 'link' });
    try {
      assert.equal(
        readlinkSync(path.join(linked.root, 'node_modules')),
        realpathSync(path.join(ws.root, 'node_modules')),
      );
    } finally {
      await linked.dispose();
    }
    assert.equal(
      readFileSync(path.join(ws.root, 'node_modules/dep/index.js'), 'utf8'),
      "module.exports = 'node_modules/dep';\n",
    );
  });

  it('a plain folder gets a repository of its own only when asked (track), so an agent’s copy has a diff', async () => {
    ws = makeWorkspace({ git: false });
    const copy = await createIsolatedCopy(ws.root, { tmpDir: ws.scratchTmp, track: true });
    try {
      assert.equal(copy.kind, 'copy');
      assert.ok(copy.baseline);
      writeFileSync(path.join(copy.root, 'README.md'), 'changed\n');
      assert.match(await copy.diff(), /diff --git a\/README\.md b\/README\.md/);
    } finally {
      await copy.dispose();
    }
    assert.equal(existsSync(path.join(ws.root, '.git')), false);
  });
});
