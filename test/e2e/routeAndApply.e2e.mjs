// Journey 2: a person stores two API keys, routes a bug fix from the command palette, watches the
// routing panel and the sidebar fill in, reads the reviewer's finding as a comment thread on the
// proposed side of the diff, applies the change from the diff's title bar, and sees the file
// changed. The models are a scripted team on a loopback server in this test process (two vendors).
// Screenshots: test-results/screenshots/journey2-*.png.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { tsImport } from 'tsx/esm/api';
import {
  errorNotifications,
  frameForWebview,
  runCommand,
  screenshot,
  setApiKey,
  startWorkbench,
  waitForInputBox,
} from './support/workbench.mjs';

const { startLoopbackServer } = await tsImport('../support/loopbackServer.ts', import.meta.url);
const fx = await tsImport('../integration/extensionFixtures.ts', import.meta.url);

const TASK = 'Fix the negative total in src/cart.ts when the discount is over 100%';
let wb;
let server;
let originalCart;

before(async () => {
  server = await startLoopbackServer();
  // Slow enough streaming that the panel visibly fills in.
  server.setHandler(fx.cartTeam({ implementerChunks: 30, chunkDelayMs: 40 }));
  wb = await startWorkbench({ viewport: { width: 1600, height: 1000 } });
  mkdirSync(join(wb.folder, '.switchyard'), { recursive: true });
  writeFileSync(join(wb.folder, '.switchyard', 'routing.json'), fx.loopbackPolicy(server));
  originalCart = readFileSync(join(wb.folder, 'src', 'cart.ts'), 'utf8');
});

after(async () => {
  await wb?.close();
  await server?.close();
});

test('the person stores both keys with "Switchyard: Set API key"', async () => {
  await setApiKey(wb.page, fx.IMPLEMENTER_KEY_NAME, fx.IMPLEMENTER_KEY);
  await setApiKey(wb.page, fx.CRITIC_KEY_NAME, fx.CRITIC_KEY);
  const status = wb.page.locator('.statusbar-item', { hasText: 'Switchyard' }).first();
  await status.filter({ hasText: '5/5 stages ready' }).waitFor({ timeout: 15_000 });
  await screenshot(wb.page, 'journey2-1-keys-stored');
});

test('routing the task from the palette opens the panel, which streams and shows the decision', async () => {
  const page = wb.page;
  await runCommand(page, 'Switchyard: Route this task');
  const input = await waitForInputBox(page);
  await input.fill(TASK);
  await page.keyboard.press('Enter');
  const panel = await frameForWebview(page, 'Switchyard routing');
  await panel.getByText(TASK).first().waitFor({ timeout: 30_000 });
  await panel.locator('.stage[data-stage="implementer"]').waitFor();
  const settled = panel.locator('.run-state', { hasText: /awaiting approval|failed|rejected|cancelled/ });
  await settled.waitFor({ timeout: 60_000 });
  const state = await settled.innerText();
  const message = await panel.locator('.message').allInnerTexts();
  assert.equal(state, 'awaiting approval', `the run ended early: ${message.join(' ')}`);
  await panel.locator('[data-testid="verdict"]', { hasText: 'approve' }).waitFor({ timeout: 30_000 });
  const strip = await panel.locator('.strip').innerText();
  assert.match(strip, /Implementer[\s\S]*loop-claude · anthropic/);
  assert.match(strip, /Critic[\s\S]*loop-gpt · openai/);
  // Model output is shown as text: the search/replace markers are literal characters on screen.
  await panel.locator('vscode-tab-header[data-stage="implementer"]').click();
  const out = panel.locator('vscode-tab-panel[data-stage="implementer"] pre.output');
  await out.filter({ hasText: '<<<<<<< SEARCH' }).waitFor({ timeout: 15_000 });
  assert.equal(await panel.locator('pre.output script, pre.output b').count(), 0);
  const findingText = await panel.locator('.finding').first().innerText();
  assert.ok(findingText.includes(fx.HOSTILE_MARKUP), "the panel shows the finding's markup literally");
  assert.equal(await panel.locator('.finding img, .finding strong, .finding a').count(), 0);
  assert.notEqual(await page.title(), 'pwned');
  // Keyboard: every control is reachable with Tab (native buttons/summaries, or tabindex 0), and
  // Enter on a focused stage button selects that stage's tab.
  const unreachable = await panel.evaluate(() =>
    [...document.querySelectorAll('vscode-button, button, summary, vscode-tab-header[active]')]
      .filter((el) => !(el.tagName === 'BUTTON' || el.tagName === 'SUMMARY') && el.getAttribute('tabindex') !== '0')
      .map((el) => el.outerHTML.slice(0, 80)),
  );
  assert.deepEqual(unreachable, []);
  await panel.locator('.stage[data-stage="critic"] .stage-select').focus();
  await page.keyboard.press('Enter');
  await panel.locator('vscode-tab-header[data-stage="critic"][active]').waitFor({ timeout: 5_000 });
  await panel.locator('.stage[data-stage="implementer"] .stage-select').focus();
  await page.keyboard.press('Enter');
  await panel.locator('vscode-tab-header[data-stage="implementer"][active]').waitFor({ timeout: 5_000 });
  await screenshot(page, 'journey2-2-routing-panel');
});

test('the sidebar shows the stages with their models', async () => {
  const page = wb.page;
  await page.locator('.activitybar .action-item a[aria-label^="Switchyard"]').first().click();
  const tree = page
    .locator('.pane-body .monaco-list')
    .filter({ has: page.locator('.monaco-list-row', { hasText: 'Implementer' }) })
    .first();
  await tree.waitFor({ timeout: 15_000 });
  const rows = await tree.locator('.monaco-list-row').allInnerTexts();
  const text = rows.join('\n');
  assert.match(text, /Implementer\s*loop-claude · anthropic/);
  assert.match(text, /Critic\s*loop-gpt · openai/);
  await screenshot(page, 'journey2-3-sidebar');
});

test('the diff shows the finding as a comment thread on the proposed side', async () => {
  const page = wb.page;
  const diff = page.locator('.monaco-diff-editor').first();
  await diff.waitFor({ timeout: 30_000 });
  const thread = page.locator('.review-widget').first();
  await thread.waitFor({ state: 'visible', timeout: 30_000 });
  const threadText = await thread.innerText();
  assert.match(threadText, /minor/);
  assert.match(threadText, /loop-gpt \(openai\)/);
  assert.match(threadText, /Say why the discount is clamped/);
  // The reviewer's markup is shown as text: no image, bold or link element in the comment.
  assert.ok(threadText.includes(fx.HOSTILE_MARKUP), `the comment does not show the markup literally: ${threadText}`);
  const body = thread.locator('.review-comment-contents .comment-body').first();
  assert.equal(await body.locator('.comment-body-plainstring').count(), 1, 'the body is rendered as a plain string');
  assert.equal(
    await body.locator('img, strong, a').count(),
    0,
    `rendered markup in the comment: ${await body.innerHTML()}`,
  );
  await screenshot(page, 'journey2-4-comment-thread');
});

test('the diff title bar offers the whole-change actions', async () => {
  const page = wb.page;
  // Maximise the diff's group so its title bar has room for every action (not an overflow menu).
  await page.locator('.tabs-container .tab', { hasText: 'cart.ts (proposed)' }).first().dblclick();
  for (const label of ['Apply change', 'Reject change', 'Send back to implementer']) {
    await page.locator(`.editor-actions .action-item a[aria-label^="${label}"]`).first().waitFor({ timeout: 15_000 });
  }
  await screenshot(page, 'journey2-5-diff-actions');
  await page.locator('.tabs-container .tab', { hasText: 'cart.ts (proposed)' }).first().dblclick();
});

test('"Send back" in the panel asks for a note; the same run’s implementer revises and the change returns for review', async () => {
  const page = wb.page;
  const isImpl = (r) => r.system.includes('You are the implementer');
  const isCritic = (r) => r.system.includes('You are the critic');
  const implBefore = server.requests.filter(isImpl).length;
  const criticBefore = server.requests.filter(isCritic).length;
  const panel = await frameForWebview(page, 'Switchyard routing');
  await panel.locator('.actions vscode-button', { hasText: 'Send back' }).click();
  const input = await waitForInputBox(page);
  await input.fill('Keep the clamp on one line');
  await screenshot(page, 'journey2-6-send-back-note');
  await page.keyboard.press('Enter');
  const deadline = Date.now() + 60_000;
  while (server.requests.filter(isCritic).length === criticBefore) {
    assert.ok(Date.now() < deadline, 'the revised change was not reviewed again within 60 s');
    await new Promise((r) => setTimeout(r, 100));
  }
  const impl = server.requests.filter(isImpl);
  assert.equal(impl.length, implBefore + 1, 'one more implementer call');
  const body = JSON.stringify(impl.at(-1).body);
  assert.ok(body.includes('Keep the clamp on one line'), 'the note reached the implementer');
  assert.ok(body.includes('Clamp the discount before applying it.'), 'in its own session, with its first attempt');
  await panel.locator('.run-state', { hasText: 'awaiting approval' }).waitFor({ timeout: 30_000 });
  await panel.locator('.actions vscode-button', { hasText: 'Apply change' }).waitFor({ timeout: 15_000 });
  assert.deepEqual(await errorNotifications(page), []);
});

test('"Apply change" in the routing panel writes the fix to the file', async () => {
  const page = wb.page;
  const panelBefore = await frameForWebview(page, 'Switchyard routing');
  await panelBefore.locator('.actions vscode-button', { hasText: 'Apply change' }).click();
  await page
    .locator('.notifications-toasts .notification-toast', { hasText: 'applied to 1 file' })
    .first()
    .waitFor({ timeout: 30_000 });
  const cart = readFileSync(join(wb.folder, 'src', 'cart.ts'), 'utf8');
  assert.notEqual(cart, originalCart);
  for (const line of fx.CART_FIXED_LINES) assert.ok(cart.includes(line), `cart.ts lacks: ${line}`);
  const panel = await frameForWebview(page, 'Switchyard routing');
  await panel.locator('.run-state', { hasText: 'applied' }).waitFor({ timeout: 15_000 });
  await screenshot(page, 'journey2-7-applied');
  assert.deepEqual(await errorNotifications(page), []);
});

test('the panel follows the theme: dark high contrast', async () => {
  const page = wb.page;
  const panel = await frameForWebview(page, 'Switchyard routing');
  const before = await panel.evaluate(() => getComputedStyle(document.body).backgroundColor);
  await runCommand(page, 'Preferences: Color Theme');
  const input = await waitForInputBox(page);
  await input.fill('Dark High Contrast');
  await page
    .locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: 'Dark High Contrast' })
    .first()
    .waitFor();
  await page.keyboard.press('Enter');
  const after = await (async () => {
    for (let i = 0; i < 40; i++) {
      const bg = await panel.evaluate(() => getComputedStyle(document.body).backgroundColor);
      if (bg !== before) return bg;
      await page.waitForTimeout(250);
    }
    return before;
  })();
  assert.notEqual(after, before, 'the panel background did not follow the theme');
  assert.equal(after, 'rgb(0, 0, 0)', 'high contrast dark has a black editor background');
  const border = await panel.evaluate(() => getComputedStyle(document.querySelector('.stage')).borderTopColor);
  assert.notEqual(border, 'rgba(0, 0, 0, 0)', 'stages get the high-contrast border');
  await screenshot(page, 'journey2-8-high-contrast');
});
