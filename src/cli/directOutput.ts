// Standard output and error written straight to their descriptors, for `locate`: making
// process.stdout at all loads Node's stream, net or tty modules, a few ms of a warm answer that
// prints a few KB once. When a descriptor would block (a non-blocking pipe that is full), that
// stream and every later write go through process.stdout / process.stderr instead, so nothing is
// lost or reordered; a reader that went away (EPIPE, `| head`) ends the output quietly.
import { writeSync } from 'node:fs';
import type { ProcessStreams } from './verbIo';

type Fallback = () => { write(text: Uint8Array): unknown };
/** Writes bytes from `at` on, returns how many were written (writeSync on a descriptor), or throws. */
type WriteFrom = (bytes: Uint8Array, at: number) => number;

/** A stream that writes with `writeFrom`, and through `fallback` once that would block. */
export function directWriter(writeFrom: WriteFrom, fallback: Fallback): { write(text: string): boolean } {
  let mode: 'direct' | 'stream' | 'closed' = 'direct';
  return {
    write(text: string): boolean {
      if (mode === 'closed') return false;
      const bytes = Buffer.from(text, 'utf8');
      if (mode === 'stream') {
        fallback().write(bytes);
        return true;
      }
      let at = 0;
      try {
        while (at < bytes.length) at += writeFrom(bytes, at);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EPIPE') {
          mode = 'closed';
          return false;
        }
        if (code !== 'EAGAIN') throw e;
        mode = 'stream';
        fallback().write(bytes.subarray(at));
      }
      return true;
    },
  };
}

/** Streams for processIo that write with writeSync to descriptors 1 and 2. */
export function directStreams(): ProcessStreams {
  return {
    stdout: directWriter(
      (bytes, at) => writeSync(1, bytes, at),
      () => process.stdout,
    ),
    stderr: directWriter(
      (bytes, at) => writeSync(2, bytes, at),
      () => process.stderr,
    ),
  };
}
