import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { OutputTail } from '../../../src/core/verify/outputTail';

describe('OutputTail', () => {
  it('keeps everything when under the limits, trimmed', () => {
    const t = new OutputTail();
    t.push('stdout', Buffer.from('\n\nhello\n'));
    t.push('stderr', Buffer.from('world\n\n'));
    t.end();
    assert.equal(t.text(), 'hello\nworld');
    assert.equal(t.truncated, false);
    assert.equal(t.totalBytes, 15);
  });

  it('keeps the last lines and says it dropped the rest', () => {
    const t = new OutputTail({ maxLines: 3, maxChars: 10_000 });
    for (let i = 1; i <= 10; i++) t.push('stdout', `line ${i}\n`);
    assert.equal(t.text(), 'line 8\nline 9\nline 10');
    assert.equal(t.truncated, true);
  });

  it('keeps the last characters, starting on a whole line', () => {
    const t = new OutputTail({ maxChars: 20, maxLines: 100 });
    t.push('stdout', 'aaaaaaaaaa\nbbbbbbbbbb\ncccccccccc\n');
    assert.equal(t.text(), 'cccccccccc');
    assert.equal(t.truncated, true);
  });

  it('stays bounded in memory however much is written', () => {
    const t = new OutputTail({ maxChars: 1000, maxLines: 50 });
    const chunk = 'x'.repeat(999) + '\n';
    for (let i = 0; i < 5000; i++) t.push('stdout', chunk);
    assert.equal(t.totalBytes, 5000 * 1000);
    // The private buffer: never more than a few times the limit.
    assert.ok((t as unknown as { buffer: string }).buffer.length <= 8 * 1000 + chunk.length);
    assert.ok(t.text().length <= 1000);
  });

  it('decodes UTF-8 split across chunks, per stream', () => {
    const t = new OutputTail();
    const bytes = Buffer.from('héllo wörld ✓\n');
    t.push('stdout', bytes.subarray(0, 2));
    t.push('stderr', Buffer.from('E\n'));
    t.push('stdout', bytes.subarray(2, 14));
    t.push('stdout', bytes.subarray(14));
    t.end();
    assert.equal(t.text(), 'hE\néllo wörld ✓');
  });

  it('drops ANSI colours and collapses carriage-return progress lines', () => {
    const t = new OutputTail();
    t.push(
      'stdout',
      '\u001b[32m✓ passed\u001b[0m\nprogress 10%\rprogress 50%\rprogress 100%\r\n\u001b]0;title\u0007done\n',
    );
    assert.equal(t.text(), '✓ passed\nprogress 100%\ndone');
  });
});
