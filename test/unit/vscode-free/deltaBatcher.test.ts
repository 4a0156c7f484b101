import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DeltaBatcher, type BatcherTimer } from '../../../src/vscode/panel/deltaBatcher';
import type { OutputDelta } from '../../../src/protocol/panelProtocol';

function fakeTimer() {
  const queue: { fn: () => void; ms: number; id: number }[] = [];
  let next = 0;
  const timer: BatcherTimer = {
    set(fn, ms) {
      const id = ++next;
      queue.push({ fn, ms, id });
      return id;
    },
    clear(h) {
      const i = queue.findIndex((q) => q.id === h);
      if (i >= 0) queue.splice(i, 1);
    },
  };
  return { timer, queue, fire: () => queue.splice(0).forEach((q) => q.fn()) };
}

test('many deltas within a frame become one message, grouped per stage in order', () => {
  const sent: OutputDelta[][] = [];
  const t = fakeTimer();
  const b = new DeltaBatcher((d) => sent.push(d), 17, t.timer);
  b.push('implementer', 'a');
  b.push('critic', 'x');
  b.push('implementer', 'b');
  b.push('implementer', '');
  assert.equal(t.queue.length, 1, 'one timer per frame');
  assert.equal(t.queue[0]!.ms, 17);
  assert.equal(sent.length, 0);
  t.fire();
  assert.deepEqual(sent, [
    [
      { stage: 'implementer', text: 'ab' },
      { stage: 'critic', text: 'x' },
    ],
  ]);
});

test('flush sends pending output now and cancels the frame timer', () => {
  const sent: OutputDelta[][] = [];
  const t = fakeTimer();
  const b = new DeltaBatcher((d) => sent.push(d), 17, t.timer);
  b.push('scout', 'hello');
  b.flush();
  assert.equal(t.queue.length, 0);
  assert.deepEqual(sent, [[{ stage: 'scout', text: 'hello' }]]);
  b.flush();
  assert.equal(sent.length, 1, 'nothing pending, nothing sent');
  b.push('scout', 'again');
  b.dispose();
  t.fire();
  assert.equal(sent.length, 1, 'disposed output is dropped');
});

test('with a real timer a 5,000 token/s stream sends at most ~60 messages a second and loses nothing', async () => {
  const sent: OutputDelta[][] = [];
  const b = new DeltaBatcher((d) => sent.push(d));
  const started = Date.now();
  let pushed = '';
  // 500 ms of tokens at 5,000/s: 10 tokens per 2 ms tick.
  while (Date.now() - started < 500) {
    for (let i = 0; i < 10; i++) {
      const tok = `t${pushed.length % 97} `;
      pushed += tok;
      b.push('implementer', tok);
    }
    await new Promise((r) => setTimeout(r, 2));
  }
  b.flush();
  const elapsed = (Date.now() - started) / 1000;
  const received = sent
    .flat()
    .map((d) => d.text)
    .join('');
  assert.equal(received, pushed);
  assert.ok(sent.length / elapsed <= 62, `${sent.length} messages in ${elapsed}s`);
  assert.ok(sent.length >= 5, 'it does send while streaming, not only at the end');
});

test("drop forgets one stage's pending output and keeps the others", () => {
  const sent: OutputDelta[][] = [];
  const t = fakeTimer();
  const b = new DeltaBatcher((d) => sent.push(d), 17, t.timer);
  b.push('critic', 'partial from a model that failed');
  b.push('implementer', 'kept');
  b.drop('critic');
  t.fire();
  assert.deepEqual(sent, [[{ stage: 'implementer', text: 'kept' }]]);
});
