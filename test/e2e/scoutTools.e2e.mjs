// Journey: the scout explores before it answers. A person routes a wide refactor (every stage runs);
// the scout, a model with native tool calling on the loopback server, calls search and then
// read_file before it names the files. The routing panel shows each call and its result on the
// scout's card and tab, and the sidebar lists the tool calls under the scout.
// Screenshots: test-results/screenshots/scout-tools-*.png.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { tsImport } from 'tsx/esm/api';
import {
  errorNotifications,
  frameForWebview,
  runCommand,
  screenshot,
  startWorkbench,
  waitForInputBox,
} from './support/workbench.mjs';

const { startLoopbackServer } = await tsImport('../support/loopbackServer.ts', import.meta.url);
const fx = await tsImport('../integration/extensionFixtures.ts', import.meta.url);

const TASK = 'Refactor the cart discount calculation across the checkout module';
let wb;
let server;

/** The scout looks first: search, then read_file, then its findings. Everyone else: the cart team. */
function team() {
  const rest = fx.cartTeam();
  return (req) => {
    if (!req.system.includes('You are the scout')) return rest(req);
    const results = (req.body?.messages ?? []).filter((m) => m.role === 'tool').length;
    if (results === 0)
      return { toolCalls: [{ id: 'call_search', name: 'search', arguments: { pattern: 'discountPercent' } }] };
    if (results === 1)
      return { toolCalls: [{ id: 'call_read', name: 'read_file', arguments: { path: 'src/cart.ts' } }] };
    return rest(req);
  };
}

before(async () => {
  server = await startLoopbackServer();
  server.setHandler(team());
  wb = await startWorkbench({ name: 'scout-tools', viewport: { width: 1600, height: 1000 } });
  const policy = JSON.parse(fx.loopbackPolicy(server).replace(/^\/\/.*\n/, ''));
  for (const m of policy.models) if (m.id === 'loop-gpt') m.capabilities = ['tools'];
  mkdirSync(join(wb.folder, '.switchyard'), { recursive: true });
  writeFileSync(join(wb.folder, '.switchyard', 'routing.json'), JSON.stringify(policy, null, 2));
});

after(async () => {
  await wb?.close();
  await server?.close();
});

async function setKey(page, name, value) {
  await runCommand(page, 'Switchyard: Set API key');
  const row = page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: name }).first();
  await row.waitFor({ state: 'visible', timeout: 20_000 });
  await row.click();
  const input = await waitForInputBox(page);
  await input.fill(value);
  await page.keyboard.press('Enter');
  await page
    .locator('.notifications-toasts .notification-toast', { hasText: `stored ${name}` })
    .first()
    .waitFor({ timeout: 15_000 });
}

test("the panel shows the scout's tool calls and what each found", async () => {
  const page = wb.page;
  await setKey(page, fx.IMPLEMENTER_KEY_NAME, fx.IMPLEMENTER_KEY);
  await setKey(page, fx.CRITIC_KEY_NAME, fx.CRITIC_KEY);
  await runCommand(page, 'Switchyard: Route this task');
  const input = await waitForInputBox(page);
  await input.fill(TASK);
  await page.keyboard.press('Enter');
  const panel = await frameForWebview(page, 'Switchyard routing');
  await panel.getByText(TASK).first().waitFor({ timeout: 30_000 });
  const settled = panel.locator('.run-state', { hasText: /awaiting approval|failed|rejected|cancelled|applied/ });
  await settled.waitFor({ timeout: 90_000 });
  const message = await panel.locator('.message').allInnerTexts();
  assert.equal(await settled.innerText(), 'awaiting approval', `the run ended early: ${message.join(' ')}`);
  const card = panel.locator('.stage[data-stage="scout"]');
  assert.match(await card.innerText(), /2 tool calls/);
  await panel.locator('vscode-tab-header[data-stage="scout"]').click();
  const tab = panel.locator('vscode-tab-panel[data-stage="scout"]');
  await tab.getByText('Tool calls (2)').waitFor({ timeout: 10_000 });
  const calls = await tab.locator('ol.tools > li').allInnerTexts();
  assert.equal(calls.length, 2);
  assert.match(
    calls[0],
    /search\s+\{"pattern":"discountPercent"\}[\s\S]*"discountPercent": \d+ hit\(s\) in 1 file\(s\)/,
  );
  assert.match(calls[1], /read_file\s+\{"path":"src\/cart.ts"\}[\s\S]*src\/cart.ts lines 1-\d+ of \d+/);
  await tab.locator('ol.tools').scrollIntoViewIfNeeded();
  await screenshot(page, 'scout-tools-1-panel');
  assert.deepEqual(await errorNotifications(page), []);
});

test('the sidebar lists the tool calls under the scout', async () => {
  const page = wb.page;
  await page.locator('.activitybar .action-item a[aria-label^="Switchyard"]').first().click();
  const scoutRow = page.locator('.monaco-list-row', { hasText: 'Scout' }).first();
  await scoutRow.waitFor({ timeout: 15_000 });
  if ((await scoutRow.getAttribute('aria-expanded')) === 'false') await scoutRow.click();
  const toolsRow = page.locator('.monaco-list-row', { hasText: 'Tool calls' }).first();
  await toolsRow.waitFor({ timeout: 15_000 });
  assert.match(await toolsRow.innerText(), /Tool calls\s*2 call\(s\) · 1 file\(s\) read/);
  await screenshot(page, 'scout-tools-2-sidebar');
});
