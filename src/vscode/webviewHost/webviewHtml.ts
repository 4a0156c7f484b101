// The one page every Switchyard webview loads (the routing panel, the Scorecard view, the routing
// review): a strict Content-Security-Policy (nothing loads or runs unless it comes from the
// extension's own files or carries this load's nonce), one stylesheet of theme colours, one script
// bundle from dist/, and an empty <main> the app renders into once the host has sent its data.
// vscode-free: the host passes in the webview's cspSource and the already-converted URIs.
import { randomBytes } from 'node:crypto';

export interface PageInput {
  cspSource: string;
  nonce: string;
  scriptUri: string;
  styleUri: string;
  title: string;
}

/** 144 random bits, base64: a new one for every page load. */
export function makeNonce(): string {
  return randomBytes(18).toString('base64');
}

export function buildCsp(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `font-src ${cspSource}`,
    `img-src ${cspSource} data:`,
    "connect-src 'none'",
    "frame-src 'none'",
    "form-action 'none'",
    "base-uri 'none'",
  ].join('; ');
}

function escapeAttr(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function buildPageHtml(input: PageInput): string {
  const nonce = escapeAttr(input.nonce);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeAttr(buildCsp(input.cspSource, input.nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escapeAttr(input.styleUri)}" nonce="${nonce}">
<title>${escapeAttr(input.title)}</title>
</head>
<body>
<main id="app" aria-live="polite"><p class="empty">Waiting for the extension…</p></main>
<script nonce="${nonce}" src="${escapeAttr(input.scriptUri)}"></script>
</body>
</html>`;
}
