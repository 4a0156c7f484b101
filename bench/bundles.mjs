// Bundle sizes (the release build) and the VSIX size, in KB: what VS Code must load and ship.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const kb = (bytes) => Math.round((bytes / 1024) * 10) / 10;

export async function run({ root }) {
  const size = (f) => kb(statSync(join(root, 'dist', f)).size);
  const figures = {
    extensionKb: size('extension.js'),
    mainKb: size('main.js'),
    // The three webview apps, one bundle each (the routing panel, the Scorecard view, the routing review).
    webviewKb: size('webview.js'),
    scorecardKb: size('scorecard.js'),
    routingReviewKb: size('routingReview.js'),
    cliKb: size('cli.js'),
    // The OpenTelemetry exporter: required by main.js and cli.js only when export is switched on.
    telemetryKb: size('telemetry.js'),
  };
  const out = mkdtempSync(join(tmpdir(), 'switchyard-vsix-'));
  try {
    const vsix = join(out, 'switchyard.vsix');
    const r = spawnSync(
      'npx',
      [
        '--no-install',
        'vsce',
        'package',
        '--no-dependencies',
        '--allow-missing-repository',
        '--no-rewrite-relative-links',
        '-o',
        vsix,
      ],
      {
        cwd: root,
        encoding: 'utf8',
      },
    );
    if (r.status !== 0) throw new Error(`vsce package failed: ${r.stderr || r.stdout}`);
    figures.vsixKb = kb(statSync(vsix).size);
    figures.vsixFiles = Number((/(\d+) files/.exec(r.stdout) ?? [])[1] ?? readdirSync(out).length);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
  return figures;
}
