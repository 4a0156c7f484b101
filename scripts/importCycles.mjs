// Fails (exit 1) when a module in src/ or webview/ reaches itself again through its imports, type-only
// imports included: a cycle makes load order matter and hides which module owns what. ESLint's
// per-folder rules keep src/core's folders pointing one way; this checks what those rules cannot see,
// module by module. `--folders` prints which folders of src/core import which (to read, not to check).
// Imports are read with TypeScript's own pre-processor, so comments and strings never count.
import { readFileSync, readdirSync, existsSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

const root = resolve(new URL('..', import.meta.url).pathname);
const roots = ['src', 'webview'];
/**
 * Cycles known and owned elsewhere, each named by its files (sorted, from the repository root). Keep
 * this empty: an entry is a debt with an owner, reported on every run until it is gone.
 */
/** @type {Map<string, string>} */
const known = new Map([]);

function sources(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.tsx?$/.test(e.name) && !e.name.endsWith('.d.ts'))
    .map((e) => join(e.parentPath ?? e.path, e.name));
}

/** The file a relative specifier names (`./x` → `./x.ts` or `./x/index.ts`); undefined for packages. */
function resolveSpecifier(from, spec) {
  if (!spec.startsWith('.')) return undefined;
  const base = resolve(dirname(from), spec);
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, join(base, 'index.ts')]) {
    if (existsSync(candidate) && statSync(candidate).isFile() && /\.tsx?$/.test(candidate)) return candidate;
  }
  return undefined;
}

export function importGraph(files) {
  const graph = new Map();
  for (const file of files) {
    const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    const deps = new Set();
    for (const ref of info.importedFiles) {
      const target = resolveSpecifier(file, ref.fileName);
      if (target) deps.add(target);
    }
    graph.set(file, [...deps].sort());
  }
  return graph;
}

/** Every cycle found by a depth-first walk, each once, as the list of files around it. */
export function findCycles(graph) {
  const state = new Map(); // undefined: unseen, 1: on the stack, 2: done
  const stack = [];
  const cycles = [];
  const seen = new Set();
  const visit = (node) => {
    state.set(node, 1);
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === 1) {
        const cycle = stack.slice(stack.indexOf(next));
        const key = [...cycle].sort().join('\n');
        if (!seen.has(key)) {
          seen.add(key);
          cycles.push(cycle);
        }
      } else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(node, 2);
  };
  for (const node of [...graph.keys()].sort()) if (!state.has(node)) visit(node);
  return cycles;
}

function folderGraph(graph) {
  const core = join(root, 'src/core');
  const folderOf = (f) => relative(core, f).split('/')[0];
  const edges = new Map();
  for (const [file, deps] of graph) {
    if (!file.startsWith(core + '/')) continue;
    for (const dep of deps) {
      if (!dep.startsWith(core + '/')) continue;
      const [a, b] = [folderOf(file), folderOf(dep)];
      if (a === b) continue;
      const key = `${a} -> ${b}`;
      edges.set(key, [...(edges.get(key) ?? []), `${relative(core, file)} -> ${relative(core, dep)}`]);
    }
  }
  return edges;
}

const isMain = process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname);
if (isMain) {
  const graph = importGraph(roots.flatMap((r) => sources(join(root, r))));
  if (process.argv.includes('--folders')) {
    for (const [edge, files] of [...folderGraph(graph)].sort())
      console.log(`${edge}  (${files.length})${process.argv.includes('-v') ? '\\n    ' + files.join('\\n    ') : ''}`);
  }
  const found = findCycles(graph);
  const keyOf = (c) =>
    c
      .map((f) => relative(root, f))
      .sort()
      .join(' ');
  for (const c of found.filter((c) => known.has(keyOf(c))))
    console.log(`Known import cycle, still to break (${known.get(keyOf(c))}): ${keyOf(c)}`);
  for (const key of known.keys())
    if (!found.some((c) => keyOf(c) === key))
      console.log(`The known cycle ${key} is gone: remove it from scripts/importCycles.mjs.`);
  const cycles = found.filter((c) => !known.has(keyOf(c)));
  if (cycles.length) {
    console.error(`Import cycles in src/ and webview/ (${cycles.length}); break each so the imports point one way:`);
    for (const c of cycles) console.error(`  ${[...c, c[0]].map((f) => relative(root, f)).join(' → ')}`);
    process.exit(1);
  }
  console.log(
    `No import cycles among ${graph.size} modules in src and webview${known.size ? ' but the known ones above' : ''}.`,
  );
}
