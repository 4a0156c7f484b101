// Journey: reviewing the routing with a candidate model. The team's policy has a cheaper model of a
// third vendor (loop-new) on the loopback server, and the ledger holds one past run that fixed
// src/cart.ts. A person marks that run as a benchmark item, runs "Review routing for a new model"
// from the palette, answers its two quick picks with the keyboard (loop-new, Implementer), reads the
// report in the review's webview (approval rates, costs, the suggested change), and accepts the
// suggestion with the keyboard: the diff opens, the confirmation is answered, and
// .switchyard/routing.json on disk gets the new implementer chain while the view says so.
// Screenshots: test-results/screenshots/routing-review-*.png.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
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
const bench = await tsImport('../integration/benchmarkFixtures.ts', import.meta.url);

const TASK = 'Fix the negative total in src/cart.ts when the discount is over 100%';
const VIEW = 'Routing review: loop-new as implementer';
let wb;
let server;

before(async () => {
  server = await startLoopbackServer();
  server.setHandler(fx.cartTeam());
  // Without the smoke-test driver: with it, VS Code refuses every modal dialog, and Accept asks in one.
  wb = await startWorkbench({
    name: 'routing-review',
    viewport: { width: 1500, height: 950 },
    smokeTestDriver: false,
  });
  mkdirSync(join(wb.folder, '.switchyard'), { recursive: true });
  writeFileSync(join(wb.folder, '.switchyard', 'routing.json'), bench.candidatePolicy(server));
  // The ledger's default place (shared with the CLI): the server's XDG state folder, per test run.
  const ledger = join(wb.host.server.dataRoot, 'state', 'switchyard', 'runs.jsonl');
  mkdirSync(dirname(ledger), { recursive: true });
  writeFileSync(ledger, `${JSON.stringify(bench.benchmarkRunRecord('run-bench-1', TASK))}\n`);
});

after(async () => {
  await wb?.close();
  await server?.close();
});

const quickPickRow = (page, text) =>
  page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: text }).first();

test('the person stores the keys and marks the past run as a benchmark item', async () => {
  const page = wb.page;
  await setApiKey(page, fx.IMPLEMENTER_KEY_NAME, fx.IMPLEMENTER_KEY);
  await setApiKey(page, fx.CRITIC_KEY_NAME, fx.CRITIC_KEY);
  await runCommand(page, 'Switchyard: Mark a run as benchmark');
  await quickPickRow(page, TASK).waitFor({ timeout: 20_000 });
  await page.keyboard.press('Enter');
  await page
    .locator('.notifications-toasts .notification-toast', { hasText: 'as a benchmark item' })
    .first()
    .waitFor({ timeout: 15_000 });
  const set = JSON.parse(readFileSync(join(wb.folder, '.switchyard', 'benchmarks.json'), 'utf8'));
  assert.equal(set.items.length, 1);
  assert.equal(set.items[0].task, TASK);
});

test('"Review routing for a new model" replays with loop-new as implementer and shows the report', async () => {
  const page = wb.page;
  const requestsBefore = server.requests.length;
  await runCommand(page, 'Switchyard: Review routing for a new model');
  // First pick: the candidate, found by typing its id as a person would.
  const input = await waitForInputBox(page, { timeout: 20_000 });
  await quickPickRow(page, 'loop-claude').waitFor({ timeout: 20_000 });
  assert.match(await page.locator('.quick-input-widget').innerText(), /which candidate model/);
  await input.fill('loop-new');
  await quickPickRow(page, 'mistral').waitFor();
  await page.keyboard.press('Enter');
  // Second pick: the stage; each row shows its chain now.
  await page.locator('.quick-input-widget', { hasText: 'loop-new in which stage' }).waitFor({ timeout: 15_000 });
  await quickPickRow(page, 'now: loop-claude').waitFor();
  await input.fill('Implementer');
  await quickPickRow(page, 'Implementer').waitFor();
  await page.keyboard.press('Enter');

  const view = await frameForWebview(page, VIEW, { timeout: 120_000 });
  const figures = view.locator('table[aria-label="Current routing and candidate side by side"]');
  await figures.waitFor({ timeout: 30_000 });
  assert.ok(
    server.requests.slice(requestsBefore).some((q) => q.model === 'loop-new'),
    'the candidate was really called',
  );
  assert.match(await view.locator('h2').first().innerText(), /loop-new as implementer: 1 benchmark item\(s\)/);
  const head = await figures.locator('thead th').allInnerTexts();
  assert.deepEqual(head.slice(1), ['Current (loop-claude)', 'Candidate (loop-new)']);
  const row = async (name) =>
    (
      await figures
        .locator('tr', { has: view.locator('th', { hasText: name }) })
        .first()
        .locator('td')
        .allInnerTexts()
    ).map((t) => t.trim());
  assert.deepEqual(await row('Approval rate'), ['100% (1/1)', '100% (1/1)']);
  const [currentCost, candidateCost] = await row(/^Cost$/);
  const dollars = (t) => Number(/^\$(\d+\.\d+)$/.exec(t)?.[1] ?? NaN);
  assert.ok(
    dollars(candidateCost) < dollars(currentCost),
    `the candidate is cheaper: ${candidateCost} vs ${currentCost}`,
  );
  assert.ok(dollars(candidateCost) > 0, `the candidate's cost is shown: ${candidateCost}`);
  const cheaper = figures
    .locator('tr', { has: view.locator('th', { hasText: /^Cost$/ }) })
    .locator('td')
    .nth(1);
  assert.equal(await cheaper.getAttribute('class'), 'good', 'the cheaper cost is marked as better');
  const suggestion = await view.locator('.suggestion').innerText();
  assert.match(
    suggestion,
    /Suggested: put loop-new first in stages\.implementer: \["loop-claude"\] → \["loop-new","loop-claude"\]/,
  );
  assert.match(await view.locator('table[aria-label="Each benchmark item"]').innerText(), /Fix the negative total/);
  // Readable in the theme: text is not the page background, and nothing is wider than the view.
  const look = await view.evaluate(() => {
    const body = getComputedStyle(document.body);
    const width = document.documentElement.clientWidth;
    const wide = [...document.querySelectorAll('table, p, h2, button')]
      .filter((el) => el.getBoundingClientRect().right > width + 1)
      .map((el) => el.outerHTML.slice(0, 80));
    return { color: body.color, background: body.backgroundColor, wide };
  });
  assert.notEqual(look.color, look.background);
  // The figures marked better (green) are text: they must read against the page (WCAG large-text 3:1).
  const goodContrast = await view.evaluate(() => {
    const rgb = (c) =>
      c
        .match(/[\d.]+/g)
        .slice(0, 3)
        .map(Number);
    const lum = ([r, g, b]) => {
      const f = (v) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
      return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
    };
    const good = document.querySelector('td.good');
    // The background a person sees: the nearest painted one (the body of a webview is transparent).
    let bg = 'rgb(255, 255, 255)';
    for (let el = good; el; el = el.parentElement) {
      const c = getComputedStyle(el).backgroundColor;
      if (!/rgba\(.*,\s*0\)$|transparent/.test(c)) {
        bg = c;
        break;
      }
    }
    const a = lum(rgb(getComputedStyle(good).color));
    const b = lum(rgb(bg));
    return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
  });
  assert.ok(goodContrast >= 3, `the green "better" figures are hard to read: contrast ${goodContrast.toFixed(2)}:1`);
  assert.deepEqual(look.wide, [], 'wider than the view');
  await screenshot(page, 'routing-review-1-report');
  assert.deepEqual(await errorNotifications(page), []);
});

const policyText = () => readFileSync(join(wb.folder, '.switchyard', 'routing.json'), 'utf8');

/** Focuses the view's Accept button and presses Enter; returns the confirmation dialog once it shows. */
async function acceptWithKeyboard(page) {
  const view = await frameForWebview(page, VIEW);
  await view.locator('button#accept').focus();
  await page.keyboard.press('Enter');
  const dialog = page.locator('.monaco-dialog-box');
  await dialog.waitFor({ timeout: 20_000 });
  return dialog;
}

test('Accept shows the diff and asks first; Escape declines, nothing is written, and the view says so', async () => {
  const page = wb.page;
  const before = policyText();
  const dialog = await acceptWithKeyboard(page);
  assert.match(await dialog.innerText(), /stages\.implementer: \["loop-claude"\] → \["loop-new","loop-claude"\]/);
  await page
    .locator('.tabs-container .tab', { hasText: 'routing.json ↔ proposed' })
    .first()
    .waitFor({ timeout: 10_000 });
  await screenshot(page, 'routing-review-2-confirm');
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'hidden', timeout: 10_000 });
  const view = await frameForWebview(page, VIEW);
  const status = view.locator('.suggestion p.status'); // under the Accept button, not at the page's end
  await status.filter({ hasText: /\S/ }).waitFor({ timeout: 10_000 });
  assert.match(await status.innerText(), /Not applied/);
  assert.equal(policyText(), before, 'nothing is written when the person declines');
  assert.equal(await view.locator('button#accept').isEnabled(), true, 'Accept can be pressed again');
  await screenshot(page, 'routing-review-3-declined');
});

test('Accept again, confirmed with the keyboard, writes the new chain to routing.json and the view says so', async () => {
  const page = wb.page;
  const dialog = await acceptWithKeyboard(page);
  // The safe choice has the focus when the dialog opens (Enter keeps the file); Tab to "Apply", then Enter.
  const keep = dialog.locator('.dialog-buttons .monaco-button', { hasText: 'Keep as is' }).first();
  assert.ok(await keep.evaluate((el) => el === document.activeElement), 'Keep as is is the default button');
  const apply = dialog.locator('.dialog-buttons .monaco-button', { hasText: 'Apply' }).first();
  for (let i = 0; i < 4 && !(await apply.evaluate((el) => el === document.activeElement)); i++) {
    await page.keyboard.press('Tab');
  }
  assert.ok(await apply.evaluate((el) => el === document.activeElement), 'the Apply button has the focus');
  await page.keyboard.press('Enter');
  await dialog.waitFor({ state: 'hidden', timeout: 10_000 });

  const deadline = Date.now() + 15_000;
  let text = policyText();
  while (!/"loop-new",\s*"loop-claude"/.test(text) && Date.now() < deadline) {
    await page.waitForTimeout(200);
    text = policyText();
  }
  assert.match(text, /^\/\/ team policy\n/, 'the comment survives the edit');
  assert.deepEqual(JSON.parse(text.slice(text.indexOf('{'))).stages.implementer, ['loop-new', 'loop-claude']);
  const view = await frameForWebview(page, VIEW);
  const applied = view.locator('.suggestion p.good');
  await applied.waitFor({ timeout: 15_000 });
  assert.match(await applied.innerText(), /Applied: stages\.implementer is now \["loop-new","loop-claude"\]/);
  assert.equal(await view.locator('button#accept').count(), 0, 'the Accept button is gone once applied');
  assert.equal((await view.locator('p.status').innerText()).trim(), '', 'the earlier "not applied" is gone');
  await screenshot(page, 'routing-review-4-applied');
  assert.deepEqual(await errorNotifications(page), []);
});
