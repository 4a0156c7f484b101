// The import graph: which workspace files each file imports. Specifiers are read with one pattern
// per language (import/require/from, Python's import/from, Go's import blocks, Rust's mod/use,
// Java's import) and resolved against the file list the way each language's tooling would, as far
// as the file list alone allows; packages from outside the workspace are dropped.
import * as path from 'node:path';
import { languageOf, type LangId } from './languages';

const JS_SPEC = /(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*|\bexport\s+\*\s+from\s*)['"]([^'"\n]+)['"]/g;
const PY_FROM = /^\s*from\s+(\.*[\w.]*)\s+import\s+([\w.,\s()*]+)/gm;
const PY_IMPORT = /^\s*import\s+([\w.]+(?:\s*,\s*[\w.]+)*)/gm;
const GO_IMPORT = /\bimport\s*(?:\(\s*([^)]*)\)|(?:[\w.]+\s+)?"([^"]+)")/g;
const GO_SPEC = /"([^"]+)"/g;
const RUST_MOD = /^\s*(?:pub(?:\([^)]*\))?\s+)?mod\s+(\w+)\s*;/gm;
const RUST_USE = /^\s*(?:pub(?:\([^)]*\))?\s+)?use\s+((?:crate|super|self)(?:::\w+)+)/gm;
const JAVA_IMPORT = /^\s*import\s+(?:static\s+)?([\w.]+)\s*;/gm;

/** Raw import specifiers in a file, as written. */
export function importSpecifiers(file: string, text: string, lang: LangId = languageOf(file)): string[] {
  const out: string[] = [];
  switch (lang) {
    case 'typescript':
    case 'tsx':
    case 'javascript':
      for (const m of text.matchAll(JS_SPEC)) out.push(m[1]!);
      break;
    case 'python':
      for (const m of text.matchAll(PY_FROM)) {
        const mod = m[1]!;
        for (const name of m[2]!.replace(/[()]/g, '').split(',')) {
          const n = name
            .trim()
            .split(/\s+as\s+/)[0]!
            .trim();
          if (n && n !== '*') out.push(mod.endsWith('.') ? `${mod}${n}` : `${mod}.${n}`);
        }
        out.push(mod);
      }
      for (const m of text.matchAll(PY_IMPORT)) for (const mod of m[1]!.split(',')) out.push(mod.trim());
      break;
    case 'go':
      for (const m of text.matchAll(GO_IMPORT)) {
        if (m[2]) out.push(m[2]);
        else for (const s of (m[1] ?? '').matchAll(GO_SPEC)) out.push(s[1]!);
      }
      break;
    case 'rust':
      for (const m of text.matchAll(RUST_MOD)) out.push(`mod:${m[1]}`);
      for (const m of text.matchAll(RUST_USE)) out.push(m[1]!);
      break;
    case 'java':
      for (const m of text.matchAll(JAVA_IMPORT)) out.push(m[1]!);
      break;
  }
  return out;
}

const JS_EXTS = [
  '',
  '.ts',
  '.tsx',
  '.d.ts',
  '.js',
  '.jsx',
  '.mjs',
  '.cjs',
  '/index.ts',
  '/index.tsx',
  '/index.js',
  '/index.mjs',
];

/** Resolves specifiers to workspace files, with lookup tables built once from the file list. */
export class ImportResolver {
  private readonly files: Set<string>;
  /** Python module dotted name → file, for every plausible source root (., src/, lib/, …). */
  private readonly pyModules = new Map<string, string>();
  /** Java fully-qualified class → file. */
  private readonly javaClasses = new Map<string, string>();
  /** Go: directory → its non-test .go files; module path from go.mod. */
  private readonly goDirs = new Map<string, string[]>();
  private goModule: { prefix: string; dir: string }[] = [];

  constructor(files: readonly string[], goMods: ReadonlyArray<{ dir: string; module: string }> = []) {
    this.files = new Set(files);
    for (const f of files) {
      const lang = languageOf(f);
      if (lang === 'python') {
        const noExt = f.replace(/\.pyi?$/, '').replace(/\/__init__$/, '');
        const parts = noExt.split('/');
        // Every suffix is a candidate module name: the source root may be any folder above it.
        for (let i = 0; i < parts.length; i++) {
          const name = parts.slice(i).join('.');
          if (!this.pyModules.has(name) || f.endsWith('__init__.py')) this.pyModules.set(name, f);
        }
      } else if (lang === 'java') {
        const m = /(?:^|\/)((?:[a-z_][\w]*\/)*[A-Z]\w*)\.java$/.exec(f);
        if (m) {
          const parts = m[1]!.split('/');
          for (let i = 0; i < parts.length; i++) this.javaClasses.set(parts.slice(i).join('.'), f);
        }
      } else if (lang === 'go' && !f.endsWith('_test.go')) {
        const dir = path.posix.dirname(f);
        const list = this.goDirs.get(dir) ?? [];
        list.push(f);
        this.goDirs.set(dir, list);
      }
    }
    this.goModule = goMods.map((g) => ({ prefix: g.module, dir: g.dir === '.' ? '' : g.dir }));
  }

  resolve(from: string, spec: string): string[] {
    const lang = languageOf(from);
    const dir = path.posix.dirname(from);
    switch (lang) {
      case 'typescript':
      case 'tsx':
      case 'javascript': {
        if (!spec.startsWith('.')) return [];
        const base = path.posix.normalize(path.posix.join(dir, spec));
        const stripped = base.replace(/\.(js|mjs|cjs|jsx)$/, '');
        for (const cand of [base, stripped]) {
          for (const ext of JS_EXTS) if (this.files.has(cand + ext)) return [cand + ext];
        }
        return [];
      }
      case 'python': {
        let name = spec;
        if (spec.startsWith('.')) {
          const dots = /^\.+/.exec(spec)![0].length;
          let baseDir = dir;
          for (let i = 1; i < dots; i++) baseDir = path.posix.dirname(baseDir);
          const rest = spec.slice(dots);
          name = [...(baseDir === '.' ? [] : baseDir.split('/')), ...(rest ? rest.split('.') : [])].join('.');
        }
        const hit = this.pyModules.get(name);
        return hit && hit !== from ? [hit] : [];
      }
      case 'java': {
        const hit = this.javaClasses.get(spec) ?? this.javaClasses.get(spec.replace(/\.\w+$/, ''));
        return hit ? [hit] : [];
      }
      case 'go': {
        for (const g of this.goModule) {
          if (spec === g.prefix || spec.startsWith(g.prefix + '/')) {
            const rel = spec.slice(g.prefix.length).replace(/^\//, '');
            const target = [g.dir, rel].filter(Boolean).join('/') || '.';
            return this.goDirs.get(target) ?? [];
          }
        }
        return [];
      }
      case 'rust':
        return this.resolveRust(from, spec);
      default:
        return [];
    }
  }

  private resolveRust(from: string, spec: string): string[] {
    const dir = path.posix.dirname(from);
    const base = path.posix.basename(from);
    const ownDir =
      base === 'mod.rs' || base === 'lib.rs' || base === 'main.rs' ? dir : `${dir}/${base.replace(/\.rs$/, '')}`;
    if (spec.startsWith('mod:')) {
      const name = spec.slice(4);
      const cands = [`${ownDir}/${name}.rs`, `${ownDir}/${name}/mod.rs`].map((c) => c.replace(/^\.\//, ''));
      return cands.filter((c) => this.files.has(c)).slice(0, 1);
    }
    const parts = spec.split('::');
    let baseDir: string;
    if (parts[0] === 'crate') {
      const src = from.indexOf('src/') >= 0 ? from.slice(0, from.indexOf('src/') + 3) : dir;
      baseDir = src;
    } else if (parts[0] === 'super') baseDir = path.posix.dirname(ownDir);
    else baseDir = ownDir;
    const rest = parts.slice(1);
    // Longest prefix of the path that names a file: crate::a::b::Item → src/a/b.rs or src/a.rs.
    for (let n = rest.length; n > 0; n--) {
      const p = `${baseDir}/${rest.slice(0, n).join('/')}`.replace(/^\.\//, '');
      for (const cand of [`${p}.rs`, `${p}/mod.rs`]) if (this.files.has(cand)) return [cand];
    }
    return [];
  }
}

/** Module paths declared by go.mod files (`module example.com/x`), with the folder each governs. */
export function goModuleOf(goModText: string): string | undefined {
  return /^\s*module\s+(\S+)/m.exec(goModText)?.[1];
}
