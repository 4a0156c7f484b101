import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildCsp, buildPageHtml as buildPanelHtml, makeNonce } from '../../../src/vscode/webviewHost/webviewHtml';

const input = {
  cspSource: 'https://file+.vscode-resource.vscode-cdn.net',
  nonce: 'abc123',
  scriptUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview.js',
  styleUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/media/panel.css',
  title: 'Switchyard <routing>',
};

test("the CSP allows only nonce scripts and the extension's own resources", () => {
  const csp = buildCsp(input.cspSource, 'n0nce');
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, /script-src 'nonce-n0nce'(;|$)/);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*/);
  assert.match(csp, /connect-src 'none'/);
});

test('the page loads one nonce-tagged script and escapes what it interpolates', () => {
  const html = buildPanelHtml(input);
  const scripts = html.match(/<script[^>]*>/g) ?? [];
  assert.equal(scripts.length, 1);
  assert.match(scripts[0]!, /nonce="abc123"/);
  assert.match(scripts[0]!, /src="https:\/\/file\+\.vscode-resource[^"]+webview\.js"/);
  assert.ok(html.includes('Switchyard &lt;routing&gt;'));
  assert.ok(html.includes('http-equiv="Content-Security-Policy"'));
});

test('nonces are fresh and long enough', () => {
  const a = makeNonce();
  const b = makeNonce();
  assert.notEqual(a, b);
  assert.ok(a.length >= 24);
});
