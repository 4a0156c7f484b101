// Journey: data residency. The workspace policy forbids region cn for src/cart.ts and puts a cn
// model first for the implementer and the critic. A person routes a fix to that file from the
// palette; the routing panel shows the rule that shaped the run, each stage card lists the cn model
// as rejected with the rule named, and the loopback server never heard from the cn model.
// The models are local (no key needed). Screenshots: test-results/screenshots/residency-*.png.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { tsImport } from 'tsx/esm/api';
import { frameForWebview, runCommand, screenshot, startWorkbench, waitForInputBox } from './support/workbench.mjs';

const { startLoopbackServer } = await tsImport('../support/loopbackServer.ts', import.meta.url);
const fx = await tsImport('../integration/extensionFixtures.ts', import.meta.url);

const TASK = 'Fix the negative total in src/cart.ts when the discount is over 100%';
let wb;
let server;

/** Three local models on the loopback server (no keys): anthropic and openai in the us, one in cn. */
function policy() {
  const local = (id, vendor, region) => ({
    id,
    provider: 'openai-compatible',
    model: id,
    vendor,
    baseUrl: `${server.url}/v1`,
    region,
    price: { inputPerMTok: 1, outputPerMTok: 5 },
  });
  return JSON.stringify({
    models: [
      local('loop-claude', 'anthropic', 'us'),
      local('loop-gpt', 'openai', 'us'),
      local('loop-cn', 'deepseek', 'cn'),
    ],
    stages: {
      scout: ['loop-gpt'],
      architect: ['loop-gpt'],
      implementer: ['loop-cn', 'loop-claude'],
      critic: ['loop-cn', 'loop-gpt'],
      finalOwner: ['loop-gpt'],
    },
    rules: {
      escalation: { onRisk: [] },
      humanGate: { onRisk: [] },
      residency: [{ paths: ['src/cart.ts'], denyRegions: ['cn'] }],
    },
  });
}

before(async () => {
  server = await startLoopbackServer();
  server.setHandler(fx.cartTeam());
  wb = await startWorkbench({ name: 'residency', viewport: { width: 1600, height: 1000 } });
  mkdirSync(join(wb.folder, '.switchyard'), { recursive: true });
  writeFileSync(join(wb.folder, '.switchyard', 'routing.json'), policy());
});

after(async () => {
  await wb?.close();
  await server?.close();
});

test('the panel shows the residency rule and the cn model kept out of the stages it would have owned', async () => {
  const page = wb.page;
  await runCommand(page, 'Switchyard: Route this task');
  const input = await waitForInputBox(page);
  await input.fill(TASK);
  await page.keyboard.press('Enter');
  const panel = await frameForWebview(page, 'Switchyard routing');
  const settled = panel.locator('.run-state', { hasText: /awaiting approval|failed|rejected|cancelled/ });
  await settled.waitFor({ timeout: 60_000 });
  const message = await panel.locator('.message').allInnerTexts();
  assert.equal(await settled.innerText(), 'awaiting approval', `the run ended early: ${message.join(' ')}`);

  const residency = panel.locator('[data-testid="residency"]');
  await residency.waitFor({ timeout: 10_000 });
  assert.match(
    await residency.innerText(),
    /rules\.residency\[0\] in \.switchyard\/routing\.json: src\/cart\.ts: not regions cn — applies to src\/cart\.ts; kept loop-cn from the implementer, critic/,
  );
  const strip = await panel.locator('.strip').innerText();
  assert.match(strip, /Implementer[\s\S]*loop-claude · anthropic/);
  assert.match(strip, /Critic[\s\S]*loop-gpt · openai/);
  const implementer = panel.locator('.stage[data-stage="implementer"]');
  await implementer.locator('details.rejected summary').click();
  assert.match(
    await implementer.locator('details.rejected').innerText(),
    /loop-cn — region cn not allowed for src\/cart\.ts \(rules\.residency\[0\] in \.switchyard\/routing\.json\)/,
  );
  await screenshot(page, 'residency-1-panel');
  assert.deepEqual(
    server.requests.filter((r) => r.model === 'loop-cn').map((r) => r.path),
    [],
    'the cn model was never sent anything',
  );
  assert.ok(
    server.requests.some((r) => r.rawBody.includes('discountPercent')),
    'the file went to the allowed models',
  );
});
