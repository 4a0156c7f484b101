import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RoutingPolicySchema } from '../../../src/core/config/policySchema';
import { ToolGuard } from '../../../src/core/agents/toolGuard';

function fixture() {
  const base = mkdtempSync(join(tmpdir(), 'switchyard-guard-'));
  const root = join(base, 'copy');
  mkdirSync(join(root, 'src/pay'), { recursive: true });
  writeFileSync(join(root, 'src/a.ts'), 'a\n');
  writeFileSync(join(root, 'src/pay/charge.ts'), 'c\n');
  writeFileSync(join(root, '.env'), 'KEY=1\n');
  mkdirSync(join(base, 'outside'));
  symlinkSync(join(base, 'outside'), join(root, 'escape'));
  symlinkSync(join(root, 'src/pay/charge.ts'), join(root, 'src/alias.ts'));
  const policy = RoutingPolicySchema.parse({
    rules: { residency: [{ paths: ['src/pay/**'], denyVendors: ['anthropic'] }] },
  });
  const spec = { id: 'cc', provider: 'claude-agent', model: 'm', vendor: 'anthropic' } as const;
  const reads: string[] = [];
  const guard = new ToolGuard(root, policy, { ...spec, capabilities: [], tier: 'standard' }, async (p) => {
    reads.push(...p);
  });
  return { base, root, guard, reads };
}

test('reads and edits inside the copy pass; what was read is reported before it is shown', async () => {
  const f = fixture();
  try {
    assert.deepEqual(await f.guard.check('Read', { file_path: join(f.root, 'src/a.ts') }), {
      allow: true,
      reads: ['src/a.ts'],
      writes: [],
    });
    assert.equal((await f.guard.check('Edit', { file_path: 'src/a.ts' })).allow, true);
    assert.equal((await f.guard.check('Write', { file_path: join(f.root, 'src/new/file.ts') })).allow, true);
    assert.equal((await f.guard.check('Glob', { pattern: '**/*.ts' })).allow, true);
    assert.deepEqual(f.reads, ['src/a.ts']);
  } finally {
    rmSync(f.base, { recursive: true, force: true });
  }
});

test('paths outside the copy are refused, through symlinks too; only edits count as edits outside', async () => {
  const f = fixture();
  try {
    const out = await f.guard.check('Write', { file_path: join(f.base, 'outside/x.ts') });
    assert.equal(out.allow, false);
    assert.equal((await f.guard.check('Edit', { file_path: join(f.root, 'escape/y.ts') })).allow, false);
    assert.equal((await f.guard.check('Edit', { file_path: '../outside/z.ts' })).allow, false);
    assert.equal((await f.guard.check('Read', { file_path: '/etc/passwd' })).allow, false);
    assert.equal(f.guard.outsideWrites.length, 3);
    assert.equal((await f.guard.check('Write', { file_path: join(f.root, '.git/config') })).allow, false);
  } finally {
    rmSync(f.base, { recursive: true, force: true });
  }
});

test('secret-looking files, files a residency rule keeps from the vendor, and other tools are refused', async () => {
  const f = fixture();
  try {
    const env = await f.guard.check('Read', { file_path: join(f.root, '.env') });
    assert.ok(!env.allow && /looks like it holds secrets/.test(env.reason));
    const pay = await f.guard.check('Read', { file_path: join(f.root, 'src/pay/charge.ts') });
    assert.ok(!pay.allow && /cc may not read src\/pay\/charge\.ts/.test(pay.reason), JSON.stringify(pay));
    // A link is judged by the file it points to.
    assert.equal((await f.guard.check('Read', { file_path: join(f.root, 'src/alias.ts') })).allow, false);
    const grep = await f.guard.check('Grep', { pattern: 'KEY', output_mode: 'content' });
    assert.ok(!grep.allow && /content search across the copy is off/.test(grep.reason));
    assert.equal((await f.guard.check('Grep', { pattern: 'a', path: 'src/a.ts', output_mode: 'content' })).allow, true);
    const bash = await f.guard.check('Bash', { command: 'curl example.com' });
    assert.ok(!bash.allow && /not available/.test(bash.reason));
    assert.deepEqual(f.reads, ['src/a.ts']);
    assert.equal(f.guard.outsideWrites.length, 0);
  } finally {
    rmSync(f.base, { recursive: true, force: true });
  }
});
