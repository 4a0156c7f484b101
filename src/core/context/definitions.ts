// Definitions in a file — functions, classes, methods, types, interfaces, exported constants — read
// by tree-sitter with one query per grammar. Each has its name, kind, 1-based line range and the
// enclosing class or type, so "Router.handle" can be found and a repository map can be drawn.
import type * as TS from '@vscode/tree-sitter-wasm';
import type { GrammarId } from './languages';
import { languageFor } from './treeSitter';

export type DefinitionKind = 'function' | 'method' | 'class' | 'interface' | 'type' | 'enum' | 'constant' | 'module';

export interface Definition {
  name: string;
  kind: DefinitionKind;
  /** 1-based, inclusive. */
  line: number;
  endLine: number;
  /** The enclosing class, struct, impl or interface, when there is one. */
  container?: string;
}

const TS_QUERY = `
(function_declaration name: (identifier) @name) @function
(generator_function_declaration name: (identifier) @name) @function
(class_declaration name: (type_identifier) @name) @class
(abstract_class_declaration name: (type_identifier) @name) @class
(method_definition name: (property_identifier) @name) @method
(abstract_method_signature name: (property_identifier) @name) @method
(interface_declaration name: (type_identifier) @name) @interface
(type_alias_declaration name: (type_identifier) @name) @type
(enum_declaration name: (identifier) @name) @enum
(program (lexical_declaration (variable_declarator name: (identifier) @name) @constant))
(export_statement (lexical_declaration (variable_declarator name: (identifier) @name) @constant))
(internal_module name: (identifier) @name) @module
`;

const JS_QUERY = `
(function_declaration name: (identifier) @name) @function
(generator_function_declaration name: (identifier) @name) @function
(class_declaration name: (identifier) @name) @class
(method_definition name: (property_identifier) @name) @method
(program (lexical_declaration (variable_declarator name: (identifier) @name) @constant))
(program (variable_declaration (variable_declarator name: (identifier) @name) @constant))
(export_statement (lexical_declaration (variable_declarator name: (identifier) @name) @constant))
(program (expression_statement (assignment_expression left: (member_expression property: (property_identifier) @name)) @constant))
`;

const QUERIES: Record<GrammarId, string> = {
  typescript: TS_QUERY,
  tsx: TS_QUERY,
  javascript: JS_QUERY,
  python: `
(function_definition name: (identifier) @name) @function
(class_definition name: (identifier) @name) @class
(module (expression_statement (assignment left: (identifier) @name) @constant))
`,
  go: `
(function_declaration name: (identifier) @name) @function
(method_declaration name: (field_identifier) @name) @method
(type_spec name: (type_identifier) @name) @type
(source_file (const_declaration (const_spec name: (identifier) @name) @constant))
(source_file (var_declaration (var_spec name: (identifier) @name) @constant))
`,
  rust: `
(function_item name: (identifier) @name) @function
(function_signature_item name: (identifier) @name) @function
(struct_item name: (type_identifier) @name) @class
(enum_item name: (type_identifier) @name) @enum
(trait_item name: (type_identifier) @name) @interface
(type_item name: (type_identifier) @name) @type
(const_item name: (identifier) @name) @constant
(static_item name: (identifier) @name) @constant
(mod_item name: (identifier) @name) @module
(macro_definition name: (identifier) @name) @function
`,
  java: `
(class_declaration name: (identifier) @name) @class
(interface_declaration name: (identifier) @name) @interface
(enum_declaration name: (identifier) @name) @enum
(record_declaration name: (identifier) @name) @class
(annotation_type_declaration name: (identifier) @name) @interface
(method_declaration name: (identifier) @name) @method
(constructor_declaration name: (identifier) @name) @method
`,
};

const CONTAINERS = new Set([
  'class_declaration',
  'abstract_class_declaration',
  'class_definition',
  'interface_declaration',
  'enum_declaration',
  'record_declaration',
  'impl_item',
  'trait_item',
  'class',
]);

const queries = new Map<GrammarId, TS.Query>();
const parsers = new Map<GrammarId, TS.Parser>();

/** Files larger than this are not parsed (generated tables, bundled code): their names still count as terms. */
export const MAX_PARSE_CHARS = 400_000;

function containerName(node: TS.Node): string | undefined {
  for (let p = node.parent; p; p = p.parent) {
    if (!CONTAINERS.has(p.type)) continue;
    const name = p.childForFieldName('name') ?? p.childForFieldName('type');
    if (name) return name.text;
  }
  return undefined;
}

/** Parses one file and lists its definitions (empty for an unparseable or oversized file). */
export async function definitionsOf(grammar: GrammarId, text: string): Promise<Definition[]> {
  if (text.length > MAX_PARSE_CHARS) return [];
  const { rt, language } = await languageFor(grammar);
  let parser = parsers.get(grammar);
  if (!parser) {
    parser = new rt.Parser();
    parser.setLanguage(language);
    parsers.set(grammar, parser);
  }
  let query = queries.get(grammar);
  if (!query) {
    query = new rt.Query(language, QUERIES[grammar]);
    queries.set(grammar, query);
  }
  const tree = parser.parse(text);
  if (!tree) return [];
  try {
    const out: Definition[] = [];
    for (const match of query.matches(tree.rootNode)) {
      const nameNode = match.captures.find((c) => c.name === 'name')?.node;
      const defCap = match.captures.find((c) => c.name !== 'name');
      if (!nameNode || !defCap) continue;
      const def = defCap.node;
      let kind = defCap.name as DefinitionKind;
      const container = containerName(def);
      // A function inside a class (Python, Rust impl) is a method.
      if (kind === 'function' && container) kind = 'method';
      out.push({
        name: nameNode.text,
        kind,
        line: def.startPosition.row + 1,
        endLine: def.endPosition.row + 1,
        ...(container && container !== nameNode.text ? { container } : {}),
      });
    }
    return out;
  } finally {
    tree.delete();
  }
}
