// Runs inside a fresh VS Code extension host as its "tests" entry (see bench/activation.mjs):
// activates the extension under test and reports, like VS Code's own activation stats,
//   loadMs      requiring dist/extension.js (its code loading),
//   activateMs  the activate() call until its result resolved,
//   hostMs      the whole ext.activate() as the host sees it (adds the host's own bookkeeping).
// It also checks that dist/main.js stayed unloaded and that no socket was opened.
const path = require('node:path');
const net = require('node:net');
const Module = require('node:module');
const { performance } = require('node:perf_hooks');
const vscode = require('vscode');

exports.run = async function run() {
  // Switchyard, or the empty baseline extension bench/activation.mjs builds for comparison.
  const ext =
    vscode.extensions.getExtension('switchyard.switchyard') ?? vscode.extensions.getExtension('switchyard-bench.empty');
  if (!ext) throw new Error('neither switchyard.switchyard nor the empty baseline is loaded in this extension host');
  const entry = require.resolve(path.resolve(ext.extensionPath, ext.packageJSON.main));
  const timing = { loadMs: NaN, activateMs: NaN };
  // The host loads extensions through Module._load (it already wraps it to serve 'vscode');
  // wrap it once more to time our entry's loading and its activate().
  const load = Module._load;
  Module._load = function (request, parent, isMain) {
    const target = (() => {
      try {
        return Module._resolveFilename(request, parent, isMain);
      } catch {
        return '';
      }
    })();
    if (target !== entry) return load.apply(this, arguments);
    const t = performance.now();
    const exports = load.apply(this, arguments);
    timing.loadMs = performance.now() - t;
    if (typeof exports.activate !== 'function') return exports;
    const activate = exports.activate;
    const timed = async function (...args) {
      const a = performance.now();
      timing.calls = (timing.calls ?? 0) + 1;
      try {
        return await activate.apply(this, args);
      } finally {
        timing.activateMs = performance.now() - a;
      }
    };
    // esbuild's CommonJS exports are getter-only properties, so hand the host a view of them
    // whose activate is the timed one.
    return new Proxy(exports, {
      get: (target, key, receiver) => (key === 'activate' ? timed : Reflect.get(target, key, receiver)),
    });
  };
  let sockets = 0;
  const connect = net.Socket.prototype.connect;
  net.Socket.prototype.connect = function (...args) {
    sockets++;
    return connect.apply(this, args);
  };
  const wasActive = ext.isActive;
  const t0 = performance.now();
  try {
    await ext.activate();
  } finally {
    net.Socket.prototype.connect = connect;
    Module._load = load;
  }
  const hostMs = performance.now() - t0;
  const mainLoaded = Boolean(require.cache[path.join(ext.extensionPath, 'dist', 'main.js')]);
  console.log('SWITCHYARD_ACTIVATION ' + JSON.stringify({ ...timing, hostMs, wasActive, mainLoaded, sockets }));
};
