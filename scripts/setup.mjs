// Everything a fresh machine needs before Switchyard can build, start, or be tested, done only
// when missing so that it costs nothing the second time:
//   1. Debian packages for the real VS Code host, the browser and the verify sandbox (root + apt only),
//   2. npm dependencies (`npm ci` when node_modules is missing or older than the lockfile),
//   3. the isolated VS Code host under .vscode-test/host (scripts/installHost.mjs).
// Uses only Node built-ins: it runs before node_modules exists.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const APT_PACKAGES = ['chromium', 'ripgrep', 'bubblewrap', 'libkrb5-dev', 'libx11-dev', 'libxkbfile-dev', 'libsecret-1-dev', 'pkg-config', 'patch'];

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', ...opts });
  if (r.status !== 0) throw new Error(`setup: "${cmd} ${args.join(' ')}" failed (exit ${r.status ?? r.signal})`);
}

function has(cmd, args) {
  return spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;
}

export function ensureAptPackages() {
  const missing = APT_PACKAGES.filter((p) => !has('dpkg', ['-s', p]));
  if (missing.length === 0) return;
  const isRoot = process.getuid?.() === 0;
  if (!isRoot || !has('apt-get', ['--version'])) {
    throw new Error(`setup: these Debian packages are missing: ${missing.join(' ')}. Install them (as root: apt-get install ${missing.join(' ')}).`);
  }
  console.log(`setup: installing Debian packages: ${missing.join(' ')}`);
  run('apt-get', ['update', '-qq']);
  run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
}

export function ensureNodeModules() {
  const marker = join(root, 'node_modules/.package-lock.json');
  const lock = join(root, 'package-lock.json');
  if (existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs) return;
  console.log('setup: npm ci');
  run('npm', ['ci', '--no-audit', '--no-fund']);
}

export function ensureHost() {
  const installer = join(root, 'scripts/installHost.mjs');
  if (existsSync(installer)) run(process.execPath, [installer]);
}

export function setup({ host = true } = {}) {
  if (host) ensureAptPackages();
  ensureNodeModules();
  if (host) ensureHost();
}

if (import.meta.url === `file://${process.argv[1]}`) {
  setup({ host: !process.argv.includes('--no-host') });
}
