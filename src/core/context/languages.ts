// Which language a file is written in, from its name, and what kind of file it is for ranking:
// source, test, docs, config or data. One table, used by the index (which grammar parses it, how
// its imports are read) and by the locator (source files are what a task usually changes).

/** Languages with a tree-sitter grammar shipped in dist/ (see treeSitter.ts). */
export type GrammarId = 'typescript' | 'tsx' | 'javascript' | 'python' | 'go' | 'rust' | 'java';

export type LangId =
  GrammarId | 'c' | 'cpp' | 'csharp' | 'ruby' | 'php' | 'kotlin' | 'swift' | 'scala' | 'shell' | 'other';

const BY_EXT: Record<string, LangId> = {
  ts: 'typescript',
  mts: 'typescript',
  cts: 'typescript',
  tsx: 'tsx',
  js: 'javascript',
  mjs: 'javascript',
  cjs: 'javascript',
  jsx: 'javascript',
  py: 'python',
  pyi: 'python',
  go: 'go',
  rs: 'rust',
  java: 'java',
  c: 'c',
  h: 'c',
  cc: 'cpp',
  cpp: 'cpp',
  cxx: 'cpp',
  hpp: 'cpp',
  hh: 'cpp',
  cs: 'csharp',
  rb: 'ruby',
  php: 'php',
  kt: 'kotlin',
  kts: 'kotlin',
  swift: 'swift',
  scala: 'scala',
  sh: 'shell',
  bash: 'shell',
};

/** Every language id, in the order an index cache numbers them (a change bumps the cache version). */
export const LANGS: readonly LangId[] = [
  'typescript',
  'tsx',
  'javascript',
  'python',
  'go',
  'rust',
  'java',
  'c',
  'cpp',
  'csharp',
  'ruby',
  'php',
  'kotlin',
  'swift',
  'scala',
  'shell',
  'other',
];

const GRAMMARS = new Set<LangId>(['typescript', 'tsx', 'javascript', 'python', 'go', 'rust', 'java']);

export function extOf(path: string): string {
  const base = path.slice(path.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot + 1).toLowerCase() : '';
}

export function languageOf(path: string): LangId {
  return BY_EXT[extOf(path)] ?? 'other';
}

export function grammarOf(path: string): GrammarId | undefined {
  const lang = languageOf(path);
  return GRAMMARS.has(lang) ? (lang as GrammarId) : undefined;
}

export type FileRole = 'source' | 'test' | 'docs' | 'config' | 'data';
/** Every role, in the order an index cache numbers them. */
export const ROLES: readonly FileRole[] = ['source', 'test', 'docs', 'config', 'data'];

const DOC_EXT = new Set(['md', 'mdx', 'rst', 'txt', 'adoc']);
const CONFIG_EXT = new Set([
  'json',
  'jsonc',
  'yaml',
  'yml',
  'toml',
  'ini',
  'cfg',
  'conf',
  'xml',
  'gradle',
  'properties',
  'lock',
]);
const TEST_PATH =
  /(^|\/)(tests?|__tests__|spec|specs|testing|testdata|test_data|fixtures?)\/|(^|\/)test_[^/]*$|[._-](test|spec|tests)\.[a-z]+$|_test\.go$|Tests?\.(java|kt|cs)$/i;

/** What a file is for: code a task changes, its tests, or something around it. */
export function fileRole(path: string): FileRole {
  const ext = extOf(path);
  if (
    languageOf(path) !== 'other' ||
    [
      'vue',
      'svelte',
      'lua',
      'ex',
      'exs',
      'erl',
      'hs',
      'ml',
      'dart',
      'r',
      'jl',
      'zig',
      'tf',
      'sql',
      'css',
      'scss',
    ].includes(ext)
  ) {
    return TEST_PATH.test(path) ? 'test' : 'source';
  }
  if (TEST_PATH.test(path)) return 'data';
  if (DOC_EXT.has(ext) || /(^|\/)(docs?|documentation)\//i.test(path)) return 'docs';
  if (CONFIG_EXT.has(ext) || /(^|\/)(Makefile|Dockerfile|Rakefile|Gemfile|Cargo\.toml|go\.mod)$/.test(path))
    return 'config';
  return 'data';
}

export function isTestPath(path: string): boolean {
  return TEST_PATH.test(path);
}
