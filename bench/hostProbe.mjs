// Shared by the sections that measure inside a real VS Code extension host (activation, memory):
// an empty extension for the same-run baseline, and one probe run — a fresh VS Code server +
// headless chromium (fresh profile and a fresh copy of the sample workspace), the probe loaded as
// the host's "tests" entry, and the JSON it prints after `MARKER ` returned.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { format } from 'node:util';
import { startHost } from '../test/support/vscodeHost.mjs';

/** An extension that does nothing (id switchyard-bench.empty): the host before any of our code. */
export function emptyExtension() {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-empty-ext-'));
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({
      name: 'empty',
      publisher: 'switchyard-bench',
      version: '0.0.0',
      engines: { vscode: '^1.100.0' },
      main: './extension.js',
      activationEvents: [],
    }),
  );
  writeFileSync(join(dir, 'extension.js'), 'exports.activate = function () {};\n');
  return dir;
}

/**
 * Runs `probe` (a CommonJS file exporting run()) in a fresh extension host with
 * `extensionDevelopmentPath` loaded, and returns the JSON object it logged after `marker`.
 */
export async function runProbe({ probe, marker, extensionDevelopmentPath, timeoutMs = 90_000 }) {
  const host = await startHost({ extensionDevelopmentPath });
  try {
    let result;
    const pattern = new RegExp(`${marker} (\\{.*\\})`);
    const log = [];
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${marker}: no result within ${timeoutMs / 1000} s`)), timeoutMs);
      host
        .openWorkbench({
          extensionTestsPath: probe,
          waitForWorkbench: false,
          onLog: (_type, args) => {
            const text = format(...(Array.isArray(args) ? args : [args]));
            log.push(text);
            const m = pattern.exec(text);
            if (m) result = JSON.parse(m[1]);
          },
          onExit: () => {
            clearTimeout(timer);
            resolve();
          },
        })
        .catch((err) => {
          clearTimeout(timer);
          reject(err);
        });
    });
    if (!result) throw new Error(`${marker}: the probe printed no result. Its log:\n${log.slice(-20).join('\n')}`);
    return result;
  } finally {
    await host.close();
  }
}
