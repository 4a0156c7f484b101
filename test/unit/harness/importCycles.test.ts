// scripts/importCycles.mjs, which `npm run lint` runs: it must see a cycle made of type-only imports,
// and must not see one in an import that is only written in a comment or a string.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
// @ts-expect-error: a plain .mjs script without type declarations
import { findCycles, importGraph } from '../../../scripts/importCycles.mjs';

test('a type-only cycle is found once; imports in comments and strings are not imports', () => {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-cycles-'));
  try {
    const files = {
      'a.ts': "import { b } from './b';\nexport const a = b + 1;\n",
      'b.ts': "import type { C } from './c';\nexport const b = 1;\nexport type B = C;\n",
      'c.ts': "import type { B } from './b';\nexport type C = { b?: B };\n",
      'd.ts': "// import { a } from './a';\nexport const d = \"import { a } from './a'\";\n",
    };
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    const graph = importGraph(Object.keys(files).map((f) => join(dir, f)));
    assert.deepEqual(graph.get(join(dir, 'd.ts')), []);
    const cycles: string[][] = findCycles(graph);
    assert.deepEqual(
      cycles.map((c) => c.map((f) => basename(f))),
      [['b.ts', 'c.ts']],
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
