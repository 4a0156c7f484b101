// Activation in a real extension host: the extension activates, registers every command its
// manifest contributes, opens no network connection, and leaves the heavy bundle dist/main.js
// (providers, SDKs, secrets) unloaded — activation is registration only (see DESIGN.md).
import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import * as path from 'node:path';
import * as vscode from 'vscode';

const EXTENSION_ID = 'switchyard.switchyard';

interface NetworkCall {
  via: string;
  target: string;
  stack: string;
}

// The real module object (an `import * as` namespace is a copy once bundled, so patching it would
// not reach other callers).
const dnsModule = require('node:dns') as typeof import('node:dns');

/** Records every outgoing connection attempt (raw sockets, TLS, http(s), fetch, DNS) until restored. */
function trapNetwork(): { calls: NetworkCall[]; restore(): void } {
  const calls: NetworkCall[] = [];
  const originalConnect = net.Socket.prototype.connect;
  const originalFetch = globalThis.fetch;
  const originalLookup = dnsModule.lookup;
  const originalPromisesLookup = dnsModule.promises.lookup;
  const stack = () => (new Error().stack ?? '').split('\n').slice(2, 12).join('\n');
  // tls, http, https and undici all end in Socket.prototype.connect; fetch is also trapped directly
  // because the extension host may replace it with its own proxy-aware version.
  net.Socket.prototype.connect = function patchedConnect(this: net.Socket, ...args: unknown[]) {
    calls.push({ via: 'net.Socket.connect', target: describeTarget(args), stack: stack() });
    return (originalConnect as (...a: unknown[]) => net.Socket).apply(this, args);
  } as typeof net.Socket.prototype.connect;
  if (typeof originalFetch === 'function') {
    globalThis.fetch = function patchedFetch(input: Parameters<typeof fetch>[0], init?: RequestInit) {
      calls.push({ via: 'fetch', target: String(input instanceof Request ? input.url : input), stack: stack() });
      return originalFetch(input, init);
    } as typeof fetch;
  }
  // A name lookup is traffic too (and the first sign of a connection about to happen).
  dnsModule.lookup = function patchedLookup(this: unknown, ...args: unknown[]) {
    calls.push({ via: 'dns.lookup', target: String(args[0]), stack: stack() });
    return (originalLookup as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof dnsModule.lookup;
  dnsModule.promises.lookup = function patchedPromisesLookup(this: unknown, ...args: unknown[]) {
    calls.push({ via: 'dns.promises.lookup', target: String(args[0]), stack: stack() });
    return (originalPromisesLookup as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof dnsModule.promises.lookup;
  return {
    calls,
    restore() {
      net.Socket.prototype.connect = originalConnect;
      globalThis.fetch = originalFetch;
      dnsModule.lookup = originalLookup;
      dnsModule.promises.lookup = originalPromisesLookup;
    },
  };
}

function describeTarget(args: unknown[]): string {
  // net.connect() calls socket.connect() with its normalized [options, callback] array.
  const arg = Array.isArray(args[0]) ? args[0][0] : args[0];
  if (typeof arg === 'number') return `${typeof args[1] === 'string' ? args[1] : 'localhost'}:${arg}`;
  if (arg && typeof arg === 'object') {
    const o = arg as { host?: string; port?: number; path?: string };
    return o.path ?? `${o.host ?? 'localhost'}:${o.port ?? '?'}`;
  }
  return String(arg);
}

suite('activation', () => {
  let extension: vscode.Extension<unknown>;
  let wasActiveBefore = false;
  let networkCalls: NetworkCall[] = [];
  let activationError: unknown;

  suiteSetup(async () => {
    const found = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(
      found,
      `extension ${EXTENSION_ID} is not loaded in this extension host (is extensionDevelopmentPath the repo?)`,
    );
    extension = found;
    wasActiveBefore = extension.isActive;
    const trap = trapNetwork();
    try {
      await extension.activate();
    } catch (err) {
      activationError = err;
    } finally {
      trap.restore();
    }
    networkCalls = trap.calls;
  });

  test('the extension activates', () => {
    assert.equal(activationError, undefined, `activate() threw: ${String(activationError)}`);
    assert.equal(extension.isActive, true);
  });

  test('activation was observed from the start', () => {
    // The checks below only mean something if this suite triggered activation. If a startup
    // activation event is added (e.g. onStartupFinished), move these checks to a fresh extension host.
    assert.equal(
      wasActiveBefore,
      false,
      'the extension was already active before this suite could trap network access during activation',
    );
  });

  test('every command in package.json contributes.commands is registered', async () => {
    const manifest = extension.packageJSON as { contributes?: { commands?: { command: string }[] } };
    const expected = (manifest.contributes?.commands ?? []).map((c) => c.command);
    assert.ok(expected.length > 0, 'package.json contributes no commands');
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = expected.filter((c) => !registered.has(c));
    assert.deepEqual(missing, [], `contributed but not registered by activate(): ${missing.join(', ')}`);
  });

  test('activation opened no network connection', () => {
    assert.deepEqual(
      networkCalls.map((c) => `${c.via} → ${c.target}`),
      [],
      `activation connected somewhere:\n${networkCalls.map((c) => `${c.via} → ${c.target}\n${c.stack}`).join('\n\n')}`,
    );
  });

  test('the network trap sees a real connection and lookup (so "no connection" above means something)', async () => {
    const server = net.createServer((socket) => socket.end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    const originalConnect = net.Socket.prototype.connect;
    const originalPromisesLookup = dnsModule.promises.lookup;
    const trap = trapNetwork();
    try {
      await new Promise<void>((resolve, reject) => {
        const socket = net.connect(port, '127.0.0.1', () => {
          socket.destroy();
          resolve();
        });
        socket.once('error', reject);
      });
      await fetch(`http://127.0.0.1:${port}/`).catch(() => undefined);
      await dnsModule.promises.lookup('localhost').catch(() => undefined);
    } finally {
      trap.restore();
      server.close();
    }
    assert.ok(
      trap.calls.some((c) => c.via === 'net.Socket.connect' && c.target === `127.0.0.1:${port}`),
      `socket to port ${port} not seen; saw: ${trap.calls.map((c) => `${c.via} → ${c.target}`).join(', ')}`,
    );
    assert.ok(
      trap.calls.some((c) => c.via === 'fetch'),
      'fetch not seen',
    );
    assert.ok(
      trap.calls.some((c) => c.via === 'dns.promises.lookup' && c.target === 'localhost'),
      'DNS lookup not seen',
    );
    assert.equal(dnsModule.promises.lookup, originalPromisesLookup, 'restore() left the patched lookup in place');
    assert.equal(net.Socket.prototype.connect, originalConnect, 'restore() left the patched connect in place');
  });

  test('activation did not load the main bundle (no SDKs, no secret reads)', () => {
    const entry = path.join(extension.extensionPath, 'dist', 'extension.js');
    const main = path.join(extension.extensionPath, 'dist', 'main.js');
    // Sanity: the extension host loads extensions through require(), so the entry is in the cache;
    // otherwise the absence of main.js below would prove nothing.
    assert.ok(require.cache[entry], `${entry} is not in require.cache; cannot tell what activation loaded`);
    assert.equal(require.cache[main], undefined, `${main} was loaded during activation; it must load on first use`);
  });
});
