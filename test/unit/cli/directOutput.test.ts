// locate's output written straight to the descriptor: every byte arrives once and in order, also
// when the descriptor fills up part-way (the rest goes through the stream, and so does what follows),
// and a reader that went away ends the output without an error.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { directWriter } from '../../../src/cli/directOutput';

function errno(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(code), { code });
}

test('writes every byte, in pieces when the descriptor takes a part at a time', () => {
  const got: number[] = [];
  const w = directWriter(
    (bytes, at) => {
      const n = Math.min(3, bytes.length - at);
      got.push(...bytes.subarray(at, at + n));
      return n;
    },
    () => assert.fail('no fallback needed'),
  );
  w.write('héllo, ');
  w.write('world\n');
  assert.equal(Buffer.from(got).toString('utf8'), 'héllo, world\n');
});

test('a descriptor that would block hands the rest, and every later write, to the stream', () => {
  const direct: number[] = [];
  const streamed: Buffer[] = [];
  let calls = 0;
  const w = directWriter(
    (bytes, at) => {
      if (++calls > 1) throw errno('EAGAIN');
      direct.push(...bytes.subarray(at, at + 4));
      return 4;
    },
    () => ({ write: (b: Uint8Array) => streamed.push(Buffer.from(b)) }),
  );
  w.write('abcdefgh');
  w.write('ij');
  assert.equal(Buffer.from(direct).toString(), 'abcd');
  assert.equal(Buffer.concat(streamed).toString(), 'efghij');
  assert.equal(calls, 2, 'the descriptor is not tried again once it would block');
});

test('a reader that went away ends the output quietly; other errors are not hidden', () => {
  const gone = directWriter(
    () => {
      throw errno('EPIPE');
    },
    () => assert.fail('no fallback for a closed pipe'),
  );
  assert.equal(gone.write('x'), false);
  assert.equal(gone.write('y'), false);
  const broken = directWriter(
    () => {
      throw errno('EBADF');
    },
    () => assert.fail('no fallback for a bad descriptor'),
  );
  assert.throws(() => broken.write('x'), /EBADF/);
});
