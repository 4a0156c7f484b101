// Journey 2: a developer runs `npm start` (web route: no desktop `code` here), opens the printed URL,
// trusts the folder, finds Switchyard's command in the palette, then presses Ctrl-C — and nothing is
// left running. Uses a temp state folder and a free port so it never touches a real .vscode-test/start.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { freePort, launchBrowser, repoRoot } from '../support/vscodeHost.mjs';
import { findCommand, screenshot } from './support/workbench.mjs';

let state;
let port;
let start;
let output = '';
let browser;

/** Processes whose command line mentions `needle` (read from /proc; for checking, never killing). */
function processesMentioning(needle) {
  const found = [];
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
      if (cmd.includes(needle)) found.push(`${pid} ${cmd.slice(0, 160)}`);
    } catch {
      // exited while we looked
    }
  }
  return found;
}

function portAnswers(p) {
  return new Promise((resolve) => {
    const socket = connect(p, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

before(async () => {
  state = mkdtempSync(join(tmpdir(), 'switchyard-start-'));
  port = await freePort();
  start = spawn(process.execPath, [join(repoRoot, 'scripts', 'start.mjs')], {
    cwd: repoRoot,
    env: {
      ...process.env,
      PORT: String(port),
      SWITCHYARD_START_STATE: state,
      SWITCHYARD_START_WEB: '1',
      SWITCHYARD_SKIP_BUILD: '1', // the e2e runner has just built
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  start.stdout.on('data', (d) => (output += d));
  start.stderr.on('data', (d) => (output += d));
  ({ browser } = await launchBrowser());
});

after(async () => {
  if (start.exitCode === null) start.kill('SIGKILL');
  await browser?.close();
  rmSync(state, { recursive: true, force: true });
});

test('npm start prints a loopback URL for the sample workspace', async () => {
  const deadline = Date.now() + 90_000;
  while (!/http:\/\/127\.0\.0\.1:\d+\/\?folder=\S+/.test(output)) {
    assert.equal(start.exitCode, null, `npm start exited early:\n${output}`);
    assert.ok(Date.now() < deadline, `no URL printed within 90 s:\n${output}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  const url = output.match(/http:\/\/127\.0\.0\.1:\d+\/\?folder=\S+/)[0];
  assert.equal(new URL(url).port, String(port));
  assert.equal(decodeURIComponent(new URL(url).searchParams.get('folder')), join(state, 'sample-workspace'));
});

test('the URL opens VS Code with Switchyard in the command palette', async () => {
  const url = output.match(/http:\/\/127\.0\.0\.1:\d+\/\?folder=\S+/)[0];
  const page = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
  await page.goto(url);
  await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
  // npm start keeps Workspace Trust on, as a real VS Code does: trust the sample folder.
  const trust = page.getByRole('button', { name: 'Yes, I trust the authors' });
  await trust.waitFor({ timeout: 30_000 });
  await screenshot(page, 'npm-start-1-trust');
  await trust.click();
  await page.locator('.explorer-folders-view').getByText('README.md', { exact: true }).waitFor({ timeout: 60_000 });
  await findCommand(page, 'Switchyard: Route this task');
  await screenshot(page, 'npm-start-2-palette');
  await page.context().close();
});

test('Ctrl-C stops npm start and everything it started', async () => {
  start.kill('SIGINT');
  const code = await new Promise((resolve) => {
    if (start.exitCode !== null) resolve(start.exitCode);
    else start.once('exit', (c) => resolve(c));
  });
  // 130 is the usual status after SIGINT; anything else means it crashed on the way out.
  assert.ok(code === 130 || code === 0, `npm start exited with ${code} on Ctrl-C:\n${output.slice(-2000)}`);
  assert.match(output, /\[start\] stopped/);
  assert.equal(await portAnswers(port), false, `127.0.0.1:${port} still answers after Ctrl-C`);
  assert.deepEqual(processesMentioning(state), [], 'processes left running after Ctrl-C');
});
