// Journey 1: first contact, no API key stored yet. A person opens the sample project, presses F1,
// runs "Switchyard: Route this task", types the task, sees the routing panel open with their task,
// and is told how to make a model ready ("Switchyard: Set API key") — with no error from VS Code
// itself. Screenshots of each step land in test-results/screenshots/route-task-*.png.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  errorNotifications,
  findCommand,
  frameForWebview,
  runCommand,
  screenshot,
  startWorkbench,
  waitForInputBox,
} from './support/workbench.mjs';

const TITLE = 'Switchyard: Route this task';
const TASK = 'Fix the negative total in src/cart.ts when the discount is over 100%';

let wb;

before(async () => {
  wb = await startWorkbench({ name: 'route-task' });
});

after(async () => {
  await wb?.close();
});

test('the workbench opens the sample workspace', async () => {
  const explorer = wb.page.locator('.explorer-folders-view');
  await explorer.getByText('src', { exact: true }).waitFor();
  await explorer.getByText('README.md', { exact: true }).waitFor();
  await screenshot(wb.page, 'route-task-1-workbench');
});

test('the command palette offers "Switchyard: Route this task"', async () => {
  const row = await findCommand(wb.page, TITLE);
  assert.match(await row.innerText(), /Switchyard: Route this task/);
  await screenshot(wb.page, 'route-task-2-palette');
  await wb.page.keyboard.press('Escape');
});

test('running it asks for the task in an input box', async () => {
  await runCommand(wb.page, TITLE);
  const input = await waitForInputBox(wb.page);
  await input.fill(TASK);
  await screenshot(wb.page, 'route-task-3-input-box');
  await wb.page.keyboard.press('Enter');
});

test('the routing panel opens and shows the task, and how sure the classifier was and why', async () => {
  const panel = await frameForWebview(wb.page, 'Switchyard routing');
  await panel.getByText(TASK).first().waitFor({ timeout: 20_000 });
  const calls = panel.locator('[data-testid="classifier-calls"]');
  await calls.waitFor({ timeout: 20_000 });
  // "kind bugfix 84% — ‘fix’ in the title, … · risk medium 80% — …": the calls and their features.
  assert.match(await calls.innerText(), /kind bugfix \d+% — .+ · risk medium (\d+%|by rule)/);
  await screenshot(wb.page, 'route-task-4-panel');
});

test('with no key stored, Switchyard says so once: the panel’s message and its "Set API key" button, not every card and a toast', async () => {
  const page = wb.page;
  const panel = await frameForWebview(page, 'Switchyard routing');
  const message = panel.locator('.message', { hasText: 'no ANTHROPIC_API_KEY stored' });
  await message.waitFor({ timeout: 20_000 });
  const button = panel.locator('.actions vscode-button', { hasText: 'Set API key' });
  await button.waitFor({ timeout: 15_000 });
  // The cards point at the message instead of repeating it, and a run that cannot start has no gate line.
  const whys = await panel.locator('.stage .why').allInnerTexts();
  assert.ok(whys.length > 0);
  assert.ok(
    whys.every((w) => /^not run: the run cannot start \(see the message above/.test(w)),
    `a stage card repeats the reason: ${whys.join(' | ')}`,
  );
  assert.equal(await panel.locator('.gates').count(), 0, 'no "Human gate" line for a run that never started');
  // Which key each model lacks, once each; where to set it, once: the button beside the message.
  const text = await panel.locator('body').innerText();
  assert.equal((text.match(/no ANTHROPIC_API_KEY stored/g) ?? []).length, 1, text);
  assert.equal((text.match(/Set API key/g) ?? []).length, 1, 'only the button says where');
  // The panel is in view and says it: no toast repeats it.
  await page.waitForTimeout(1_500);
  const toasts = await page.locator('.notifications-toasts .notification-toast', { hasText: 'Set API key' }).count();
  assert.equal(toasts, 0, 'a toast repeats the panel’s message');
  // Every error on screen is Switchyard's own, actionable message: VS Code itself reported nothing
  // (e.g. "command not found", "No view is registered with id …").
  const foreign = (await errorNotifications(page)).filter((t) => !/Source: Switchyard/.test(t));
  assert.deepEqual(foreign, [], 'VS Code showed an error while routing the task');
  await screenshot(page, 'route-task-5-guidance');
  await button.click();
  await page
    .locator('.quick-input-widget .quick-input-list .monaco-list-row')
    .first()
    .waitFor({ state: 'visible', timeout: 15_000 });
  await screenshot(page, 'route-task-6-set-key-from-panel');
  await page.keyboard.press('Escape');
});

test('"Route again as…" beside the calls asks for the kind and the risk, then routes the same task by them', async () => {
  const page = wb.page;
  const panel = await frameForWebview(page, 'Switchyard routing');
  assert.match(await panel.locator('[data-testid="classifier-calls"]').innerText(), /kind bugfix .* risk medium/);
  await panel.locator('[data-testid="reroute"]').click();
  const rows = page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
  await rows.first().waitFor({ state: 'visible', timeout: 15_000 });
  await screenshot(page, 'route-task-7-route-again-kind');
  await page.keyboard.type('feature');
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget', { hasText: 'how risky' }).waitFor({ state: 'visible', timeout: 15_000 });
  await page.keyboard.type('high');
  await page.keyboard.press('Enter');
  const calls = panel.locator('[data-testid="classifier-calls"]', { hasText: 'set by you' });
  await calls.waitFor({ timeout: 20_000 });
  assert.match(await calls.innerText(), /kind feature \(set by you\) · risk high \(set by you\)/);
  await panel.getByText(TASK).first().waitFor({ timeout: 5_000 });
  await screenshot(page, 'route-task-8-routed-again');
});
