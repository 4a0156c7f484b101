// Activation in a real extension host (section "activation"), or run alone: node bench/activation.mjs
// Starts a fresh VS Code server + headless chromium per sample (fresh profile each time), and times
// Switchyard's activate() from inside the extension host (bench/activationProbe.cjs): loading
// dist/extension.js plus activate(), to the resolved promise (VS Code's "load code" + "activate"). An
// empty extension, measured the same way in between, shows the host's own share of ext.activate().
// Median of several samples, because this machine is noisy. Target: under 50 ms, with dist/main.js
// not loaded and no socket opened.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureHost } from '../scripts/installHost.mjs';
import { emptyExtension, runProbe } from './hostProbe.mjs';

const SAMPLES = Number(process.env.SWITCHYARD_ACTIVATION_SAMPLES ?? 3);

function sample(root, extensionDevelopmentPath = root) {
  return runProbe({
    probe: join(root, 'bench', 'activationProbe.cjs'),
    marker: 'SWITCHYARD_ACTIVATION',
    extensionDevelopmentPath,
  });
}

export async function run({ root = fileURLToPath(new URL('..', import.meta.url)) } = {}) {
  await ensureHost();
  const samples = [];
  const baseline = [];
  const empty = emptyExtension();
  try {
    // Interleaved, so drift in the machine's load hits both alike.
    for (let i = 0; i < SAMPLES; i++) {
      samples.push(await sample(root));
      baseline.push(await sample(root, empty));
    }
  } finally {
    rmSync(empty, { recursive: true, force: true });
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const r1 = (x) => Math.round(x * 10) / 10;
  const pick = (xs, k) => xs.map((s) => s[k]);
  return {
    // What VS Code's activation stats call "load code" + "call activate" up to "finish activate".
    activateMsMedian: r1(median(samples.map((s) => s.loadMs + s.activateMs))),
    loadCodeMsMedian: r1(median(pick(samples, 'loadMs'))),
    activateCallMsMedian: Math.round(median(pick(samples, 'activateMs')) * 1000) / 1000,
    activateMsMax: r1(Math.max(...samples.map((s) => s.loadMs + s.activateMs))),
    // ext.activate() as a caller sees it, which adds the host's bookkeeping; the empty extension shows that part.
    hostActivateMsMedian: r1(median(pick(samples, 'hostMs'))),
    emptyExtensionHostActivateMsMedian: r1(median(pick(baseline, 'hostMs'))),
    samples: samples.length,
    activateCallsSeen: samples.reduce((n, s) => n + (s.calls ?? 0), 0),
    mainLoadedDuringActivation: samples.some((s) => s.mainLoaded) ? 'yes' : 'no',
    socketsOpenedDuringActivation: samples.reduce((n, s) => n + s.sockets, 0),
    alreadyActiveBeforeProbe: samples.some((s) => s.wasActive) ? 'yes' : 'no',
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(await run());
}
