// Journey: a person opens the Scorecard view in the Switchyard sidebar over a ledger of past runs,
// reads the figures per model and role, the per-stage health and the cost-per-trusted-change chart,
// then narrows it to bug fixes with the keyboard. The ledger is the hand-checked fixture of the unit
// tests (test/unit/bench/scorecardFixture.ts), placed where an earlier version of the extension kept
// its ledger (its global storage): the extension moves those runs into the ledger it shares with the
// CLI, so a person upgrading keeps their history.
// Screenshots: test-results/screenshots/scorecard-*.png.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { tsImport } from 'tsx/esm/api';
import { errorNotifications, frameForWebview, runCommand, screenshot, startWorkbench } from './support/workbench.mjs';

const { FIXTURE } = await tsImport('../unit/bench/scorecardFixture.ts', import.meta.url);
let wb;

before(async () => {
  wb = await startWorkbench({ name: 'scorecard', viewport: { width: 1400, height: 900 } });
  // The remote extension host's global storage for this extension: the default ledger location.
  const dir = join(wb.host.server.dirs.user, 'User', 'globalStorage', 'switchyard.switchyard');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'runs.jsonl'), FIXTURE.map((r) => JSON.stringify(r)).join('\n') + '\n');
});

after(async () => {
  await wb?.close();
});

test('the Scorecard view shows the figures, the stage table and the chart, and filters by task kind', async () => {
  const page = wb.page;
  await runCommand(page, 'Switchyard: Focus on Scorecard View');
  const view = await frameForWebview(page, 'Switchyard scorecard');
  const overall = view.locator('p', { hasText: 'trusted change(s)' }).first();
  await overall.waitFor({ timeout: 30_000 });
  // 4 runs, 3 applied, 3 trusted; $0.0655 total; $0.0495 / 3 = $0.0165 per trusted change.
  assert.match(
    await overall.innerText(),
    /4 run\(s\), 3 applied, 3 trusted change\(s\), total \$0\.0655, cost per trusted change \$0\.0165/,
  );
  const sonnet = view.locator('tr', { hasText: 'sonnet' }).filter({ hasText: 'Implementer' }).first();
  // All cells (the role moves beside the model, and time, cost and tokens are hidden, while the
  // sidebar is narrow, but present).
  assert.deepEqual(await sonnet.locator('td').allTextContents(), [
    'sonnet · Implementer',
    'Implementer',
    '4',
    '75%',
    '$0.0165',
    '3',
    '2.0s',
    '$0.0380',
    '6000→1100',
  ]);
  // What a person reads in the narrow sidebar: each figure after its name (drawn by CSS before it).
  const read = await sonnet.evaluate((tr) =>
    [...tr.querySelectorAll('td')]
      .filter((td) => getComputedStyle(td).display !== 'none')
      .map((td) => {
        const label = getComputedStyle(td, '::before').content;
        return `${/^".*"$/.test(label) ? label.slice(1, -1) : ''}${td.innerText}`.trim();
      })
      .join(' | '),
  );
  assert.equal(read, 'sonnet · Implementer | runs 4 | accepted 75% | cost/trusted $0.0165 | trusted 3');
  assert.equal(await view.locator('svg[role="img"] polyline').count(), 3, 'one line per model');
  // Collapse the Pipeline view above, as a person would to give the scorecard the whole sidebar.
  await page
    .locator('.pane-header', { hasText: /^Pipeline$/i })
    .first()
    .click()
    .catch(() => {});
  await page.waitForTimeout(300);
  await screenshot(page, 'scorecard-1-all-time');
  // Nothing is clipped in the narrow sidebar: every table and the ledger path fit its width, so the
  // cost per trusted change is in view without scrolling sideways.
  const overflow = await view.evaluate(() =>
    [...document.querySelectorAll('table, p')]
      .filter((el) => el.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
      .map((el) => el.outerHTML.slice(0, 100)),
  );
  assert.deepEqual(overflow, [], 'wider than the view');
  // The runs the earlier version kept were moved into the shared ledger the CLI reads too.
  assert.match(await view.locator('p.muted', { hasText: 'Ledger:' }).innerText(), /state\/switchyard\/runs\.jsonl/);

  // Keyboard: focus the task-kind select and pick "bugfix".
  await view.locator('#kind').focus();
  await view.locator('#kind').selectOption('bugfix');
  // The host redraws the whole view (a new document in the webview's frame): find the frame again.
  let redrawn;
  const deadline = Date.now() + 15_000;
  for (;;) {
    const frame = await frameForWebview(page, 'Switchyard scorecard');
    const text = await frame
      .locator('p', { hasText: 'trusted change(s)' })
      .first()
      .innerText({ timeout: 2_000 })
      .catch(() => '');
    if (/^2 run\(s\)/.test(text)) {
      redrawn = { frame, text };
      break;
    }
    if (Date.now() > deadline) assert.fail(`the view did not redraw for bugfix tasks; it shows: ${text}`);
    await page.waitForTimeout(200);
  }
  // R2 + R3: 1 applied, 1 trusted at $0.015; total $0.031.
  assert.match(
    redrawn.text,
    /2 run\(s\), 1 applied, 1 trusted change\(s\), total \$0\.0310, cost per trusted change \$0\.0150/,
  );
  assert.equal(
    await redrawn.frame.locator('#kind').inputValue(),
    'bugfix',
    'the filter stays selected after the redraw',
  );
  await screenshot(page, 'scorecard-2-bugfix');
  assert.deepEqual(await errorNotifications(page), []);
});
