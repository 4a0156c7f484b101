// The generated corpus (real sources from node_modules, edits in all three formats, with and
// without the mistakes models make), checked byte for byte. The full figures come from
// `npm run bench`; this is a sample that must hold on every run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { applyResolved } from '../../../src/core/edits/applyResolved';
import { snapshotFromText } from '../../../src/core/edits/fileText';
import { parsePatch } from '../../../src/core/edits/parsePatch';
import { resolveAgainst } from '../../../src/core/edits/resolveAgainst';
import { resolveEdits } from '../../../src/core/edits/resolveEdits';
import { buildCorpus, isRefusable, type CorpusCase } from '../../fixtures/edits/corpus';
import { fingerprint, makeTree, removeTree } from '../../fixtures/edits/tree';

const repoRoot = join(__dirname, '../../..');
const cases = buildCorpus({ repoRoot, seed: 4242, files: 16, ambiguous: true });

function inMemory(c: CorpusCase): 'correct' | 'wrong' | 'rejected' {
  let plan;
  try {
    plan = parsePatch(c.patch);
  } catch {
    return 'rejected';
  }
  const r = resolveAgainst(plan, new Map([[c.path, snapshotFromText(c.original)]]));
  if (!r.ok) return 'rejected';
  return r.resolved.files[0].after === c.expected ? 'correct' : 'wrong';
}

test('the corpus sample covers every format and perturbation', () => {
  const kinds = new Set(cases.map((c) => `${c.format}/${c.perturbation}`));
  for (const k of [
    'search-replace/none',
    'udiff/none',
    'patch/none',
    'udiff/line-numbers',
    'udiff/hunk-counts',
    'patch/indentation',
    'search-replace/trailing-whitespace',
    'udiff/crlf',
    'patch/bom',
    'udiff/out-of-order',
    'udiff/mixed',
    'search-replace/tabs',
    'patch/dropped-context-line',
  ]) {
    assert.ok(kinds.has(k), `missing ${k}`);
  }
});

test('every unperturbed edit applies byte-exactly', () => {
  const plain = cases.filter((c) => c.perturbation === 'none');
  const bad = plain.filter((c) => inMemory(c) !== 'correct').map((c) => c.id);
  assert.deepEqual(bad, []);
});

test('at least 98% of perturbed edits apply byte-exactly and none lands in the wrong place', () => {
  const perturbed = cases.filter((c) => c.perturbation !== 'none' && !isRefusable(c));
  const results = perturbed.map((c) => [c.id, inMemory(c)] as const);
  const correct = results.filter(([, r]) => r === 'correct').length;
  assert.deepEqual(
    results.filter(([, r]) => r === 'wrong').map(([id]) => id),
    [],
  );
  assert.ok(
    correct / perturbed.length >= 0.98,
    `${correct}/${perturbed.length}: ${results
      .filter(([, r]) => r !== 'correct')
      .map(([id]) => id)
      .join(', ')}`,
  );
});

test('edits whose context occurs twice, or that skip a line, are applied correctly or refused, never misplaced', () => {
  const amb = cases.filter(isRefusable);
  assert.ok(amb.length >= 8);
  assert.deepEqual(
    amb.filter((c) => inMemory(c) === 'wrong').map((c) => c.id),
    [],
  );
  // With exact line numbers the unified diff still gets there.
  const exact = amb.filter((c) => c.perturbation === 'ambiguous-context' && c.format === 'udiff');
  assert.ok(
    exact.filter((c) => inMemory(c) === 'correct').length >= exact.length / 2,
    'exact line numbers should place most of them',
  );
});

test('on disk: applied edits are byte-exact, and a spoiled patch leaves the whole tree byte-identical', async (t) => {
  const sample = cases.filter((c) => ['none', 'crlf', 'bom', 'mixed'].includes(c.perturbation)).slice(0, 40);
  for (const c of sample) {
    const other = 'unrelated.txt';
    const root = makeTree({ [c.path]: c.original, [other]: 'keep\n' });
    t.after(() => removeTree(root));
    const r = await resolveEdits(parsePatch(c.patch), root);
    assert.ok(r.ok, c.id);
    const applied = await applyResolved(r.resolved, root);
    assert.ok(applied.ok, c.id);
    assert.equal(readFileSync(join(root, c.path), 'utf8'), c.expected, c.id);

    // Spoil the last hunk of the same patch (a line that exists nowhere) and add a second file:
    // nothing may be written, not even the file whose edit was fine.
    mkdirSync(dirname(join(root, c.path)), { recursive: true });
    writeFileSync(join(root, c.path), c.original);
    const before = fingerprint(root);
    const spoiled = spoil(c);
    const again = await resolveEdits(parsePatch(spoiled), root);
    assert.equal(again.ok, false, `${c.id} should be rejected`);
    if (!again.ok)
      assert.ok(
        again.problems.every((p) => p.path === c.path && /not found|matches/.test(p.message)),
        c.id,
      );
    assert.deepEqual(fingerprint(root), before, c.id);
  }
});

/** The same patch with one quoted (old) line replaced by text the file does not contain. */
function spoil(c: CorpusCase): string {
  const lines = c.patch.split('\n');
  const quoted = (l: string) =>
    c.format === 'udiff' ? l.startsWith('-') && !l.startsWith('---') : c.format === 'patch' ? l.startsWith('-') : false;
  let idx = -1;
  if (c.format === 'search-replace') {
    idx = lines.lastIndexOf('<<<<<<< SEARCH') + 1;
  } else {
    for (let i = lines.length - 1; i >= 0; i--)
      if (quoted(lines[i]) || lines[i].startsWith(' ')) {
        idx = i;
        break;
      }
  }
  assert.ok(idx > 0);
  const prefix = c.format === 'search-replace' ? '' : lines[idx][0];
  lines[idx] = `${prefix}THIS LINE IS NOT IN THE FILE ${c.id}`;
  return lines.join('\n');
}

test('on disk: every refusable case that is refused leaves the tree byte-identical; the rest land exactly', async (t) => {
  const refusable = cases.filter(isRefusable).slice(0, 30);
  for (const c of refusable) {
    const root = makeTree({ [c.path]: c.original, 'other.txt': 'keep\n' });
    t.after(() => removeTree(root));
    const before = fingerprint(root);
    const r = await resolveEdits(parsePatch(c.patch), root);
    if (!r.ok) {
      assert.deepEqual(fingerprint(root), before, c.id);
      continue;
    }
    assert.ok((await applyResolved(r.resolved, root)).ok, c.id);
    assert.equal(readFileSync(join(root, c.path), 'utf8'), c.expected, c.id);
  }
});
