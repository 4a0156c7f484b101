// A bounded record of a command's output: stdout and stderr go in as they arrive (interleaved),
// and only the tail is kept, because a test run can print megabytes and the end is where the
// failure summary lives. Memory stays under a few times the limit however much is written.
import { StringDecoder } from 'node:string_decoder';

export interface OutputTailOptions {
  /** Characters kept at most (default 8 KB). */
  maxChars?: number;
  /** Lines kept at most (default 200). */
  maxLines?: number;
}

// CSI sequences (colours, cursor moves) and OSC sequences (titles, links): noise in a prompt.
const ANSI = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)|\u001b[@-Z\\-_]/g;

export class OutputTail {
  private readonly maxChars: number;
  private readonly maxLines: number;
  private buffer = '';
  private dropped = false;
  private bytes = 0;
  private readonly decoders = new Map<string, StringDecoder>();

  constructor(opts: OutputTailOptions = {}) {
    this.maxChars = opts.maxChars ?? 8 * 1024;
    this.maxLines = opts.maxLines ?? 200;
  }

  /** Adds a chunk from one stream; each stream has its own decoder so split UTF-8 survives. */
  push(stream: string, chunk: Buffer | string): string {
    let text: string;
    if (typeof chunk === 'string') {
      text = chunk;
      this.bytes += Buffer.byteLength(chunk);
    } else {
      let d = this.decoders.get(stream);
      if (!d) this.decoders.set(stream, (d = new StringDecoder('utf8')));
      text = d.write(chunk);
      this.bytes += chunk.length;
    }
    this.append(text);
    return text;
  }

  /** Flushes partial characters held by the decoders (call once the streams have ended). */
  end(): void {
    for (const d of this.decoders.values()) this.append(d.end());
    this.decoders.clear();
  }

  get totalBytes(): number {
    return this.bytes;
  }

  /** Whether anything written was left out of `text()`. */
  get truncated(): boolean {
    return this.dropped || this.cut().dropped;
  }

  /** The kept tail: ANSI removed, carriage-return progress lines collapsed, trimmed. */
  text(): string {
    return this.cut().text;
  }

  private append(text: string): void {
    if (!text) return;
    this.buffer += text;
    // Keep slack above the limit so ANSI removal and line trimming still have enough to work on.
    const keep = this.maxChars * 4;
    if (this.buffer.length > keep * 2) {
      this.buffer = this.buffer.slice(this.buffer.length - keep);
      this.dropped = true;
    }
  }

  private cut(): { text: string; dropped: boolean } {
    let dropped = false;
    let t = this.buffer.replace(ANSI, '').replace(/\r\n/g, '\n');
    // A progress bar rewrites its line with \r; only the last state of each line matters.
    t = t
      .split('\n')
      .map((line) => {
        const s = line.replace(/\r+$/, '');
        return s.slice(s.lastIndexOf('\r') + 1);
      })
      .join('\n');
    t = t.replace(/\s+$/, '');
    if (t.length > this.maxChars) {
      t = t.slice(t.length - this.maxChars);
      const nl = t.indexOf('\n');
      // Start on a whole line when there is one to start on.
      if (nl !== -1 && nl < t.length - 1) t = t.slice(nl + 1);
      dropped = true;
    }
    const lines = t.split('\n');
    if (lines.length > this.maxLines) {
      t = lines.slice(lines.length - this.maxLines).join('\n');
      dropped = true;
    }
    t = t.replace(/^\s*\n/, '');
    return { text: t, dropped: dropped || this.dropped };
  }
}
