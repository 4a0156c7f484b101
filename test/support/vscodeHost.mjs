// A real VS Code for tests and `npm start`: the VS Code server from code-server (installed by
// scripts/installHost.mjs) on 127.0.0.1, and Debian's chromium driven by playwright-core showing its
// web workbench. Owns the life of both processes: fresh temp data folders per run, and a teardown
// that kills the server's process group and the browser and removes the folders — on success,
// failure, timeout, SIGINT/SIGTERM and plain process exit alike.
//
// Typical use:
//   const host = await startHost({ extensionDevelopmentPath: repoRoot });
//   const page = await host.openWorkbench();        // workbench on a fresh copy of the sample workspace
//   ...
//   await host.close();
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// resolve(): no trailing slash, so paths built from it compare equal to other spellings.
export const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const sampleWorkspace = join(repoRoot, 'test', 'fixtures', 'sample-workspace');
export const serverMain = join(
  repoRoot,
  '.vscode-test',
  'host',
  'node_modules',
  'code-server',
  'lib',
  'vscode',
  'out',
  'server-main.js',
);
export const chromiumPath = process.env.SWITCHYARD_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // Belt and braces for "nothing downloads at test time": the browser resolves no host but loopback.
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost',
];

// Environment variables that carry model keys or endpoints (kept out of the server unless passed in `env`).
const PROVIDER_ENV = /(^|_)API_KEY$|^(OPENAI|ANTHROPIC|GEMINI|GOOGLE_GENERATIVE_AI|OPENROUTER|AZURE_OPENAI)_/;

// ---------------------------------------------------------------------------------------------
// Teardown registry. Every resource registers a synchronous kill (safe inside 'exit') and an
// asynchronous close; signals run the async closes with a bound, then the sync kills.

const resources = new Set();
let handlersInstalled = false;

function track(resource) {
  installHandlers();
  resources.add(resource);
  return () => resources.delete(resource);
}

function killAllSync() {
  for (const r of [...resources]) {
    try {
      r.killSync();
    } catch {
      // best effort while exiting
    }
    resources.delete(r);
  }
}

async function closeAll() {
  await Promise.allSettled([...resources].map((r) => r.close()));
  killAllSync();
}

function installHandlers() {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('exit', killAllSync);
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ]) {
    process.once(signal, () => {
      process.stderr.write(`\n[vscodeHost] ${signal}: stopping VS Code server and browser\n`);
      const hardStop = setTimeout(() => process.exit(code), 5000);
      hardStop.unref();
      void closeAll().finally(() => process.exit(code));
    });
  }
}

/** Stops every server and browser this process started (idempotent). */
export async function closeEverything() {
  await closeAll();
}

// ---------------------------------------------------------------------------------------------

export function freePort() {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolvePort(port));
    });
  });
}

function killGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
}

function groupAlive(pid) {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Copies the sample workspace (or `source`) to a fresh temp folder and returns its path. */
export function copyWorkspace(source = sampleWorkspace, into) {
  const parent = into ?? mkdtempSync(join(tmpdir(), 'switchyard-ws-'));
  mkdirSync(parent, { recursive: true });
  const dest = join(parent, 'sample-workspace');
  cpSync(source, dest, { recursive: true });
  return dest;
}

/**
 * Starts the VS Code server on a free loopback port (or `port`) with fresh data folders and waits
 * until it serves the workbench. `extraExtensions`: folders of extensions to install beside the one
 * under development (the server loads a single development path). `isolateState: false` keeps the user's XDG state folder (npm start:
 * the editor's runs then land in the ledger the CLI reads); tests get one inside their data folder. `trust: true` keeps Workspace Trust on (for trust tests);
 * `extensionsDir` / `dataRoot` reuse folders (kept at close); `smokeTestDriver: false` leaves out the
 * automation hooks tests need; `gallery: true` keeps the marketplace code-server configures;
 * `echo` copies the server's output to stdout; `env` adds variables for the server and its
 * extension hosts (e.g. SWITCHYARD_TEST_GREP).
 */
export async function startServer(options = {}) {
  // A free port picked here can be taken by someone else before the server binds it (suites run in
  // parallel on one machine): with no port asked for, try again on a new one.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startServerOnce(options);
    } catch (err) {
      if (options.port !== undefined || err.code !== 'EADDRINUSE' || attempt === 3) throw err;
    }
  }
}

async function startServerOnce({
  port,
  trust = false,
  extensionsDir,
  extraArgs = [],
  timeoutMs = 60_000,
  echo = false,
  gallery = false,
  smokeTestDriver = true,
  dataRoot: keptDataRoot,
  env: extraEnv = {},
  isolateState = true,
  extraExtensions = [],
} = {}) {
  if (!existsSync(serverMain)) {
    throw new Error(
      `vscodeHost: the VS Code server is not installed (${serverMain} is missing). Run: node scripts/installHost.mjs`,
    );
  }
  // A caller-chosen dataRoot is kept (npm start keeps its state between runs); otherwise a fresh
  // temp folder per run, removed at teardown.
  const dataRoot = keptDataRoot ?? mkdtempSync(join(tmpdir(), 'switchyard-vscode-'));
  let tmp;
  const removeData = () => {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
    if (!keptDataRoot) rmSync(dataRoot, { recursive: true, force: true });
  };
  const dirs = {
    server: join(dataRoot, 'server-data'),
    user: join(dataRoot, 'user-data'),
    extensions: extensionsDir ?? join(dataRoot, 'extensions'),
  };
  for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true });
  // Extensions installed beside the one under development (test fixtures), linked in by folder name.
  for (const dir of extraExtensions) {
    const m = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    const link = join(dirs.extensions, `${m.publisher}.${m.name}-${m.version}`);
    if (!existsSync(link)) symlinkSync(resolve(dir), link, 'dir');
  }
  const listenPort = port ?? (await freePort());
  const args = [
    serverMain,
    '--host',
    '127.0.0.1',
    '--port',
    String(listenPort),
    '--without-connection-token',
    '--accept-server-license-terms',
    ...(smokeTestDriver ? ['--enable-smoke-test-driver'] : []),
    '--disable-telemetry',
    '--server-data-dir',
    dirs.server,
    '--user-data-dir',
    dirs.user,
    '--extensions-dir',
    dirs.extensions,
    ...(trust ? [] : ['--disable-workspace-trust']),
    ...extraArgs,
  ];
  // Own process group, so teardown reaches the extension host, pty host and watchers it forks.
  const env = { ...process.env };
  for (const k of Object.keys(env)) {
    // Inherited from a VS Code terminal these would make the server think it is a CLI or Electron.
    if (k.startsWith('VSCODE_') || k === 'ELECTRON_RUN_AS_NODE') delete env[k];
    // A developer's own model keys and endpoints stay out of the extension host: runs are the same on
    // every machine, and a real key can never reach a test server or a screenshot.
    if (PROVIDER_ENV.test(k)) delete env[k];
  }
  if (isolateState) {
    // The run ledger defaults to the user's XDG state folder (shared with the CLI): a test run writes
    // its records into its own data folder instead, never into the developer's history.
    delete env.SWITCHYARD_LEDGER;
    env.XDG_STATE_HOME = join(dataRoot, 'state');
  }
  Object.assign(env, extraEnv);
  // code-server's build points the extension gallery at open-vsx.org; an empty gallery turns it off,
  // so the workbench makes no outside requests (there is no internet here, and tests must not need it).
  if (!gallery) env.EXTENSIONS_GALLERY = '{}';
  // The server and its extension hosts put IPC sockets (vscode-ipc-*, vscode-git-*) and scratch files
  // in the temp folder and do not remove them when killed: give them one inside dataRoot.
  // (A short path of its own, also for a kept dataRoot: unix socket paths are limited to ~107 bytes.)
  tmp = mkdtempSync(join(tmpdir(), 'switchyard-vstmp-'));
  env.TMPDIR = tmp;
  env.XDG_RUNTIME_DIR = tmp;
  const child = spawn(process.execPath, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env });
  let output = '';
  const onData = (d) => {
    output += d;
    if (output.length > 200_000) output = output.slice(-100_000);
    if (echo) process.stdout.write(d);
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);

  let closed = false;
  const server = {
    port: listenPort,
    origin: `http://127.0.0.1:${listenPort}`,
    dataRoot,
    dirs,
    tmpDir: tmp,
    pid: child.pid,
    process: child,
    args,
    output: () => output,
    /** True once close() began: an exit after that is a requested stop, not a crash. */
    isClosing: () => closed,
    /** A vscode-remote URI for an absolute path on this machine, as the workbench's payload wants. */
    remoteUri: (absPath) => `vscode-remote://127.0.0.1:${listenPort}${resolve(absPath)}`,
    async close() {
      if (closed) return;
      closed = true;
      untrack();
      killGroup(child.pid, 'SIGTERM');
      const deadline = Date.now() + 5000;
      while (groupAlive(child.pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      killGroup(child.pid, 'SIGKILL');
      removeData();
    },
  };
  const untrack = track({
    close: () => server.close(),
    killSync: () => {
      killGroup(child.pid, 'SIGKILL');
      removeData();
    },
  });

  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`the server exited (code ${child.exitCode}, signal ${child.signalCode}) before listening`);
      }
      if (Date.now() > deadline) throw new Error(`the server did not listen within ${timeoutMs / 1000} s`);
      // The server logs EADDRINUSE and keeps running, so watch its output rather than its exit.
      if (/EADDRINUSE/.test(output)) {
        throw new Error('the port is already in use by another process; choose another port');
      }
      // Ready = it says it listens on our port (so a stranger on that port is never mistaken for it)
      // and it serves the workbench page.
      if (output.includes(`listening on ${listenPort}`)) {
        try {
          const res = await fetch(server.origin + '/', { signal: AbortSignal.timeout(2000) });
          await res.arrayBuffer();
          if (res.ok) break;
        } catch {
          // not serving yet
        }
      }
      await new Promise((r) => setTimeout(r, 150));
    }
  } catch (err) {
    await server.close();
    const inUse = /EADDRINUSE/.test(output);
    throw Object.assign(
      new Error(
        `vscodeHost: VS Code server on 127.0.0.1:${listenPort}: ${err.message}. Its output:\n${output.slice(-4000)}`,
      ),
      inUse ? { code: 'EADDRINUSE' } : {},
    );
  }
  return server;
}

/** Launches Debian's chromium (headless unless `headless: false`) through playwright-core. */
export async function launchBrowser({ headless = true } = {}) {
  if (!existsSync(chromiumPath)) {
    throw new Error(
      `vscodeHost: ${chromiumPath} is missing. Install Debian's chromium (apt-get install chromium), ` +
        'or set SWITCHYARD_CHROMIUM to another Chromium binary.',
    );
  }
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    headless,
    args: CHROMIUM_ARGS,
    // Our own handlers close the server too; playwright's would exit before that.
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
  });
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    untrack();
    await Promise.race([browser.close().catch(() => {}), new Promise((r) => setTimeout(r, 5000))]);
  };
  // playwright kills its browsers on process exit by itself; closeSync only needs to forget it.
  const untrack = track({ close, killSync: () => {} });
  return { browser, close };
}

/** The workbench URL for `folder`, with the smoke-test payload (extension under development, tests). */
export function workbenchUrl(
  server,
  { folder, extensionDevelopmentPath, extensionTestsPath, skipWelcome = true } = {},
) {
  const payload = [];
  if (extensionDevelopmentPath) payload.push(['extensionDevelopmentPath', server.remoteUri(extensionDevelopmentPath)]);
  if (extensionTestsPath) payload.push(['extensionTestsPath', server.remoteUri(extensionTestsPath)]);
  if (skipWelcome) payload.push(['skipWelcome', 'true']);
  const params = new URLSearchParams();
  if (folder) params.set('folder', resolve(folder));
  if (payload.length) params.set('payload', JSON.stringify(payload));
  return `${server.origin}/?${params.toString()}`;
}

/**
 * Opens the workbench in a new page. `onLog(type, args)` receives the extension host's test output
 * and `onExit(code)` its exit code (both wired before navigating, as the smoke-test driver expects).
 */
export async function openWorkbench(browser, server, options = {}) {
  const { onLog, onExit, viewport = { width: 1440, height: 900 }, waitForWorkbench = true } = options;
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  await page.exposeFunction('codeAutomationLog', (type, args) => onLog?.(type, args));
  await page.exposeFunction('codeAutomationExit', (code) => onExit?.(code));
  await page.goto(workbenchUrl(server, options));
  if (waitForWorkbench) await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
  return page;
}

/**
 * Server + browser + a fresh copy of the sample workspace, torn down together by close().
 * Options: everything startServer takes, plus `workspace` (folder to copy; default the sample),
 * `extensionDevelopmentPath` (default: this repo), `headless`.
 */
export async function startHost(options = {}) {
  const {
    workspace = sampleWorkspace,
    extensionDevelopmentPath = repoRoot,
    headless = true,
    ...serverOptions
  } = options;
  const server = await startServer(serverOptions);
  const folder = copyWorkspace(workspace, join(server.dataRoot, 'workspace'));
  let browserHandle;
  try {
    browserHandle = await launchBrowser({ headless });
  } catch (err) {
    await server.close();
    throw err;
  }
  return {
    server,
    browser: browserHandle.browser,
    folder,
    openWorkbench: (opts = {}) =>
      openWorkbench(browserHandle.browser, server, { folder, extensionDevelopmentPath, ...opts }),
    async close() {
      await browserHandle.close();
      await server.close();
    },
  };
}
