// Definitions read by tree-sitter (the grammars VS Code ships) for each language the index parses.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { definitionsOf } from '../../../src/core/context/definitions';
import { grammarOf } from '../../../src/core/context/languages';

const names = async (file: string, text: string) =>
  (await definitionsOf(grammarOf(file)!, text)).map(
    (d) => `${d.kind} ${d.container ? `${d.container}.` : ''}${d.name}@${d.line}`,
  );

test('TypeScript and TSX: functions, classes and their methods, interfaces, types, enums, top-level constants', async () => {
  assert.deepEqual(
    await names(
      'a.ts',
      'export function parseHeader(x: string) {}\nexport class Router {\n  handle() {}\n}\ninterface Opts { a: number }\ntype T = string;\nenum Mode { A }\nexport const LIMIT = 3;\n',
    ),
    [
      'function parseHeader@1',
      'class Router@2',
      'method Router.handle@3',
      'interface Opts@5',
      'type T@6',
      'enum Mode@7',
      'constant LIMIT@8',
    ],
  );
  assert.deepEqual(await names('a.tsx', 'export function Card() { return <div />; }\n'), ['function Card@1']);
});

test('JavaScript, Python, Go, Rust and Java', async () => {
  assert.deepEqual(await names('a.js', 'class B {\n  run() {}\n}\nfunction helper() {}\nmodule.exports.x = 1;\n'), [
    'class B@1',
    'method B.run@2',
    'function helper@4',
    'constant x@5',
  ]);
  assert.deepEqual(
    await names('a.py', 'LIMIT = 3\nclass Flask:\n    def route(self):\n        pass\n\ndef helper():\n    pass\n'),
    ['constant LIMIT@1', 'class Flask@2', 'method Flask.route@3', 'function helper@6'],
  );
  assert.deepEqual(
    await names(
      'a.go',
      'package x\ntype Engine struct{}\nfunc New() *Engine { return nil }\nfunc (e *Engine) Run() {}\n',
    ),
    ['type Engine@2', 'function New@3', 'method Run@4'],
  );
  assert.deepEqual(
    await names(
      'a.rs',
      'struct Args;\nimpl Args {\n    fn parse() {}\n}\ntrait Shell { fn name(&self); }\nfn main() {}\n',
    ),
    ['class Args@1', 'method Args.parse@3', 'interface Shell@5', 'method Shell.name@5', 'function main@6'],
  );
  assert.deepEqual(
    await names('A.java', 'class Gson {\n  String toJson(Object o) { return ""; }\n  enum Mode { X }\n}\n'),
    ['class Gson@1', 'method Gson.toJson@2', 'enum Gson.Mode@3'],
  );
});

test('a file that does not parse cleanly still yields what it can; an oversized one yields nothing', async () => {
  assert.deepEqual(await names('b.ts', 'export function ok() {}\nfunction broken( {\n'), ['function ok@1']);
  assert.deepEqual(await definitionsOf('typescript', `// ${'x'.repeat(500_000)}\nfunction f() {}`), []);
});
