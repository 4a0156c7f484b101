import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Disposable, disposeAll, toDisposable, type IDisposable } from '../../../src/vscode/lifecycle';

class Owner extends Disposable {
  register<T extends IDisposable>(item: T): T {
    return this._register(item);
  }
  get gone(): boolean {
    return this.isDisposed;
  }
}

function recorder() {
  const log: string[] = [];
  const item = (name: string): IDisposable => ({ dispose: () => log.push(name) });
  return { log, item };
}

test('dispose disposes what was registered, newest first', () => {
  const { log, item } = recorder();
  const o = new Owner();
  o.register(item('emitter'));
  o.register(item('watcher'));
  o.register(item('subscription'));
  o.dispose();
  assert.deepEqual(log, ['subscription', 'watcher', 'emitter']);
  assert.equal(o.gone, true);
});

test('dispose is idempotent: a second call disposes nothing again', () => {
  const { log, item } = recorder();
  const o = new Owner();
  o.register(item('a'));
  o.dispose();
  o.dispose();
  assert.deepEqual(log, ['a']);
});

test('registering after dispose disposes the item at once, and returns it', () => {
  const { log, item } = recorder();
  const o = new Owner();
  o.dispose();
  const late = item('late');
  assert.equal(o.register(late), late);
  assert.deepEqual(log, ['late']);
  o.dispose();
  assert.deepEqual(log, ['late']);
});

test('one item that throws does not keep the others alive; the first error is rethrown', () => {
  const { log, item } = recorder();
  const o = new Owner();
  o.register(item('first'));
  o.register({
    dispose: () => {
      throw new Error('boom 1');
    },
  });
  o.register({
    dispose: () => {
      throw new Error('boom 2');
    },
  });
  o.register(item('last'));
  assert.throws(() => o.dispose(), /boom 2/);
  assert.deepEqual(log, ['last', 'first']);
  // Already disposed: nothing runs again, nothing throws again.
  o.dispose();
  assert.deepEqual(log, ['last', 'first']);
});

test('disposeAll and toDisposable: reverse order, a function disposable runs once', () => {
  let calls = 0;
  const { log, item } = recorder();
  const fn = toDisposable(() => calls++);
  disposeAll([item('1'), fn, item('3')]);
  fn.dispose();
  assert.equal(calls, 1);
  assert.deepEqual(log, ['3', '1']);
});
