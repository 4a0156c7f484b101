// Journey: a person with two vendors' models works through one change the way a new user would — the
// file open, "Route this task", the panel and the sidebar, the reviewer's finding in the diff, "Apply
// suggestion" on it, "Apply change" — then routes again, rejects, looks for another reviewer, and asks
// a question. What each step must show (each one broke once, see issue 13):
//   - the critic's finding stays in view when the final owner approves (panel, comments, sidebar);
//   - an applied suggestion is in the file on disk after Apply;
//   - two editor columns at most, and no diff tab left over a decided change;
//   - no "Applied to …" carried into the next run; a Reject says who rejected, not "human gate";
//   - the re-run picker puts ready models first and says why the others cannot run;
//   - the reasons are listed one per line, including why there is no scout;
//   - an answer reads as markdown, and its HTML stays text.
// Screenshots: test-results/screenshots/review-journey-*.png.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { tsImport } from 'tsx/esm/api';
import {
  editorGroupCount,
  errorNotifications,
  frameForWebview,
  runCommand,
  screenshot,
  startWorkbench,
  tabTitles,
  waitForInputBox,
} from './support/workbench.mjs';

const { startLoopbackServer } = await tsImport('../support/loopbackServer.ts', import.meta.url);
const fx = await tsImport('../integration/extensionFixtures.ts', import.meta.url);

// The task does not name the file: the open editor says which file it is about.
const TASK = 'Fix the negative total when the discount is over 100%';
const QUESTION = 'What does totalCents return for an empty cart?';
const ANSWER = [
  '**totalCents** returns `0` for an empty cart:',
  '',
  '- `subtotalCents([])` is `0`',
  '- a discount of `0` leaves it at `0`',
  '',
  'See [the MDN page on reduce](https://developer.mozilla.org/docs/Web/JavaScript/Reference/Global_Objects/Array/reduce).',
  '',
  '<img src=x onerror="document.title=\'pwned\'"> <b>not bold</b>',
].join('\n');

let wb;
let server;
let originalCart;
const cartPath = () => join(wb.folder, 'src', 'cart.ts');

before(async () => {
  server = await startLoopbackServer();
  server.setHandler(fx.cartTeam({ severity: 'major', finalOwnerApprovesClean: true, answer: ANSWER }));
  wb = await startWorkbench({ name: 'review-journey', viewport: { width: 1600, height: 1000 } });
  mkdirSync(join(wb.folder, '.switchyard'), { recursive: true });
  // Every risk escalates to the final owner, so a second review sits beside the critic's.
  writeFileSync(
    join(wb.folder, '.switchyard', 'routing.json'),
    fx.loopbackPolicy(server, { escalateOnRisk: ['low', 'medium', 'high'], keyless: true }),
  );
  originalCart = readFileSync(cartPath(), 'utf8');
});

after(async () => {
  await wb?.close();
  await server?.close();
});

async function route(page, task) {
  await runCommand(page, 'Switchyard: Route this task');
  // The first command loads the extension's main bundle: give the box time to appear.
  const input = await waitForInputBox(page, { timeout: 60_000 });
  await input.fill(task);
  await page.keyboard.press('Enter');
  // The first run creates the panel and loads the extension's main bundle: allow for a slow machine.
  const panel = await frameForWebview(page, 'Switchyard routing', { timeout: 90_000 });
  await panel.locator('h1.task', { hasText: task }).waitFor({ timeout: 30_000 });
  return panel;
}

async function settled(panel) {
  const state = panel.locator('.run-state', { hasText: /awaiting approval|failed|rejected|cancelled|done|applied/ });
  await state.waitFor({ timeout: 90_000 });
  return state.innerText();
}

test('the person opens the file the task is about', async () => {
  const page = wb.page;
  // The two models are local (loopback) servers that need no key; storing keys is routeAndApply's journey.
  await page.keyboard.press('Control+P');
  const input = await waitForInputBox(page);
  await input.fill('cart.ts');
  await page.locator('.quick-input-list .monaco-list-row', { hasText: 'cart.ts' }).first().waitFor();
  await page.keyboard.press('Enter');
  await page.locator('.tabs-container .tab', { hasText: 'cart.ts' }).first().waitFor({ timeout: 15_000 });
});

test('the panel lists the reasons one per line, says why there is no scout, and shows both reviews', async () => {
  const page = wb.page;
  const panel = await route(page, TASK);
  assert.equal(await settled(panel), 'awaiting approval', (await panel.locator('.message').allInnerTexts()).join(' '));
  const reasons = await panel.locator('ul.reasons li').allInnerTexts();
  assert.ok(reasons.length >= 3, `reasons: ${reasons.join(' | ')}`);
  assert.ok(
    reasons.some((r) => /^no scout: the task or its context names the file/.test(r)),
    reasons.join(' | '),
  );
  const critic = panel.locator('.review[data-stage="critic"]');
  const finalOwner = panel.locator('.review[data-stage="finalOwner"]');
  await finalOwner.waitFor({ timeout: 15_000 });
  assert.match(await critic.innerText(), /Review: approve[\s\S]*major[\s\S]*Say why the discount is clamped/);
  assert.match(await finalOwner.innerText(), /Final owner: approve[\s\S]*No findings\./);
  // Two columns: the file (now the diff) and the panel, never a third squeezed in.
  await page.locator('.monaco-diff-editor').first().waitFor({ timeout: 30_000 });
  assert.equal(await editorGroupCount(page), 2);
  await screenshot(page, 'review-journey-1-panel-both-reviews');
});

test('the sidebar shows each reviewer’s own review: the final owner’s approval hides nothing', async () => {
  const page = wb.page;
  await page.locator('.activitybar .action-item a[aria-label^="Switchyard"]').first().click();
  const rows = page.locator('.pane-body .monaco-list-row');
  for (const stage of ['Critic', 'Final owner']) {
    const row = rows.filter({ hasText: stage }).first();
    await row.waitFor({ timeout: 15_000 });
    if ((await row.getAttribute('aria-expanded')) === 'false') await row.click();
  }
  const review = rows.filter({ hasText: 'Review' });
  await review.nth(1).waitFor({ timeout: 15_000 });
  const texts = await review.allInnerTexts();
  assert.equal(texts.length, 2, texts.join(' | '));
  assert.match(texts[0], /Review\s*approve · 1 finding$/, 'under the Critic: its finding is counted');
  assert.match(texts[1], /Review\s*approve · 0 findings$/, 'under the Final owner: its own review');
  await screenshot(page, 'review-journey-2-sidebar');
  await page.locator('.activitybar .action-item a[aria-label^="Explorer"]').first().click();
});

test('"Apply suggestion" on the finding, then "Apply change": the suggestion is in the file on disk', async () => {
  const page = wb.page;
  const thread = page.locator('.review-widget', { hasText: 'Say why the discount is clamped' }).first();
  await thread.waitFor({ timeout: 30_000 });
  assert.match(await thread.innerText(), /major/);
  await thread.hover();
  await thread.locator('.action-item a[aria-label^="Apply suggestion"]').first().click();
  const suggestion = '// a discount outside 0..100 is a data error';
  await page
    .locator('.monaco-diff-editor .modified .view-line', { hasText: suggestion })
    .first()
    .waitFor({ timeout: 15_000 });
  await screenshot(page, 'review-journey-3-suggestion-applied');
  const panel = await frameForWebview(page, 'Switchyard routing');
  await panel.locator('.finding', { hasText: '(applied)' }).waitFor({ timeout: 10_000 });
  await panel.locator('.actions vscode-button', { hasText: 'Apply change' }).click();
  await panel.locator('.run-state', { hasText: 'applied' }).waitFor({ timeout: 30_000 });
  const onDisk = readFileSync(cartPath(), 'utf8');
  assert.equal(
    onDisk.split('\n')[15],
    '  const pct = Math.min(100, Math.max(0, discountPercent)); // a discount outside 0..100 is a data error',
    'the suggestion a person applied is what was written',
  );
  assert.match(await panel.locator('p.status').innerText(), /^Applied to src\/cart\.ts\./);
  // The decided change's diff closed: it showed a "before" that is no longer on disk.
  await page.waitForFunction(
    () => ![...document.querySelectorAll('.tabs-container .tab')].some((t) => /\(proposed\)/.test(t.textContent ?? '')),
    undefined,
    { timeout: 15_000 },
  );
  assert.ok(!(await tabTitles(page)).some((t) => /proposed/.test(t)));
  await screenshot(page, 'review-journey-4-applied');
  assert.deepEqual(await errorNotifications(page), []);
  // The file was open in an editor when the change was applied: saved, with no false alarm (the web
  // workbench auto-saves, so VS Code's save() finds nothing left to save).
  const warnings = await page
    .locator('.notifications-toasts .notification-toast', { hasText: 'could not save' })
    .count();
  assert.equal(warnings, 0, 'a "could not save" warning for a file that was saved');
});

test('the next run starts clean; "Reject" says the person rejected it, not "human gate"', async () => {
  const page = wb.page;
  writeFileSync(cartPath(), originalCart);
  const panel = await route(page, TASK);
  // The same task text: wait for the new run itself, not the last one's header.
  await panel.locator('.run-state', { hasText: /^(running|awaiting approval)$/ }).waitFor({ timeout: 30_000 });
  assert.equal(await panel.locator('p.status').innerText(), '', 'nothing from the last run’s Apply');
  assert.equal(await settled(panel), 'awaiting approval');
  assert.equal(await panel.locator('p.status').innerText(), '');
  assert.equal(await editorGroupCount(page), 2, 'still two columns on the second run');
  await panel.locator('.actions vscode-button', { hasText: 'Reject' }).click();
  const message = panel.locator('.message', { hasText: 'rejected' });
  await message.waitFor({ timeout: 30_000 });
  assert.equal(await message.innerText(), 'rejected: you rejected the change; nothing was applied');
  assert.equal(readFileSync(cartPath(), 'utf8'), originalCart);
  await page.waitForFunction(
    () => ![...document.querySelectorAll('.tabs-container .tab')].some((t) => /\(proposed\)/.test(t.textContent ?? '')),
    undefined,
    { timeout: 15_000 },
  );
  await screenshot(page, 'review-journey-5-rejected');
});

test('"Re-run stage" lists the models that can review first, and says why the others cannot', async () => {
  const page = wb.page;
  await runCommand(page, 'Switchyard: Re-run stage with another model');
  const rows = page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
  await rows.filter({ hasText: 'Critic' }).first().click();
  await rows.filter({ hasText: 'loop-claude' }).first().waitFor({ timeout: 15_000 });
  const shown = (await rows.allInnerTexts()).map((t) => t.replace(/\s+/g, ' '));
  // The critic ran with loop-gpt; the only other model is the author's vendor: listed apart, with why.
  assert.ok(
    shown.some((t) => /Cannot run this stage now/.test(t)),
    shown.join(' | '),
  );
  assert.ok(
    shown.some((t) => /loop-claude.*same vendor as the change's author \(anthropic\)/.test(t)),
    shown.join(' | '),
  );
  await screenshot(page, 'review-journey-6-rerun-picker');
  await page.keyboard.press('Escape');
});

test('a question’s answer reads as markdown; its HTML stays text', async () => {
  const page = wb.page;
  const panel = await route(page, QUESTION);
  assert.equal(await settled(panel), 'done');
  const answer = panel.locator('section.answer .markdown');
  await answer.waitFor({ timeout: 15_000 });
  assert.equal(await answer.locator('strong').first().innerText(), 'totalCents');
  assert.equal(await answer.locator('li').count(), 2);
  assert.equal(await answer.locator('button.link').innerText(), 'the MDN page on reduce');
  assert.equal(await answer.locator('img, b, a, script').count(), 0, 'no markup from the answer');
  assert.match(await answer.innerText(), /<img src=x onerror=/);
  assert.notEqual(await page.title(), 'pwned');
  await screenshot(page, 'review-journey-7-answer');
  assert.deepEqual(await errorNotifications(page), []);
});
