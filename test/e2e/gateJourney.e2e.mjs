// Journey: the two places a person must stop and read. A routing policy they broke: the run says in
// the panel that it used the last good policy, and nothing stays on screen once the file is fixed
// (a toast used to outlive the fix). The human gate: Apply on a gated change asks in a modal whose
// default button (Enter) is the safe choice — nothing is applied until they press "Apply change".
// The models are local loopback servers that need no key. Screenshots: test-results/screenshots/gate-*.png.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { tsImport } from 'tsx/esm/api';
import { frameForWebview, runCommand, screenshot, startWorkbench, waitForInputBox } from './support/workbench.mjs';

const { startLoopbackServer } = await tsImport('../support/loopbackServer.ts', import.meta.url);
const fx = await tsImport('../integration/extensionFixtures.ts', import.meta.url);

const TASK = 'Fix the negative total in src/cart.ts when the discount is over 100%';
let wb;
let server;
let policyFile;
let originalCart;
const cartPath = () => join(wb.folder, 'src', 'cart.ts');

before(async () => {
  server = await startLoopbackServer();
  server.setHandler(fx.cartTeam());
  // Without the smoke-test driver: with it, VS Code refuses every modal dialog ("refused to show
  // dialog in tests"), and the modal is what this journey is about.
  wb = await startWorkbench({ name: 'gate', viewport: { width: 1600, height: 1000 }, smokeTestDriver: false });
  mkdirSync(join(wb.folder, '.switchyard'), { recursive: true });
  policyFile = join(wb.folder, '.switchyard', 'routing.json');
  // Every risk stops at the human gate.
  writeFileSync(policyFile, fx.loopbackPolicy(server, { keyless: true, gateOnRisk: ['low', 'medium', 'high'] }));
  originalCart = readFileSync(cartPath(), 'utf8');
});

after(async () => {
  await wb?.close();
  await server?.close();
});

const statusBar = (page) => page.locator('.statusbar-item', { hasText: 'Switchyard' }).first();
const policyToasts = (page) =>
  page.locator('.notifications-toasts .notification-toast', { hasText: /routing policy|last good policy/ });

async function route(page) {
  await runCommand(page, 'Switchyard: Route this task');
  const input = await waitForInputBox(page, { timeout: 60_000 });
  await input.fill(TASK);
  await page.keyboard.press('Enter');
  return frameForWebview(page, 'Switchyard routing', { timeout: 90_000 });
}

test('a broken policy is said in the panel, for the run that used the last good one; nothing outlives the fix', async () => {
  const page = wb.page;
  await runCommand(page, 'Switchyard: Open routing panel');
  await statusBar(page).filter({ hasText: 'stages ready' }).waitFor({ timeout: 60_000 });
  const good = readFileSync(policyFile, 'utf8');
  writeFileSync(policyFile, good.replace('"maxReviewRounds": 1', '"maxReviewRounds": "one"'));
  await statusBar(page).filter({ hasText: 'policy invalid' }).waitFor({ timeout: 30_000 });
  const panel = await route(page);
  const note = panel.locator('.note', { hasText: 'This run uses the last good routing policy' });
  await note.waitFor({ timeout: 60_000 });
  assert.match(await note.innerText(), /maxReviewRounds/);
  await panel.locator('.run-state', { hasText: 'awaiting approval' }).waitFor({ timeout: 60_000 });
  await screenshot(page, 'gate-1-policy-note');
  writeFileSync(policyFile, good);
  await statusBar(page).filter({ hasText: 'stages ready' }).waitFor({ timeout: 30_000 });
  assert.equal(await policyToasts(page).count(), 0, 'a toast about the policy is still on screen after the fix');
  await screenshot(page, 'gate-2-policy-fixed');
  await panel.locator('.actions vscode-button', { hasText: 'Reject' }).click();
  await panel.locator('.run-state', { hasText: 'rejected' }).waitFor({ timeout: 30_000 });
});

test('the human gate’s modal: Enter is the safe choice, and only "Apply change" applies', async () => {
  const page = wb.page;
  const panel = await route(page);
  await panel.locator('.run-state', { hasText: 'awaiting approval' }).waitFor({ timeout: 60_000 });
  await panel.locator('.actions vscode-button', { hasText: 'Apply change' }).click();
  const dialog = page.locator('.monaco-dialog-box');
  await dialog.waitFor({ timeout: 15_000 });
  const text = await dialog.innerText();
  assert.match(text, /needs your confirmation to apply the change to src\/cart\.ts/);
  assert.equal((text.match(/rules\.humanGate\.onRisk asks a person to confirm/g) ?? []).length, 1, text);
  const buttons = (await dialog.locator('.dialog-buttons .monaco-button').allInnerTexts()).map((b) => b.trim());
  assert.ok(buttons.includes('Keep reviewing') && buttons.includes('Apply change'), buttons.join(' | '));
  await screenshot(page, 'gate-3-modal');
  // A person who presses Enter without reading takes the default: the change is not applied.
  await page.keyboard.press('Enter');
  await dialog.waitFor({ state: 'hidden', timeout: 15_000 });
  await panel.locator('p.status', { hasText: 'Not applied: you did not confirm' }).waitFor({ timeout: 15_000 });
  assert.equal(await panel.locator('.run-state').innerText(), 'awaiting approval');
  assert.equal(readFileSync(cartPath(), 'utf8'), originalCart);
  // Reading it and choosing "Apply change" applies.
  await panel.locator('.actions vscode-button', { hasText: 'Apply change' }).click();
  await dialog.waitFor({ timeout: 15_000 });
  await dialog.locator('.dialog-buttons .monaco-button', { hasText: 'Apply change' }).click();
  await panel.locator('.run-state', { hasText: 'applied' }).waitFor({ timeout: 30_000 });
  assert.ok(readFileSync(cartPath(), 'utf8').includes(fx.CART_FIXED_LINES[0]));
  await screenshot(page, 'gate-4-applied');
});
