// A quick outline of a file's definitions from its lines, for ranking: the names a file defines
// (functions, classes, methods, types, top-level constants) with the enclosing class by
// indentation. It reads every file of the index in a few milliseconds in all, where tree-sitter
// takes about 20 ms per file; the tools (find_symbol, repo_map) still ask tree-sitter
// (definitions.ts) for exact line ranges. A miss here costs ranking a little, never correctness.
import type { DefinitionKind } from './definitions';
import { LANGS, type LangId } from './languages';

export interface QuickDef {
  name: string;
  kind: DefinitionKind;
  /** 1-based. */
  line: number;
  container?: string;
}

const MODIFIERS =
  '(?:(?:export|default|declare|public|private|protected|internal|static|abstract|final|sealed|async|unsafe|extern|inline|override|open|data|pub(?:\\([^)\\n]*\\))?)\\s+)*';

/** A keyword-introduced definition: `def x`, `export async function x`, `pub fn x`, `func (r *T) X`, `type X struct`. */
const KEYWORD_DEF = new RegExp(
  `^([ \\t]*)${MODIFIERS}(function\\*?|class|def|fn|func|struct|enum|trait|interface|type|const|let|var|val|object|module|namespace|mod|impl|record|macro_rules!)[ \\t]+(?:(\\([^)\\n]*\\))[ \\t]*)?(?:<[^>\\n]*>[ \\t]*)?([A-Za-z_$][\\w$]*)`,
  'gm',
);

/**
 * A method without a keyword (JavaScript/TypeScript classes, Java, C#, Kotlin): an indented line
 * `[modifiers] [type] name(params) [: type] {`.
 */
const METHOD_DEF =
  /^([ \t]+)(?:(?:public|private|protected|static|async|override|readonly|abstract|final|synchronized|native|get|set|default|@[\w.]+(?:\([^)\n]*\))?)\s+)*(?:[\w$<>[\],.?@]+[ \t]+){0,3}([A-Za-z_$][\w$]*)[ \t]*(?:<[^>\n]*>)?\((?:([^\n]*\)[ \t]*(?::[^\n{;=]+)?(?:throws[ \t]+[\w., \t]+)?\{)|([ \t]*)$)[ \t]*(?:\/\/[^\n]*)?$/gm;

/** A Python module-level assignment: `MAX_WIDTH = 80`, `handlers: dict = {}`. */
const PY_CONSTANT = /^([A-Za-z_]\w*)[ \t]*(?::[^=\n]*)?=(?!=)/gm;

/** Words a METHOD_DEF line may start with that are statements, not definitions. */
const NOT_METHODS = new Set(
  'if for while switch catch return function else do try with synchronized new throw await yield typeof super this'.split(
    ' ',
  ),
);

const KIND: Record<string, DefinitionKind> = {
  function: 'function',
  'function*': 'function',
  def: 'function',
  fn: 'function',
  func: 'function',
  'macro_rules!': 'function',
  class: 'class',
  struct: 'class',
  record: 'class',
  object: 'class',
  enum: 'enum',
  trait: 'interface',
  interface: 'interface',
  type: 'type',
  const: 'constant',
  let: 'constant',
  var: 'constant',
  val: 'constant',
  module: 'module',
  namespace: 'module',
  mod: 'module',
};

const CONTAINER_KINDS = new Set<DefinitionKind>(['class', 'interface', 'enum']);
/** Languages whose definitions this reads; others (data, docs, config) yield none. */
const CODE = new Set<LangId>(LANGS.filter((l) => l !== 'shell' && l !== 'other'));

interface Hit {
  at: number;
  indent: number;
  name: string;
  kind: DefinitionKind;
  /** A Go receiver's type, a Rust impl's type: the container named on the line itself. */
  container?: string;
  opensContainer?: boolean;
  /** A Rust impl block: a container, not a definition. */
  impl?: boolean;
  /** A method whose parameters continue on the next lines: taken only at a class's member indent. */
  open?: boolean;
}

function keywordHit(m: RegExpExecArray): Hit | undefined {
  const [, indent, keyword, receiver, name] = m as unknown as [string, string, string, string | undefined, string];
  if (keyword === 'impl') {
    // impl Display for Router → the methods belong to Router.
    const rest = /^[^\n{]*?\bfor\s+([A-Za-z_]\w*)/.exec(
      m.input.slice(m.index + m[0].length, m.index + m[0].length + 200),
    );
    return {
      at: m.index,
      indent: indent.length,
      name: rest?.[1] ?? name,
      kind: 'class',
      opensContainer: true,
      impl: true,
    };
  }
  let kind = KIND[keyword];
  if (!kind) return undefined;
  // Only top-level variables are definitions; an indented `const x` is a local.
  if (kind === 'constant' && indent.length > 0) return undefined;
  const hit: Hit = { at: m.index, indent: indent.length, name, kind, opensContainer: CONTAINER_KINDS.has(kind) };
  if (receiver) {
    // Go: func (r *Router) Handle → Router.Handle.
    const type = /(\w+)\s*(?:\[[^\]]*\])?\s*\)$/.exec(receiver)?.[1];
    if (type) {
      hit.container = type;
      kind = 'method';
    }
  }
  hit.kind = kind;
  return hit;
}

/** Definitions in a file's text, in order, each with its enclosing class, struct, trait or impl. */
export function quickOutline(text: string, lang: LangId): QuickDef[] {
  if (!CODE.has(lang)) return [];
  const hits: Hit[] = [];
  for (const m of text.matchAll(KEYWORD_DEF)) {
    const h = keywordHit(m);
    if (h) hits.push(h);
  }
  if (lang === 'python') {
    for (const m of text.matchAll(PY_CONSTANT)) hits.push({ at: m.index, indent: 0, name: m[1]!, kind: 'constant' });
    hits.sort((a, b) => a.at - b.at);
  } else if (lang !== 'go' && lang !== 'rust') {
    for (const m of text.matchAll(METHOD_DEF)) {
      const name = m[2]!;
      if (NOT_METHODS.has(name)) continue;
      hits.push({ at: m.index, indent: m[1]!.length, name, kind: 'method', open: m[3] === undefined });
    }
    hits.sort((a, b) => a.at - b.at);
  }
  const out: QuickDef[] = [];
  const open: Array<{ indent: number; name: string; members?: number }> = [];
  let line = 1;
  let counted = 0;
  for (const h of hits) {
    for (let i = text.indexOf('\n', counted); i >= 0 && i < h.at; i = text.indexOf('\n', i + 1)) line++;
    counted = h.at;
    while (open.length && open[open.length - 1]!.indent >= h.indent) open.pop();
    const inside = open[open.length - 1];
    if (inside) inside.members ??= h.indent;
    // A call split over lines looks like an open method header: only a member's indent tells them apart.
    if (h.open && inside?.members !== h.indent) continue;
    const container = h.container ?? inside?.name;
    if (h.opensContainer) open.push({ indent: h.indent, name: h.name });
    if (h.impl) continue;
    const kind = h.kind === 'function' && container ? 'method' : h.kind;
    out.push({ name: h.name, kind, line, ...(container && container !== h.name ? { container } : {}) });
  }
  return out;
}
