// Helpers for end-to-end journeys: a person using VS Code's workbench (the real one, from the VS Code
// server in .vscode-test/host, shown in headless chromium) with Switchyard loaded from this repo.
// Everything goes through what a person sees and presses — keyboard, command palette, notifications,
// webviews — never through the extension's internals.
//
//   const wb = await startWorkbench({ name: 'my-journey' }); // server + browser + fresh sample workspace
//   await runCommand(wb.page, 'Switchyard: Route this task');
//   await waitForNotification(wb.page, 'Switchyard');
//   await screenshot(wb.page, 'after-route');        // test-results/screenshots/after-route.png
//   const panel = await frameForWebview(wb.page, 'Switchyard routing');
//   await panel.getByText('implementer').waitFor();
//   await wb.close();
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot, startHost } from '../../support/vscodeHost.mjs';

export const screenshotDir = join(repoRoot, 'test-results', 'screenshots');

/**
 * Starts the VS Code server and the browser, opens the workbench on a fresh copy of the sample
 * workspace (or `workspace`) with this repo as the extension under development, and waits until the
 * workbench and its explorer are up. Returns { page, host, folder, close }.
 * With `name`, close() first saves test-results/screenshots/<name>-last.png: the state a journey
 * ended in, which is what you want to see when one fails.
 */
export async function startWorkbench(options = {}) {
  const { viewport, name, ...hostOptions } = options;
  const host = await startHost(hostOptions);
  let page;
  try {
    page = await host.openWorkbench(viewport ? { viewport } : {});
    // The explorer lists the workspace once the remote connection and file service are up.
    await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 60_000 });
  } catch (err) {
    if (page && name) await screenshot(page, `${name}-last`).catch(() => {});
    await host.close();
    throw err;
  }
  const close = async () => {
    if (name) {
      await Promise.race([screenshot(page, `${name}-last`), new Promise((r) => setTimeout(r, 5_000))]).catch(() => {});
    }
    await host.close();
  };
  return { page, host, folder: host.folder, close };
}

function quickInput(page) {
  return page.locator('.quick-input-widget');
}

/** Opens the command palette with F1 (as a person would) and returns its input box. */
export async function openCommandPalette(page) {
  // The palette's input, not just the widget: a quick pick that is still closing (Escape pressed a
  // moment ago) shows the widget while the F1 that followed it was lost.
  const input = quickInput(page).locator('.quick-input-box input');
  // Focus the workbench first: keys go to whatever has focus, and a fresh page may have none.
  await page
    .locator('.monaco-workbench')
    .focus()
    .catch(() => {});
  for (let attempt = 0; attempt < 3; attempt++) {
    await page.keyboard.press('F1');
    try {
      await input.waitFor({ state: 'visible', timeout: 5_000 });
      break;
    } catch (err) {
      if (attempt === 2) throw new Error(`the command palette did not open after pressing F1: ${err.message}`);
    }
  }
  return input;
}

/** Row of the command palette whose label is exactly `title` (e.g. "Switchyard: Route this task"). */
export function commandPaletteRow(page, title) {
  return quickInput(page).locator('.quick-input-list .monaco-list-row', {
    has: page.locator('.label-name', { hasText: title }),
  });
}

/**
 * Opens the palette, types `title` and returns its row once shown. Retries with a fresh palette:
 * right after the workbench appears the extension host may still be registering contributions, and
 * an open palette does not pick up commands registered after it opened.
 */
export async function findCommand(page, title, { timeout = 30_000 } = {}) {
  const deadline = Date.now() + timeout;
  let offered = [];
  for (;;) {
    const input = await openCommandPalette(page);
    await input.fill(`>${title}`);
    const row = commandPaletteRow(page, title).first();
    try {
      await row.waitFor({ state: 'visible', timeout: Math.min(3_000, Math.max(500, deadline - Date.now())) });
      return row;
    } catch {
      offered = await quickInput(page).locator('.quick-input-list .monaco-list-row').allInnerTexts();
    }
    await page.keyboard.press('Escape');
    if (Date.now() > deadline) {
      throw new Error(
        `"${title}" is not in the command palette after ${timeout / 1000} s; it offered: ` +
          (offered.map((t) => t.replace(/\s+/g, ' ')).join(' | ') || 'nothing'),
      );
    }
    await page.waitForTimeout(500);
  }
}

/**
 * Runs a command by its palette title: F1, type the title, wait for its row, select it.
 * Throws (naming what the palette offered instead) when no row has that title.
 */
export async function runCommand(page, title, { timeout = 30_000 } = {}) {
  const row = await findCommand(page, title, { timeout });
  // Select that row (not just whatever is first) and run it.
  await row.click();
  // Park the mouse where it shows no hover tooltip, so screenshots show what the command opened.
  const size = page.viewportSize();
  if (size) await page.mouse.move(Math.round(size.width * 0.6), Math.round(size.height * 0.6));
  await quickInput(page)
    .waitFor({ state: 'hidden', timeout: 5_000 })
    .catch(() => {
      // a command may open its own quick input (an input box) straight away; that is fine
    });
}

/** Waits for a notification toast containing `text`; returns its locator. */
export async function waitForNotification(page, text, { timeout = 15_000 } = {}) {
  const toast = page.locator('.notifications-toasts .notification-toast', { hasText: text }).first();
  try {
    await toast.waitFor({ state: 'visible', timeout });
  } catch {
    const shown = await page.locator('.notifications-toasts .notification-toast').allInnerTexts();
    throw new Error(
      `no notification containing "${text}" within ${timeout / 1000} s; showing: ${shown.map((t) => t.replace(/\s+/g, ' ')).join(' | ') || 'none'}`,
    );
  }
  return toast;
}

/** Texts of the error notifications on screen (an error toast is never part of a good journey). */
export async function errorNotifications(page) {
  const errors = page.locator('.notifications-toasts .notification-toast', {
    has: page.locator('.codicon-error'),
  });
  return (await errors.allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
}

/** The input box a command opened (vscode.window.showInputBox / createInputBox); returns its <input>. */
export async function waitForInputBox(page, { timeout = 15_000 } = {}) {
  const widget = quickInput(page);
  await widget.waitFor({ state: 'visible', timeout });
  return widget.locator('.quick-input-box input');
}

/** Saves a full-window screenshot to test-results/screenshots/<name>.png and returns its path. */
export async function screenshot(page, name) {
  mkdirSync(screenshotDir, { recursive: true });
  const path = join(screenshotDir, `${name.replace(/[^A-Za-z0-9._-]+/g, '-')}.png`);
  // Animations off: otherwise a toast that is still fading in shows half-transparent.
  await page.screenshot({ path, animations: 'disabled' });
  return path;
}

/**
 * The content frame of the webview titled `title` (an editor panel's tab title, or the webview
 * document's <title>). Webviews render in two nested iframes (iframe.webview → #active-frame);
 * this returns the inner playwright Frame, so `frame.locator(...)` reaches the webview's own DOM.
 */
export async function frameForWebview(page, title, { timeout = 30_000 } = {}) {
  const tab = page.locator('.tabs-container .tab', { hasText: title }).first();
  const deadline = Date.now() + timeout;
  for (;;) {
    if ((await tab.count()) > 0) await tab.click().catch(() => {});
    for (const frame of page.frames()) {
      if (frame.name() !== 'active-frame' && !frame.url().includes('fake.html')) continue;
      const docTitle = await frame.title().catch(() => '');
      if (docTitle.includes(title)) return frame;
    }
    // Fall back to the visible webview when its tab has the title but the document sets none.
    if ((await tab.count()) > 0 && (await tab.getAttribute('class'))?.includes('active')) {
      const visible = page.locator('iframe.webview.ready:visible');
      if ((await visible.count()) === 1) {
        const outer = await (await visible.elementHandle())?.contentFrame();
        const inner = outer?.childFrames()[0];
        if (inner) return inner;
      }
    }
    if (Date.now() > deadline) {
      const titles = await Promise.all(page.frames().map((f) => f.title().catch(() => '')));
      throw new Error(
        `no webview titled "${title}" within ${timeout / 1000} s; frame titles: ${titles.filter(Boolean).join(' | ') || 'none'}`,
      );
    }
    await page.waitForTimeout(250);
  }
}

/**
 * Stores an API key the way a person does: "Switchyard: Set API key", pick the key's name, type it
 * into the password box, Enter; waits for the confirmation.
 */
export async function setApiKey(page, name, value) {
  await runCommand(page, 'Switchyard: Set API key');
  const row = quickInput(page).locator('.quick-input-list .monaco-list-row', { hasText: name }).first();
  await row.waitFor({ state: 'visible', timeout: 20_000 });
  await row.click();
  const input = await waitForInputBox(page);
  if ((await input.getAttribute('type')) !== 'password') throw new Error('the key box does not hide what is typed');
  await input.fill(value);
  await page.keyboard.press('Enter');
  await page
    .locator('.notifications-toasts .notification-toast', { hasText: `stored ${name}` })
    .first()
    .waitFor({ timeout: 15_000 });
}

/** How many editor groups (columns) the workbench shows. */
export function editorGroupCount(page) {
  return page.locator('.part.editor .editor-group-container').count();
}

/** Titles of the open editor tabs. */
export async function tabTitles(page) {
  return (await page.locator('.tabs-container .tab .label-name').allInnerTexts()).map((t) => t.trim());
}
