// `npm start`: builds, then opens a real VS Code with Switchyard loaded on the sample workspace.
//   - Desktop VS Code when `code` is on PATH: `code --extensionDevelopmentPath=<repo> <workspace>`.
//   - Otherwise the VS Code server bundled in code-server (installed into .vscode-test/host when
//     missing) on 127.0.0.1:$PORT (default 3000), printing the URL to open. The web workbench ignores
//     the server's --extensionDevelopmentPath, so the repo is linked into the server's extensions
//     folder instead: reload the window after a rebuild (`npm run watch` in another terminal) to pick
//     up changes. Stays in the foreground; Ctrl-C stops the server.
// The workspace is a copy of test/fixtures/sample-workspace in $XDG_STATE_HOME/switchyard/start/
// (~/.local/state/switchyard/start/), kept with the server's state between runs so your edits there
// survive; delete the folder to start over. It is outside this repository on purpose: inside it,
// VS Code would find the repository's .git above the sample and offer to open that instead.
// Env: PORT, SWITCHYARD_START_WORKSPACE (open this folder instead), SWITCHYARD_START_WEB=1 (use the
// server even when `code` is on PATH), SWITCHYARD_START_STATE (state folder; tests use a temp one),
// SWITCHYARD_SKIP_BUILD=1.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readFileSync, readlinkSync, rmSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setup } from './setup.mjs';
// Only Node built-ins at its top level, so this import works before `npm ci` has run.
import { copyWorkspace, startServer } from '../test/support/vscodeHost.mjs';

// resolve(): no trailing slash, so paths built from it compare equal to other spellings.
const repoRoot = resolve(fileURLToPath(new URL('..', import.meta.url)));
const stateHome = process.env.XDG_STATE_HOME || join(homedir(), '.local', 'state');
const stateDir = resolve(process.env.SWITCHYARD_START_STATE ?? join(stateHome, 'switchyard', 'start'));

function say(line) {
  process.stdout.write(`[start] ${line}\n`);
}

function fail(message) {
  process.stderr.write(`[start] ${message}\n`);
  process.exit(1);
}

function onPath(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

function build() {
  if (process.env.SWITCHYARD_SKIP_BUILD === '1') return;
  say('npm run build');
  const r = spawnSync('npm', ['run', 'build', '--silent'], { cwd: repoRoot, stdio: 'inherit' });
  if (r.status !== 0) fail(`"npm run build" failed (exit ${r.status}); fix the errors above and run npm start again.`);
}

async function workspaceFolder() {
  if (process.env.SWITCHYARD_START_WORKSPACE) return resolve(process.env.SWITCHYARD_START_WORKSPACE);
  const dest = join(stateDir, 'sample-workspace');
  if (!existsSync(dest)) {
    copyWorkspace(undefined, stateDir);
  }
  return dest;
}

function portIsFree(port) {
  return new Promise((resolvePort) => {
    const srv = createServer();
    srv.once('error', () => resolvePort(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolvePort(true)));
  });
}

/** Links the repo into the server's extensions folder as switchyard.switchyard-<version>. */
async function linkExtension(extensionsDir) {
  const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
  mkdirSync(extensionsDir, { recursive: true });
  const link = join(extensionsDir, `${manifest.publisher}.${manifest.name}-${manifest.version}`);
  try {
    if (lstatSync(link).isSymbolicLink() && resolve(readlinkSync(link)) === resolve(repoRoot)) return link;
    rmSync(link, { recursive: true, force: true });
  } catch {
    // not there yet
  }
  symlinkSync(repoRoot, link, 'dir');
  return link;
}

async function startDesktop(folder) {
  say(`opening desktop VS Code: code --extensionDevelopmentPath=${repoRoot} ${folder}`);
  // --wait keeps npm start in the foreground until that window is closed.
  const child = spawn('code', ['--new-window', '--wait', `--extensionDevelopmentPath=${repoRoot}`, folder], {
    stdio: 'inherit',
  });
  const code = await new Promise((r) => child.on('exit', (c) => r(c ?? 0)));
  process.exitCode = code;
}

async function startWeb(folder) {
  const port = Number(process.env.PORT ?? 3000);
  if (!Number.isInteger(port) || port <= 0 || port > 65535) fail(`PORT=${process.env.PORT} is not a port number.`);
  if (!(await portIsFree(port))) {
    fail(
      `127.0.0.1:${port} is already in use (another npm start?). Stop that, or choose another port: PORT=3001 npm start`,
    );
  }
  const extensionsDir = join(stateDir, 'extensions');
  await linkExtension(extensionsDir);
  say(`starting the VS Code server on 127.0.0.1:${port} …`);
  let server;
  try {
    server = await startServer({
      port,
      trust: true, // the real experience: VS Code asks whether to trust the folder
      smokeTestDriver: false,
      gallery: false,
      dataRoot: join(stateDir, 'data'),
      extensionsDir,
      // The editor's runs go to the user's ledger, where `switchyard stats` reads them.
      isolateState: false,
    });
  } catch (err) {
    fail(err.message);
  }
  const url = `${server.origin}/?folder=${encodeURIComponent(folder)}`;
  process.stdout.write(
    `\nSwitchyard is loaded in VS Code at:\n\n  ${url}\n\n` +
      'Open it in a browser on this machine. F1 → "Switchyard: Route this task".\n' +
      'After `npm run build` (or with `npm run watch` running), reload the window to pick up changes.\n' +
      'Ctrl-C stops the server.\n\n',
  );
  // Stay in the foreground until the server ends or Ctrl-C (vscodeHost's handlers stop the server).
  const code = await new Promise((r) => server.process.on('exit', (c, s) => r(c ?? (s ? 1 : 0))));
  if (server.isClosing()) {
    say('stopped');
    return;
  }
  process.stderr.write(`[start] the VS Code server exited on its own (${code}):\n${server.output().slice(-3000)}\n`);
  await server.close();
  process.exitCode = code || 1;
}

async function main() {
  const desktop = onPath('code') && process.env.SWITCHYARD_START_WEB !== '1';
  // Fresh machine: Debian packages, npm ci and (for the web route) the VS Code host.
  setup({ host: !desktop });
  build();
  mkdirSync(stateDir, { recursive: true });
  const folder = await workspaceFolder();
  if (desktop) await startDesktop(folder);
  else await startWeb(folder);
}

main().catch((err) => fail(err.stack ?? String(err)));
