// Everything a fresh machine needs before Switchyard can build, start, or be tested, done only
// when missing so that it costs nothing the second time:
//   1. Debian packages for the real VS Code host, the browser and the verify sandbox (root + apt only),
//   2. npm dependencies (`npm ci` when node_modules is missing or older than the lockfile),
//   3. the isolated VS Code host under .vscode-test/host (scripts/installHost.mjs).
// Quiet by design: each step prints one line ("setup: npm ci … done (41 s)"); what the tools print
// (apt, npm, node-gyp, the host's own install) goes to .vscode-test/setup.log, and only a failure
// shows its last lines. SWITCHYARD_SETUP_VERBOSE=1 prints everything as it comes.
// Uses only Node built-ins: it runs before node_modules exists.
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const APT_PACKAGES = [
  'chromium',
  'ripgrep',
  'bubblewrap',
  'libkrb5-dev',
  'libx11-dev',
  'libxkbfile-dev',
  'libsecret-1-dev',
  'pkg-config',
  'patch',
];
export const SETUP_LOG = join(root, '.vscode-test', 'setup.log');
const verbose = process.env.SWITCHYARD_SETUP_VERBOSE === '1';

/** Runs one set-up step: a line on screen, the tool's output in the log (or on screen when verbose). */
function run(label, cmd, args, opts = {}) {
  const started = Date.now();
  let fd;
  if (!verbose) {
    mkdirSync(join(root, '.vscode-test'), { recursive: true });
    fd = openSync(SETUP_LOG, 'a');
    writeSync(fd, `\n[${new Date().toISOString()}] $ ${cmd} ${args.join(' ')}\n`);
    process.stdout.write(`setup: ${label} … `);
  } else console.log(`setup: ${label}`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: verbose ? 'inherit' : ['ignore', fd, fd], ...opts });
  if (fd !== undefined) closeSync(fd);
  const secs = Math.round((Date.now() - started) / 1000);
  if (r.status === 0) {
    if (!verbose) process.stdout.write(`done (${secs} s)\n`);
    return;
  }
  if (!verbose) {
    process.stdout.write('failed\n');
    const tail = readFileSync(SETUP_LOG, 'utf8').split('\n').slice(-40).join('\n');
    process.stderr.write(`${tail}\n(the whole output is in ${relative(process.cwd(), SETUP_LOG) || SETUP_LOG})\n`);
  }
  throw new Error(`setup: "${cmd} ${args.join(' ')}" failed (exit ${r.status ?? r.signal})`);
}

function has(cmd, args) {
  return spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;
}

export function ensureAptPackages() {
  const missing = APT_PACKAGES.filter((p) => !has('dpkg', ['-s', p]));
  if (missing.length === 0) return;
  const isRoot = process.getuid?.() === 0;
  if (!isRoot || !has('apt-get', ['--version'])) {
    throw new Error(
      `setup: these Debian packages are missing: ${missing.join(' ')}. Install them (as root: apt-get install ${missing.join(' ')}).`,
    );
  }
  run('apt-get update', 'apt-get', ['update', '-qq']);
  run(
    `apt-get install ${missing.join(' ')}`,
    'apt-get',
    ['install', '-y', '-qq', '--no-install-recommends', ...missing],
    {
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    },
  );
}

export function ensureNodeModules() {
  const marker = join(root, 'node_modules/.package-lock.json');
  const lock = join(root, 'package-lock.json');
  if (existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs) return;
  run('npm ci', 'npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error']);
}

export function ensureHost() {
  const installer = join(root, 'scripts/installHost.mjs');
  if (existsSync(installer)) run('the VS Code host (.vscode-test/host)', process.execPath, [installer]);
}

export function setup({ host = true } = {}) {
  if (host) ensureAptPackages();
  ensureNodeModules();
  if (host) ensureHost();
}

if (import.meta.url === `file://${process.argv[1]}`) {
  setup({ host: !process.argv.includes('--no-host') });
}
