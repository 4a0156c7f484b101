// Loads tree-sitter (WebAssembly, from @vscode/tree-sitter-wasm: the grammars VS Code itself uses)
// on first use, never at activation: the runtime and each grammar are read from dist/tree-sitter/
// (copied there by the build) or, unbundled (tests, development), from the package itself. Each
// grammar loads once per process, when the first file in that language is parsed.
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type * as TS from '@vscode/tree-sitter-wasm';
import type { GrammarId } from './languages';

type Runtime = typeof TS;

const WASM_NAME: Record<GrammarId, string> = {
  typescript: 'tree-sitter-typescript.wasm',
  tsx: 'tree-sitter-tsx.wasm',
  javascript: 'tree-sitter-javascript.wasm',
  python: 'tree-sitter-python.wasm',
  go: 'tree-sitter-go.wasm',
  rust: 'tree-sitter-rust.wasm',
  java: 'tree-sitter-java.wasm',
};

/** node:module when first needed: loading it (and its loaders) costs a warm `locate`, which never parses, a millisecond. */
const createRequire = (from: string): NodeJS.Require =>
  (require('node:module') as typeof import('node:module')).createRequire(from);

/** Where the runtime and the grammars are: beside the bundle, else in node_modules. */
export function grammarDir(): string {
  const beside = path.join(__dirname, 'tree-sitter');
  if (existsSync(path.join(beside, 'tree-sitter.js'))) return beside;
  return path.dirname(createRequire(__filename).resolve('@vscode/tree-sitter-wasm'));
}

let runtime: Promise<Runtime> | undefined;
const languages = new Map<GrammarId, Promise<TS.Language>>();

function loadRuntime(): Promise<Runtime> {
  runtime ??= (async () => {
    const dir = grammarDir();
    // A computed path, so the bundler leaves the runtime out of every bundle.
    const rt = createRequire(__filename)(path.join(dir, 'tree-sitter.js')) as Runtime;
    await rt.Parser.init({ locateFile: (file: string) => path.join(dir, file) });
    return rt;
  })();
  return runtime;
}

export async function languageFor(id: GrammarId): Promise<{ rt: Runtime; language: TS.Language }> {
  const rt = await loadRuntime();
  let lang = languages.get(id);
  if (!lang) {
    lang = rt.Language.load(readFileSync(path.join(grammarDir(), WASM_NAME[id])));
    languages.set(id, lang);
  }
  return { rt, language: await lang };
}
