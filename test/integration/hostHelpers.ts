// Helpers for integration tests that run inside the extension host: reach the extension's live
// services (the same dist/main.js module instance extension.ts loaded) and poll for a condition.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type * as MainModule from '../../src/vscode/main';

const EXTENSION_ID = 'switchyard.switchyard';

export function mainModule(): typeof MainModule {
  const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
  // The same file extension.ts requires lazily, so this is the same module instance.
  return require(path.join(ext.extensionPath, 'dist', 'main.js')) as typeof MainModule;
}

export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 30_000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
