// quickOutline: the names a file defines, read from its lines for ranking, against tree-sitter's
// definitions (definitions.ts) on the same real source: the fixture's TypeScript, and snippets in
// the shapes Python, Go, Rust and Java code takes (methods, receivers, impl blocks, annotations).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { definitionsOf } from '../../../src/core/context/definitions';
import { definedName, definedTerms, holds } from '../../../src/core/context/fileEntry';
import { TermDict } from '../../../src/core/context/termDict';
import { quickOutline, type QuickDef } from '../../../src/core/context/quickOutline';
import { makeOpenaiRepo, type FixtureRepo } from './fixtureRepo';

let fx: FixtureRepo;
before(() => {
  fx = makeOpenaiRepo();
});
after(() => fx.dispose());

const label = (d: { name: string; container?: string }) => (d.container ? `${d.container}.${d.name}` : d.name);

test('finds what tree-sitter finds in real TypeScript, methods under their class', async () => {
  for (const file of ['src/core/streaming.ts', 'src/client.ts', 'src/internal/to-file.ts']) {
    const text = readFileSync(join(fx.root, file), 'utf8');
    const quick = new Set(quickOutline(text, 'typescript').map(label));
    const exact = (await definitionsOf('typescript', text)).filter((d) => d.kind !== 'constant' || !d.container);
    const found = exact.filter((d) => quick.has(label(d)));
    assert.ok(found.length >= 0.85 * exact.length, `${file}: ${found.length} of ${exact.length}`);
  }
});

const byLabel = (defs: QuickDef[]) => Object.fromEntries(defs.map((d) => [label(d), d.kind]));

test('Python: classes, methods by indentation, module constants; no locals', () => {
  const py = [
    'MAX_WIDTH = 80',
    'class Context(object):',
    '    """A context."""',
    '    def invoke(self, callback):',
    '        local = 1',
    '        return callback()',
    '',
    '    @property',
    '    async def close(self):',
    '        pass',
    '',
    'def echo(message=None):',
    '    pass',
  ].join('\n');
  assert.deepEqual(byLabel(quickOutline(py, 'python')), {
    MAX_WIDTH: 'constant',
    Context: 'class',
    'Context.invoke': 'method',
    'Context.close': 'method',
    echo: 'function',
  });
});

test('Go receivers, Rust impl blocks and Java annotated methods name their container', () => {
  const go = 'type Command struct {\n\tUse string\n}\n\nfunc (c *Command) SetContext(ctx context.Context) {\n}\n';
  assert.deepEqual(byLabel(quickOutline(go, 'go')), { Command: 'type', 'Command.SetContext': 'method' });
  const rs = [
    'pub struct Command {',
    '    name: Str,',
    '}',
    'impl fmt::Display for Command {',
    '    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {',
    '        Ok(())',
    '    }',
    '}',
    'impl Command {',
    '    pub fn new(name: impl Into<Str>) -> Self {',
    '        todo!()',
    '    }',
    '}',
  ].join('\n');
  assert.deepEqual(byLabel(quickOutline(rs, 'rust')), {
    Command: 'class',
    'Command.fmt': 'method',
    'Command.new': 'method',
  });
  const java = [
    'public class Element extends Node {',
    '    @Override protected List<Node> ensureChildNodes() {',
    '        return childNodes;',
    '    }',
    '    public @Nullable Element selectFirst(String cssQuery) {',
    '        if (cssQuery == null) {',
    '            return null;',
    '        }',
    '        return Selector.selectFirst(cssQuery, this);',
    '    }',
    '}',
  ].join('\n');
  assert.deepEqual(byLabel(quickOutline(java, 'java')), {
    Element: 'class',
    'Element.ensureChildNodes': 'method',
    'Element.selectFirst': 'method',
  });
});

test('files that are not code have no definitions', () => {
  assert.deepEqual(quickOutline('# class Heading\n\nfunction words here', 'other'), []);
});

test('the index keeps each defined name whole, so `Command` is told from `CommandCollection`', () => {
  const dict = new TermDict();
  const collection = definedTerms('class CommandCollection:\n    pass\n', 'python', dict);
  const command = definedTerms('class Command:\n    pass\n', 'python', dict);
  const exact = dict.get(definedName('Command'))!;
  assert.ok(holds(command, exact));
  assert.ok(!holds(collection, exact));
  // Both define a name with the subword "command".
  assert.ok(holds(collection, dict.get('command')) && holds(command, dict.get('command')));
});
