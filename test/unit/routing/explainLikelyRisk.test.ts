// `switchyard explain` weighs the locator's first candidate in the risk, as a run does: a bland task
// whose work the index places in billing code is high, and the reason names the file; without the
// locator (--no-locate) the text alone decides.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { runExplain } from '../../../src/cli/explain';
import { io, workspace } from './cliSupport';

const RECEIPT = [
  'export function receiptTotal(lines: { cents: number }[]): number {',
  '  return lines.reduce((sum, line) => sum + line.cents, 0) / 100;',
  '}',
  'export function receiptLines(order: { items: { cents: number }[] }) {',
  '  return order.items;',
  '}',
  '',
].join('\n');

test("explain: the locator's first candidate under billing/ makes a bland change high, naming the file", async () => {
  const root = workspace({
    'src/billing/receipt.ts': RECEIPT,
    'src/ui/button.tsx': 'export const Button = () => null;\n',
    'src/ui/layout.tsx': 'export const Layout = () => null;\n',
  });
  try {
    const task = 'Round the receipt total to whole cents';
    const t = io(root, {});
    assert.equal(await runExplain([task, '--assume-keys', '--json'], t.io), 0);
    const d = JSON.parse(t.out.join(''));
    assert.equal(d.files[0].path, 'src/billing/receipt.ts');
    assert.equal(d.risk, 'high');
    assert.ok(d.signals.includes('payments / billing code likely'));
    assert.match(d.classification.reasons[1], /the locator ranks src\/billing\/receipt\.ts first/);

    const n = io(root, {});
    assert.equal(await runExplain([task, '--assume-keys', '--json', '--no-locate'], n.io), 0);
    assert.equal(JSON.parse(n.out.join('')).risk, 'medium');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('explain: a documentation site weighs in the kind, and the JSON names the workspace', async () => {
  const pages = Object.fromEntries(
    Array.from({ length: 12 }, (_, i) => [`api-reference/page-${i}.mdx`, `# Page ${i}\n\nHow the API works.\n`]),
  );
  const root = workspace({ ...pages, 'mint.json': '{}\n', 'scripts/check.js': 'module.exports = 1;\n' });
  try {
    const task = 'add addons and subscriptions endpoint';
    const t = io(root, {});
    assert.equal(await runExplain([task, '--assume-keys', '--json'], t.io), 0);
    const d = JSON.parse(t.out.join(''));
    assert.equal(d.kind, 'docs');
    assert.equal(d.risk, 'low');
    assert.ok(d.signals.includes('documentation workspace'));
    assert.ok(d.features.kind.some((f: { label: string }) => f.label === 'the workspace is 86% documentation'));

    const n = io(root, {});
    assert.equal(await runExplain([task, '--assume-keys', '--json', '--no-locate'], n.io), 0);
    assert.notEqual(JSON.parse(n.out.join('')).kind, 'docs');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
