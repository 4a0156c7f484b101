// Installs the real VS Code that the integration tests, the e2e journeys and `npm start` run against:
// the VS Code server bundled in the npm package code-server, in .vscode-test/host/ (git-ignored, its
// own package.json, never part of the project's dependencies). Idempotent: a marker written after a
// verified install makes the second run a few file checks.
//
// Why each step (see shared/VSCODE-OFFLINE.md): only the npm registry and Debian packages are
// reachable, so nothing here may download from anywhere else.
//   - @vscode/ripgrep's postinstall fetches rg from GitHub; we seed its download cache with Debian's rg.
//   - node-gyp would fetch Node headers; we point it at the headers installed beside this Node.
//   - npm 11 blocks dependency install scripts unless approved. code-server's postinstall (which runs
//     nested `npm install`s in lib/vscode and lib/vscode/extensions) and the native modules below must
//     run, so we approve exactly those: allowScripts in the host package.json for the top level, and a
//     project .npmrc `allow-scripts` in each nested folder (written after extracting with
//     --ignore-scripts, before running the scripts with `npm rebuild`). Older npm ignores both.
//   - As root, code-server's postinstall demands unsafe-perm; a nested `npx node-gyp` needs `yes`.
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const HOST_VERSION = '4.100.3';
// resolve(): no trailing slash, so paths built from it compare equal to other spellings.
const repoRoot = resolve(fileURLToPath(new URL('..', import.meta.url)));
export const hostDir = join(repoRoot, '.vscode-test', 'host');
const codeServerDir = join(hostDir, 'node_modules', 'code-server');
const vscodeDir = join(codeServerDir, 'lib', 'vscode');
export const serverMain = join(vscodeDir, 'out', 'server-main.js');
const markerFile = join(hostDir, '.switchyard-host.json');

// @vscode/ripgrep version used by code-server 4.100.3's VS Code, and the asset its postinstall wants.
const RIPGREP_PKG_VERSION = '1.15.11';
const RIPGREP_ASSET = 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz';

// Reviewed packages whose install scripts must run (everything else stays blocked).
// Name-only keys: the version is pinned by `dependencies`, and npm matches pins inconsistently across commands.
const TOP_LEVEL_SCRIPTS = { 'code-server': true, argon2: true };
const VSCODE_SCRIPTS = [
  '@parcel/watcher',
  '@vscode/deviceid',
  '@vscode/ripgrep',
  '@vscode/spdlog',
  'kerberos',
  'native-watchdog',
  'node-pty',
];
const EXTENSIONS_SCRIPTS = ['@parcel/watcher', 'esbuild'];

// Files that exist only when the postinstall and the native builds really ran.
const REQUIRED_FILES = [
  'out/server-main.js',
  'node_modules.asar',
  'node_modules/node-pty/build/Release/pty.node',
  'node_modules/@vscode/spdlog/build/Release/spdlog.node',
  'node_modules/native-watchdog/build/Release/watchdog.node',
  'node_modules/kerberos/build/Release/kerberos.node',
  'node_modules/@vscode/ripgrep/bin/rg',
  'extensions/node_modules/typescript/lib/typescript.js',
];

function log(message) {
  process.stdout.write(`[installHost] ${message}\n`);
}

function missingFiles() {
  return REQUIRED_FILES.filter((f) => !existsSync(join(vscodeDir, f)));
}

function readMarker() {
  try {
    return JSON.parse(readFileSync(markerFile, 'utf8'));
  } catch {
    return undefined;
  }
}

/** True when a verified install for this version and this Node ABI is already in place. */
export function hostIsInstalled() {
  const marker = readMarker();
  return (
    marker?.version === HOST_VERSION &&
    marker?.nodeModulesAbi === process.versions.modules &&
    missingFiles().length === 0
  );
}

function npmEnv() {
  const env = {
    ...process.env,
    // code-server's postinstall.sh reads this variable itself and exits when run as root without it;
    // npm 11 no longer knows the setting and warns about it, which is the lesser evil.
    npm_config_unsafe_perm: 'true',
    npm_config_yes: 'true',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
  };
  // node-gyp downloads headers unless told where they are; a distro Node ships them beside itself.
  const prefix = dirname(dirname(process.execPath));
  if (!env.npm_config_nodedir && existsSync(join(prefix, 'include', 'node', 'node.h'))) {
    env.npm_config_nodedir = prefix;
  }
  return env;
}

function run(cmd, args, cwd) {
  log(`$ ${cmd} ${args.join(' ')}   (in ${cwd})`);
  const r = spawnSync(cmd, args, { cwd, env: npmEnv(), stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.error) throw new Error(`installHost: could not run ${cmd}: ${r.error.message}`);
  if (r.status !== 0) {
    throw new Error(
      `installHost: "${cmd} ${args.join(' ')}" in ${cwd} exited with ${r.status}. ` +
        'Check the output above; the apt packages in .ci/run (build tools, libkrb5-dev, libx11-dev, ' +
        'libxkbfile-dev, libsecret-1-dev, ripgrep) are what the native builds need.',
    );
  }
}

function seedRipgrepCache() {
  const rg = '/usr/bin/rg';
  if (!existsSync(rg)) {
    throw new Error(
      "installHost: /usr/bin/rg is missing. Install Debian's ripgrep (apt-get install ripgrep); " +
        '@vscode/ripgrep would otherwise try to download rg from GitHub, which is unreachable here.',
    );
  }
  const cacheDir = join(tmpdir(), `vscode-ripgrep-cache-${RIPGREP_PKG_VERSION}`);
  const asset = join(cacheDir, RIPGREP_ASSET);
  if (existsSync(asset) && statSync(asset).size > 0) return;
  mkdirSync(cacheDir, { recursive: true });
  const r = spawnSync('tar', ['czf', asset, '-C', dirname(rg), 'rg'], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`installHost: could not write the ripgrep cache ${asset}`);
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Starts the installed server once on a free port and waits for the workbench page, then stops it. */
export async function verifyServerStarts(timeoutMs = 60_000) {
  const dataRoot = mkdtempSync(join(tmpdir(), 'switchyard-hostcheck-'));
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [
      serverMain,
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
      '--without-connection-token',
      '--accept-server-license-terms',
      '--disable-telemetry',
      '--server-data-dir',
      join(dataRoot, 'server'),
      '--user-data-dir',
      join(dataRoot, 'user'),
      '--extensions-dir',
      join(dataRoot, 'extensions'),
    ],
    { detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const deadline = Date.now() + timeoutMs;
  try {
    while (Date.now() < deadline) {
      if (child.exitCode !== null) break;
      try {
        const res = await fetch(`http://127.0.0.1:${port}/`);
        const body = await res.text();
        if (res.ok && body.includes('workbench')) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(
      `installHost: the VS Code server did not serve the workbench on 127.0.0.1:${port} within ` +
        `${timeoutMs / 1000} s (exit code ${child.exitCode}). Its output:\n${output.slice(-4000)}`,
    );
  } finally {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
    rmSync(dataRoot, { recursive: true, force: true });
  }
}

/** Installs (if needed) and verifies the host. Returns the path of server-main.js. */
const lockDir = `${hostDir}.lock`;

function lockOwnerAlive() {
  try {
    const pid = Number(readFileSync(join(lockDir, 'pid'), 'utf8'));
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * One installer at a time: several people (or suites) may share a working tree, and two npm installs
 * into the same folder corrupt each other. A lock left by a dead process is taken over.
 */
async function withInstallLock(fn, timeoutMs = 15 * 60_000) {
  mkdirSync(dirname(lockDir), { recursive: true });
  const deadline = Date.now() + timeoutMs;
  let announced = false;
  for (;;) {
    try {
      mkdirSync(lockDir);
      writeFileSync(join(lockDir, 'pid'), String(process.pid));
      break;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
      // Give a lock just being created a moment to get its pid file before judging it stale.
      await new Promise((r) => setTimeout(r, 1000));
      if (!lockOwnerAlive() && existsSync(lockDir)) {
        log('taking over an install lock left by a process that is gone');
        rmSync(lockDir, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) {
        throw new Error(`installHost: another install still holds ${lockDir} after ${timeoutMs / 60_000} min`);
      }
      if (!announced) log('another process is installing the host; waiting for it');
      announced = true;
    }
  }
  const release = () => rmSync(lockDir, { recursive: true, force: true });
  process.once('exit', release);
  try {
    return await fn();
  } finally {
    process.off('exit', release);
    release();
  }
}

export async function ensureHost({ force = false } = {}) {
  if (!force && hostIsInstalled()) {
    log(`code-server ${HOST_VERSION} already installed in ${hostDir}`);
    return serverMain;
  }
  return withInstallLock(async () => {
    // Someone else may have finished the install while we waited for the lock.
    if (!force && hostIsInstalled()) {
      log(`code-server ${HOST_VERSION} already installed in ${hostDir}`);
      return serverMain;
    }
    return install();
  });
}

async function install() {
  const started = Date.now();
  rmSync(markerFile, { force: true });
  mkdirSync(hostDir, { recursive: true });
  writeFileSync(
    join(hostDir, 'package.json'),
    JSON.stringify(
      {
        name: 'switchyard-vscode-host',
        private: true,
        description: 'The VS Code server Switchyard tests run against. Written by scripts/installHost.mjs.',
        dependencies: { 'code-server': HOST_VERSION },
        allowScripts: TOP_LEVEL_SCRIPTS,
      },
      null,
      2,
    ) + '\n',
  );
  seedRipgrepCache();
  // 1. Extract everything without running any script, so we can approve the nested installs' scripts.
  run('npm', ['install', '--ignore-scripts', '--no-save', '--no-package-lock'], hostDir);
  for (const [dir, allowed] of [
    [vscodeDir, VSCODE_SCRIPTS],
    [join(vscodeDir, 'extensions'), EXTENSIONS_SCRIPTS],
  ]) {
    writeFileSync(
      join(dir, '.npmrc'),
      `# Written by Switchyard's scripts/installHost.mjs: install scripts reviewed and allowed.\n` +
        `allow-scripts=${allowed.join(',')}\n`,
    );
  }
  // 2. Run the approved scripts: code-server's postinstall (nested installs + native builds) and argon2.
  run('npm', ['rebuild', '--foreground-scripts'], hostDir);
  const missing = missingFiles();
  if (missing.length) {
    throw new Error(
      `installHost: code-server ${HOST_VERSION} was installed but its postinstall did not produce:\n  ` +
        missing.map((f) => join(vscodeDir, f)).join('\n  ') +
        '\nThe install scripts or native builds did not run; see the npm output above.',
    );
  }
  log('starting the server once to check it serves the workbench');
  await verifyServerStarts();
  writeFileSync(
    markerFile,
    JSON.stringify({
      version: HOST_VERSION,
      nodeModulesAbi: process.versions.modules,
      installedAt: new Date().toISOString(),
    }) + '\n',
  );
  log(`installed code-server ${HOST_VERSION} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return serverMain;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const force = process.argv.includes('--force');
  const verify = process.argv.includes('--verify');
  ensureHost({ force })
    .then(async () => {
      if (verify) {
        await verifyServerStarts();
        log('server starts and serves the workbench');
      }
    })
    .catch((err) => {
      process.stderr.write(`${err.message}\n`);
      process.exitCode = 1;
    });
}
