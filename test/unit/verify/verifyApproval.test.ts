import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { defaultApprovalsPath, FileApprovalStore } from '../../../src/core/verify/fileApprovalStore';
import { APPROVALS_STATE_KEY, mementoApprovalStore } from '../../../src/core/verify/mementoApprovalStore';
import { approvalHash, checkVerifyAllowed } from '../../../src/core/verify/verifyApproval';
import { asker, memoryApprovals } from './helpers';

describe('approvalHash', () => {
  it('is a sha256 of the exact command and the root', () => {
    const h = approvalHash('npm test', '/w/a');
    assert.match(h, /^[0-9a-f]{64}$/);
    assert.equal(approvalHash('npm test', '/w/a'), h);
    assert.equal(approvalHash('npm test', '/w/a/'), h, 'the same folder however it is spelled');
    assert.notEqual(approvalHash('npm test ', '/w/a'), h, 'one character differs: a different command');
    assert.notEqual(approvalHash('npm test', '/w/b'), h, 'another workspace asks again');
  });
});

describe('checkVerifyAllowed', () => {
  it('untrusted: refused without asking', async () => {
    const ask = asker(true);
    const d = await checkVerifyAllowed({
      command: 'x',
      root: '/w',
      trusted: false,
      approvals: memoryApprovals(),
      askApproval: ask,
    });
    assert.equal(d.allowed, false);
    assert.ok(!d.allowed && d.status === 'skipped-untrusted' && d.reason.startsWith('skipped: workspace not trusted'));
    assert.deepEqual(ask.asked, []);
  });

  it('asks once, remembers a yes, never remembers a no', async () => {
    const approvals = memoryApprovals();
    const no = asker(false);
    const d1 = await checkVerifyAllowed({
      command: 'make check',
      root: '/w',
      trusted: true,
      approvals,
      askApproval: no,
    });
    assert.ok(!d1.allowed && d1.status === 'skipped-not-approved' && d1.reason.includes('make check'));
    const yes = asker(true);
    const d2 = await checkVerifyAllowed({
      command: 'make check',
      root: '/w',
      trusted: true,
      approvals,
      askApproval: yes,
    });
    assert.deepEqual(d2, { allowed: true, how: 'approved-now' });
    const d3 = await checkVerifyAllowed({
      command: 'make check',
      root: '/w',
      trusted: true,
      approvals,
      askApproval: no,
    });
    assert.deepEqual(d3, { allowed: true, how: 'remembered' });
    assert.deepEqual(no.asked, ['make check']);
    assert.deepEqual([...approvals.hashes], [approvalHash('make check', '/w')]);
  });

  it('a store that cannot be read asks again; one that cannot save still lets this run go, with a warning', async () => {
    const ask = asker(true);
    const d = await checkVerifyAllowed({
      command: 'x',
      root: '/w',
      trusted: true,
      approvals: {
        has: () => {
          throw new Error('EACCES');
        },
        add: async () => {
          throw new Error('disk full');
        },
      },
      askApproval: ask,
    });
    assert.deepEqual(ask.asked, ['x']);
    assert.ok(d.allowed && d.how === 'approved-now' && /could not be saved \(disk full\)/.test(d.warning ?? ''));
  });

  it('a host that fails to ask means not approved', async () => {
    const d = await checkVerifyAllowed({
      command: 'x',
      root: '/w',
      trusted: true,
      approvals: memoryApprovals(),
      askApproval: async () => {
        throw new Error('no UI');
      },
    });
    assert.ok(!d.allowed && d.status === 'skipped-not-approved' && d.reason.includes('no UI'));
  });
});

describe('mementoApprovalStore', () => {
  function memento() {
    const data = new Map<string, unknown>();
    return {
      data,
      get<T>(key: string, d: T): T {
        return (data.has(key) ? data.get(key) : d) as T;
      },
      async update(key: string, value: unknown) {
        data.set(key, value);
      },
    };
  }

  it('remembers hashes under one key, oldest forgotten past the cap, junk ignored', async () => {
    const m = memento();
    const store = mementoApprovalStore(m);
    const h = approvalHash('npm test', '/w');
    assert.equal(await store.has(h), false);
    await store.add(h);
    await store.add(h);
    assert.equal(await store.has(h), true);
    assert.deepEqual(m.data.get(APPROVALS_STATE_KEY), [h]);
    for (let i = 0; i < 250; i++) await store.add(approvalHash(`cmd ${i}`, '/w'));
    const kept = m.data.get(APPROVALS_STATE_KEY) as string[];
    assert.equal(kept.length, 200);
    assert.equal(await store.has(h), false, 'the oldest went first');
    assert.equal(await store.has(approvalHash('cmd 249', '/w')), true);
    m.data.set(APPROVALS_STATE_KEY, 'not an array');
    assert.equal(await store.has(h), false);
  });

  it('works through checkVerifyAllowed: asked once, then remembered', async () => {
    const store = mementoApprovalStore(memento());
    const ask = asker(true);
    const req = { command: 'make test', root: '/w', trusted: true, approvals: store, askApproval: ask };
    assert.deepEqual(await checkVerifyAllowed(req), { allowed: true, how: 'approved-now' });
    assert.deepEqual(await checkVerifyAllowed(req), { allowed: true, how: 'remembered' });
    assert.deepEqual(ask.asked, ['make test']);
  });
});

describe('FileApprovalStore', () => {
  it('lives under XDG_CONFIG_HOME, else ~/.config', () => {
    assert.equal(defaultApprovalsPath({ XDG_CONFIG_HOME: '/x/cfg' }, '/home/u'), '/x/cfg/switchyard/approvals.json');
    assert.equal(defaultApprovalsPath({}, '/home/u'), '/home/u/.config/switchyard/approvals.json');
    assert.equal(
      defaultApprovalsPath({ XDG_CONFIG_HOME: 'relative' }, '/home/u'),
      '/home/u/.config/switchyard/approvals.json',
    );
  });

  it('remembers hashes across instances, stores no command text, private mode', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'switchyard-approvals-'));
    try {
      const file = path.join(dir, 'cfg', 'switchyard', 'approvals.json');
      const h = approvalHash('SECRET_TOKEN=abc npm test', dir);
      const a = new FileApprovalStore(file);
      assert.equal(await a.has(h), false);
      await a.add(h);
      await a.add(h);
      const b = new FileApprovalStore(file);
      assert.equal(await b.has(h), true);
      assert.equal(await b.has(approvalHash('npm test', dir)), false);
      const text = readFileSync(file, 'utf8');
      assert.doesNotMatch(text, /npm test|abc/);
      assert.equal(JSON.parse(text).approvals.length, 1);
      assert.equal(statSync(file).mode & 0o777, 0o600);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('approvals added at the same time are all kept', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'switchyard-approvals-'));
    try {
      const file = path.join(dir, 'approvals.json');
      const s = new FileApprovalStore(file);
      const hashes = ['a', 'b', 'c', 'd'].map((c) => approvalHash(c, dir));
      await Promise.all(hashes.map((h) => s.add(h)));
      const again = new FileApprovalStore(file);
      for (const h of hashes) assert.equal(await again.has(h), true);
      assert.deepEqual(readdirSync(dir), ['approvals.json'], 'no temp files left');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a corrupt file counts as empty (asks again) and is replaced on the next add', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'switchyard-approvals-'));
    try {
      mkdirSync(path.join(dir, 'switchyard'));
      const file = path.join(dir, 'switchyard', 'approvals.json');
      writeFileSync(file, '{ not json');
      const s = new FileApprovalStore(file);
      const h = approvalHash('npm test', dir);
      assert.equal(await s.has(h), false);
      await s.add(h);
      assert.equal(await new FileApprovalStore(file).has(h), true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
