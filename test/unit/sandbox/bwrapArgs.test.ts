// The bubblewrap command line is built from a layout and nothing else: these cases read it the way
// bwrap will, and check what the sandbox can and cannot see.
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { bwrapArgs, type BwrapSpec } from '../../../src/core/sandbox/bwrapArgs';
import { readableBy, toolchainView } from '../../../src/core/sandbox/systemView';

const layout = {
  cwd: '/tmp/s/work/repo',
  home: '/tmp/s/work/home',
  writable: ['/tmp/s/work'],
  readOnly: [
    { source: '/src/repo/.git/objects', target: '/src/repo/.git/objects' },
    { source: '/src/repo/node_modules', target: '/tmp/s/work/repo/node_modules' },
  ],
};
const spec = (over: Partial<BwrapSpec> = {}): string[] =>
  bwrapArgs({
    layout,
    env: { PATH: '/usr/bin', HOME: layout.home },
    features: { disableUserns: true, tmpfsSize: true },
    system: [{ path: '/usr' }, { path: '/bin', link: 'usr/bin' }, { path: '/etc' }],
    tmpBytes: 1024,
    ...over,
  });

/** The (option, operands…) groups of a bwrap command line. */
function groups(args: string[]): string[][] {
  const arity: Record<string, number> = {
    '--ro-bind': 2,
    '--ro-bind-try': 2,
    '--bind': 2,
    '--symlink': 2,
    '--setenv': 2,
    '--proc': 1,
    '--dev': 1,
    '--tmpfs': 1,
    '--size': 1,
    '--chdir': 1,
    '--remount-ro': 1,
    '--info-fd': 1,
  };
  const out: string[][] = [];
  for (let i = 0; i < args.length;) {
    const n = arity[args[i]!] ?? 0;
    out.push(args.slice(i, i + 1 + n));
    i += 1 + n;
  }
  return out;
}

describe('bwrapArgs', () => {
  it('shares nothing by default and sees only the system, its copy (writable) and its read-only mounts', () => {
    const args = spec();
    const g = groups(args).map((x) => x.join(' '));
    for (const flag of [
      '--unshare-all',
      '--unshare-user',
      '--disable-userns',
      '--die-with-parent',
      '--new-session',
      '--clearenv',
    ]) {
      assert.ok(g.includes(flag), flag);
    }
    assert.ok(!args.includes('--share-net'), 'no network');
    assert.ok(g.includes('--ro-bind-try /usr /usr') && g.includes('--symlink usr/bin /bin'));
    assert.ok(g.includes('--bind /tmp/s/work /tmp/s/work'), 'the copy is writable');
    assert.deepEqual(
      g.filter((x) => x.startsWith('--bind ')),
      ['--bind /tmp/s/work /tmp/s/work'],
      'nothing else is writable',
    );
    assert.ok(g.includes('--ro-bind /src/repo/node_modules /tmp/s/work/repo/node_modules'));
    assert.ok(g.includes('--size 1024 --tmpfs /tmp') || (g.includes('--size 1024') && g.includes('--tmpfs /tmp')));
    assert.ok(g.includes('--remount-ro /') && g.includes('--chdir /tmp/s/work/repo'));
    assert.ok(!args.some((a) => a === '/home' || a === '/root' || a === '/run'), 'no home, root or run folder');
    // Mounts inside the copy come after the copy itself, or the copy would cover them.
    assert.ok(args.indexOf('/tmp/s/work') < args.indexOf('/tmp/s/work/repo/node_modules'));
    assert.ok(args.indexOf('--remount-ro') > args.lastIndexOf('--ro-bind'));
  });

  it('the environment is exactly the one given; older bwraps get no flags they lack; the network only on request', () => {
    const args = spec({ features: { disableUserns: false, tmpfsSize: false }, network: 'host', infoFd: 3 });
    assert.deepEqual(
      groups(args)
        .filter((x) => x[0] === '--setenv')
        .map((x) => `${x[1]}=${x[2]}`),
      ['PATH=/usr/bin', `HOME=${layout.home}`],
    );
    assert.ok(!args.includes('--disable-userns') && !args.includes('--size'));
    assert.ok(args.includes('--share-net'));
    assert.deepEqual(
      groups(args).find((x) => x[0] === '--info-fd'),
      ['--info-fd', '3'],
    );
  });
});

describe('toolchainView', () => {
  it('shows PATH folders outside the system (the toolchain holding a bin), never HOME itself, and masks credentials', async () => {
    const base = mkdtempSync(path.join(tmpdir(), 'switchyard-tools-'));
    try {
      const home = path.join(base, 'home');
      mkdirSync(path.join(home, '.cargo/bin'), { recursive: true });
      writeFileSync(path.join(home, '.cargo/credentials.toml'), '[registry]\ntoken = "x"\n');
      mkdirSync(path.join(home, '.local/bin'), { recursive: true });
      mkdirSync(path.join(home, '.ssh'), { recursive: true });
      mkdirSync(path.join(base, 'opt-tools/node/bin'), { recursive: true });
      symlinkSync(path.join(base, 'opt-tools/node/bin'), path.join(base, 'linked-bin'));
      const PATH = [
        path.join(home, '.cargo/bin'),
        path.join(home, '.local/bin'),
        home,
        path.join(base, 'linked-bin'),
        '/usr/bin',
        'relative/bin',
      ].join(':');
      const view = await toolchainView({ PATH, SWITCHYARD_SANDBOX_READONLY: path.join(base, 'extra') }, home);
      const shown = view.mounts.map((m) => m.source).sort();
      assert.deepEqual(
        shown,
        [path.join(base, 'opt-tools/node'), path.join(home, '.cargo'), path.join(home, '.local/bin')].sort(),
      );
      assert.ok(view.mounts.every((m) => m.source === m.target));
      assert.deepEqual(view.mask, [path.join(home, '.cargo/credentials.toml')]);
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });

  it('readableBy follows the mode bits on the way (what nobody may reach when the host is root)', async () => {
    const base = mkdtempSync(path.join(tmpdir(), 'switchyard-modes-'));
    try {
      mkdirSync(path.join(base, 'open/inner'), { recursive: true });
      chmodSync(base, 0o755);
      const nobody = { uid: 65534, gid: 65534 };
      assert.equal(await readableBy(path.join(base, 'open/inner'), nobody), true);
      chmodSync(base, 0o700);
      assert.equal(await readableBy(path.join(base, 'open/inner'), nobody), false);
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });
});
