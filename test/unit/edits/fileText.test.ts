import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { joinFileText, snapshotFromBytes, snapshotFromText, splitFileText } from '../../../src/core/edits/fileText';
import { mulberry32 } from '../../fixtures/edits/corpus';

test('split then join gives back every byte: BOM, LF, CRLF, lone CR, no final newline, empty', () => {
  const rng = mulberry32(99);
  const pieces = ['a', 'bc', '', ' ', '\r', '\t x'];
  const ends = ['\n', '\r\n'];
  for (let t = 0; t < 3000; t++) {
    let text = rng() < 0.2 ? '\ufeff' : '';
    const n = Math.floor(rng() * 6);
    for (let i = 0; i < n; i++) {
      text += pieces[Math.floor(rng() * pieces.length)];
      if (i < n - 1 || rng() < 0.6) text += ends[Math.floor(rng() * ends.length)];
    }
    const f = splitFileText(text);
    assert.equal(joinFileText(f), text, JSON.stringify(text));
    assert.equal(f.lines.length, f.eols.length);
    for (const l of f.lines) assert.ok(!l.includes('\n'));
  }
});

test('the dominant line ending is the one most lines use', () => {
  assert.equal(splitFileText('a\r\nb\r\nc\n').eol, '\r\n');
  assert.equal(splitFileText('a\nb\nc\r\n').eol, '\n');
  assert.equal(splitFileText('one line').eol, '\n');
  assert.deepEqual(splitFileText(''), { bom: false, lines: [], eols: [], eol: '\n' });
});

test('a snapshot of text hashes exactly as the same file read from disk', () => {
  const text = '\ufeffcafé 😀\r\nline\n';
  const bytes = Buffer.from(text, 'utf8');
  const fromDisk = snapshotFromBytes('x', bytes);
  assert.ok(fromDisk.ok);
  assert.equal(fromDisk.snapshot.text, text);
  assert.equal(snapshotFromText(text).hash, fromDisk.snapshot.hash);
  assert.equal(fromDisk.snapshot.hash, createHash('sha256').update(bytes).digest('hex'));
});
