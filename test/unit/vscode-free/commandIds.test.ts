import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { COMMAND_IDS, Commands } from '../../../src/vscode/commandIds';

interface Manifest {
  contributes: {
    commands: { command: string }[];
    menus: Record<string, { command: string }[]>;
    keybindings: { command: string }[];
    viewsWelcome: { contents: string }[];
  };
}

const manifest = JSON.parse(readFileSync(join(__dirname, '../../../package.json'), 'utf8')) as Manifest;
const declared = new Set<string>(COMMAND_IDS);

test('the declared command ids are exactly the ones package.json contributes', () => {
  const contributed = manifest.contributes.commands.map((c) => c.command);
  assert.equal(new Set(contributed).size, contributed.length, 'a command is contributed twice');
  assert.deepEqual([...contributed].sort(), [...declared].sort());
  assert.equal(COMMAND_IDS.length, Object.keys(Commands).length);
});

test('menus and keybindings name only declared commands', () => {
  const used = [
    ...Object.entries(manifest.contributes.menus).flatMap(([menu, items]) =>
      items.map((i) => ({ where: `menus.${menu}`, id: i.command })),
    ),
    ...manifest.contributes.keybindings.map((k) => ({ where: 'keybindings', id: k.command })),
  ];
  assert.ok(used.length > 0);
  const unknown = used.filter((u) => !declared.has(u.id));
  assert.deepEqual(unknown, []);
});

test('the welcome view links only declared commands', () => {
  const links = manifest.contributes.viewsWelcome.flatMap((v) =>
    [...v.contents.matchAll(/\(command:([\w.]+)[^)]*\)/g)].map((m) => m[1]!),
  );
  assert.ok(links.length > 0);
  assert.deepEqual(
    links.filter((id) => !declared.has(id)),
    [],
  );
});
