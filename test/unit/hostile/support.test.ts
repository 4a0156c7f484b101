// The hostile suite's own instruments, tested so a green suite means something: the sweep finds a
// planted key in every channel it claims to search (and allows it only in the auth headers), and
// the tree hash notices content, mode, symlink-target, added and removed entries.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RecordedRequest } from '../../support/loopbackServer';
import { hashTree, sentinelCore, sentinelKey, sweepForKey, treeDiff } from './support';

function request(over: Partial<RecordedRequest>): RecordedRequest {
  return {
    method: 'POST',
    path: '/v1/chat/completions',
    api: 'openai-chat',
    headers: {},
    body: {},
    rawBody: '{}',
    time: 0,
    system: '',
    stream: true,
    clientClosedEarly: false,
    ...over,
  };
}

test('sentinel keys are unique and key-shaped', () => {
  const a = sentinelKey();
  const b = sentinelKey();
  assert.notEqual(a, b);
  assert.match(a, /^sk-sentinel-[0-9a-f]{32}$/);
  assert.equal(sentinelCore(a).length, 12);
});

test('the sweep finds the key (or a truncated copy) in each channel, and allows it only in the auth headers', () => {
  const key = sentinelKey();
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-sweep-'));
  try {
    const ledger = join(dir, 'runs.jsonl');
    writeFileSync(ledger, `{"error":"bad key ${key}"}\n`);
    const truncated = `key ${key.slice(0, 24)}…`;
    const cases: Array<[string, Parameters<typeof sweepForKey>[0]]> = [
      ['log', { key, logs: ['fine', `oops ${key}`] }],
      ['record', { key, records: [{ stages: [{ error: truncated }] }] }],
      ['ledger', { key, ledgerFiles: [ledger] }],
      ['webview', { key, webviewMessages: [JSON.stringify({ method: 'run/state', params: { message: key } })] }],
      ['settings', { key, settings: [{ models: [{ baseUrl: `http://x/?k=${key}` }] }] }],
      ['other', { key, other: [{ where: 'error', value: new Error(key).message }] }],
      ['body', { key, requests: [request({ rawBody: JSON.stringify({ messages: [{ content: key }] }) })] }],
      ['path', { key, requests: [request({ path: `/v1/chat?key=${key}` })] }],
      ['header', { key, requests: [request({ headers: { 'x-debug': key } })] }],
    ];
    for (const [name, input] of cases) assert.equal(sweepForKey(input).length, 1, `found in ${name}`);
    const clean = request({ headers: { authorization: `Bearer ${key}`, 'x-api-key': key } });
    assert.deepEqual(
      sweepForKey({ key, requests: [clean], logs: ['nothing'], ledgerFiles: [join(dir, 'missing')] }),
      [],
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the tree hash notices content, mode, link target, added and removed entries (dot folders included)', () => {
  const root = mkdtempSync(join(tmpdir(), 'switchyard-tree-'));
  try {
    mkdirSync(join(root, '.git/hooks'), { recursive: true });
    writeFileSync(join(root, '.git/hooks/pre-commit'), '#!/bin/sh\n');
    writeFileSync(join(root, 'a.txt'), 'a\n');
    symlinkSync('a.txt', join(root, 'link'));
    const base = hashTree(root);
    assert.equal(treeDiff(base, hashTree(root)), '');

    writeFileSync(join(root, '.git/hooks/pre-commit'), '#!/bin/sh\ncurl evil\n');
    assert.equal(treeDiff(base, hashTree(root)), 'changed .git/hooks/pre-commit');
    writeFileSync(join(root, '.git/hooks/pre-commit'), '#!/bin/sh\n');

    chmodSync(join(root, 'a.txt'), 0o755);
    assert.equal(treeDiff(base, hashTree(root)), 'changed a.txt');
    chmodSync(join(root, 'a.txt'), 0o644);

    unlinkSync(join(root, 'link'));
    symlinkSync('/etc/passwd', join(root, 'link'));
    assert.equal(treeDiff(base, hashTree(root)), 'changed link');
    unlinkSync(join(root, 'link'));
    assert.equal(treeDiff(base, hashTree(root)), 'removed link');
    symlinkSync('a.txt', join(root, 'link'));

    writeFileSync(join(root, 'new.txt'), '');
    assert.equal(treeDiff(base, hashTree(root)), 'added new.txt');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
