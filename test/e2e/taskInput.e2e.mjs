// Journey: a person routes a question, then pastes a different task into "Switchyard: Route this
// task" and presses Enter at once. The task that runs is the one they pasted, never the recent task
// the list still showed a moment earlier. No keys are stored: the panel's header shows which task ran.
// Screenshots: test-results/screenshots/task-input-*.png.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { frameForWebview, runCommand, screenshot, startWorkbench, waitForInputBox } from './support/workbench.mjs';

const TITLE = 'Switchyard: Route this task';
const QUESTION = 'What does totalCents return for an empty cart?';
const TYPO = 'Fix the typo in README.md: "retuns" should be "returns"';

let wb;

before(async () => {
  wb = await startWorkbench({ name: 'task-input' });
});

after(async () => {
  await wb?.close();
});

async function shownTask(page) {
  const panel = await frameForWebview(page, 'Switchyard routing');
  return panel.locator('h1.task');
}

test('a first task is remembered as recent', async () => {
  const page = wb.page;
  await runCommand(page, TITLE);
  const input = await waitForInputBox(page);
  await input.fill(QUESTION);
  await page.keyboard.press('Enter');
  const task = await shownTask(page);
  await task.filter({ hasText: QUESTION }).waitFor({ timeout: 30_000 });
});

test('pasting a new task and pressing Enter at once runs the pasted task, not the recent one', async () => {
  const page = wb.page;
  for (const [i, text] of [TYPO, 'What does totalCents'].entries()) {
    await runCommand(page, TITLE);
    const input = await waitForInputBox(page);
    // The recent task is listed (and highlighted) before anything is typed.
    await page
      .locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: QUESTION })
      .first()
      .waitFor({ timeout: 15_000 });
    await input.focus();
    // A paste: the whole text arrives in one input event, and Enter follows before the extension
    // host has answered it.
    await page.keyboard.insertText(text);
    await page.keyboard.press('Enter');
    await screenshot(page, `task-input-${i + 1}-after-enter`);
    const task = await shownTask(page);
    await task
      .filter({ hasText: text })
      .waitFor({ timeout: 30_000 })
      .catch(() => {});
    assert.equal((await task.innerText()).trim(), text, 'the task that ran is the one pasted');
  }
});

test('a recent task is still picked with the arrow keys after typing to find it', async () => {
  const page = wb.page;
  await runCommand(page, TITLE);
  const input = await waitForInputBox(page);
  await input.focus();
  await page.keyboard.type('empty cart');
  const rows = page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
  // The typed text is offered first, as a new task; the matching recent question below it.
  await rows.filter({ hasText: 'new task' }).first().waitFor({ timeout: 15_000 });
  await rows.filter({ hasText: QUESTION }).first().waitFor({ timeout: 15_000 });
  await page.keyboard.press('ArrowDown');
  await screenshot(page, 'task-input-3-pick-recent');
  await page.keyboard.press('Enter');
  const task = await shownTask(page);
  await task.filter({ hasText: QUESTION }).waitFor({ timeout: 30_000 });
});
