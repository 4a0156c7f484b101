import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  parseHostMessage,
  parseWebviewMessage,
  hostNotify,
  webviewRequest,
  webviewNotify,
  validateResult,
} from '../../../src/protocol/panelProtocol';

test('a ready notification from the webview is accepted', () => {
  const m = parseWebviewMessage(webviewNotify('ready', {}));
  assert.deepEqual(m, { kind: 'notify', method: 'ready', params: {} });
});

test('a request keeps its id and validated params', () => {
  const m = parseWebviewMessage(webviewRequest(7, 'finding/reveal', { findingId: 'r1f2' }));
  assert.equal(m?.kind, 'request');
  assert.equal(m?.kind === 'request' && m.id, 7);
  assert.deepEqual(m?.params, { findingId: 'r1f2' });
});

test('unknown methods, wrong params and junk are dropped', () => {
  assert.equal(parseWebviewMessage({ kind: 'notify', method: 'eval', params: {} }), undefined);
  assert.equal(
    parseWebviewMessage({ kind: 'request', id: 1, method: 'finding/reveal', params: { findingId: 42 } }),
    undefined,
  );
  assert.equal(parseWebviewMessage({ kind: 'request', id: -1, method: 'run/cancel', params: {} }), undefined);
  assert.equal(parseWebviewMessage('ready'), undefined);
  assert.equal(parseWebviewMessage(null), undefined);
  assert.equal(parseWebviewMessage({ kind: 'request', id: 1, method: 'toString', params: {} }), undefined);
  assert.equal(parseWebviewMessage({ kind: 'notify', method: '__proto__', params: {} }), undefined);
  // The webview may not send host notifications or responses that the host would act on.
  assert.equal(parseWebviewMessage(hostNotify('finding/focus', { findingId: 'x' })), undefined);
  assert.equal(parseWebviewMessage({ kind: 'response', id: 1, ok: true, result: {} }), undefined);
});

test('host notifications validate their params on the webview side', () => {
  const ok = parseHostMessage(
    hostNotify('stage/output', { runId: 'r', deltas: [{ stage: 'implementer', text: 'hi' }] }),
  );
  assert.equal(ok?.kind, 'notify');
  assert.equal(
    parseHostMessage({ kind: 'notify', method: 'stage/output', params: { runId: 'r', deltas: [] } }),
    undefined,
  );
  assert.equal(
    parseHostMessage({
      kind: 'notify',
      method: 'stage/output',
      params: { runId: 'r', deltas: [{ stage: 'hacker', text: 'x' }] },
    }),
    undefined,
  );
  assert.equal(parseHostMessage({ kind: 'request', id: 1, method: 'run/cancel', params: {} }), undefined);
});

test('a snapshot fills defaults so the app never sees missing arrays', () => {
  const m = parseHostMessage(
    hostNotify('run/snapshot', {
      run: { runId: 'a', task: 't', state: 'running', stages: [{ stage: 'critic', state: 'waiting' }] },
    }),
  );
  assert.ok(m && m.kind === 'notify' && m.method === 'run/snapshot');
  const run = m.params.run!;
  assert.deepEqual(run.signals, []);
  assert.deepEqual(run.stages[0]!.saw, []);
  assert.equal(run.stages[0]!.costUsd, 0);
  assert.deepEqual(m.params.outputs, {});
});

test('responses are checked against the request they answer', () => {
  assert.deepEqual(validateResult('change/apply', { applied: true, message: 'done' }), {
    applied: true,
    message: 'done',
  });
  assert.equal(validateResult('change/apply', { applied: 'yes' }), undefined);
  const r = parseHostMessage({ kind: 'response', id: 3, ok: false, error: 'no run' });
  assert.deepEqual(r, { kind: 'response', id: 3, ok: false, error: 'no run' });
});
