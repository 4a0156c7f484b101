// Data residency in the policy: the schema accepts regions, retention and rules and rejects bad ones
// at their JSON path; the generated JSON Schema (what VS Code validates routing.json with) agrees;
// and layering only ever narrows — a workspace file adds rules but cannot remove the user's, nor
// change the residency facts the user stated.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Ajv from 'ajv';
import { routingPolicyJsonSchema } from '../../../src/core/config/jsonSchema';
import { formatProblem, loadPolicy } from '../../../src/core/config/loadPolicy';
import { RoutingPolicySchema } from '../../../src/core/config/policySchema';

const FILE = '/ws/.switchyard/routing.json';
const USER = 'Settings (switchyard.policy)';

const DS = {
  id: 'ds',
  provider: 'openai-compatible',
  model: 'deepseek-coder',
  vendor: 'deepseek',
  baseUrl: 'https://api.deepseek.com/v1',
  region: 'cn',
  retention: '30d',
};

const VALID = {
  models: [DS],
  vendors: { openai: { region: 'us', retention: 'none' } },
  stages: { implementer: ['ds'] },
  rules: {
    residency: [
      { paths: ['src/payments/**'], allowRegions: ['eu', 'us'] },
      { stages: ['scout'], denyVendors: ['deepseek'] },
      { requireRetention: ['none', '30d'] },
    ],
  },
};

test('regions, retention, vendor facts and residency rules parse', () => {
  const p = RoutingPolicySchema.parse(VALID);
  assert.equal(p.models[0]!.region, 'cn');
  assert.equal(p.vendors.openai!.retention, 'none');
  assert.deepEqual(p.rules.residency[0]!.paths, ['src/payments/**']);
  assert.deepEqual(RoutingPolicySchema.parse({}).rules.residency, []);
});

test('bad residency input is an error at its JSON path, saying what was expected', () => {
  const cases: Array<[unknown, string, RegExp]> = [
    [{ rules: { residency: [{ paths: ['src/**'] }] } }, 'rules.residency[0]', /needs at least one of allowRegions/],
    [
      { rules: { residency: [{ paths: ['/etc/**'], allowRegions: ['eu'] }] } },
      'rules.residency[0].paths[0]',
      /relative to the workspace root/,
    ],
    [
      { rules: { residency: [{ paths: ['../x/**'], allowRegions: ['eu'] }] } },
      'rules.residency[0].paths[0]',
      /relative/,
    ],
    [
      { rules: { residency: [{ stages: ['reviewer'], allowRegions: ['eu'] }] } },
      'rules.residency[0].stages[0]',
      /scout/,
    ],
    [{ rules: { residency: [{ allowRegions: ['EU'] }] } }, 'rules.residency[0].allowRegions[0]', /lower-case code/],
    [{ rules: { residency: [{ allowRegions: [] }] } }, 'rules.residency[0].allowRegions', /./],
    [{ rules: { residency: [{ allowRegion: ['eu'] }] } }, 'rules.residency[0]', /allowRegion/],
    [{ models: [{ ...DS, region: 'China' }] }, 'models[0].region', /lower-case code/],
    [{ vendors: { OpenAI: { region: 'us' } } }, 'vendors.OpenAI', /./],
  ];
  for (const [value, path, message] of cases) {
    const r = loadPolicy({ workspaceTrusted: true, workspace: { label: FILE, text: JSON.stringify(value) } });
    assert.equal(r.ok, false, JSON.stringify(value));
    if (r.ok) continue;
    const hit = r.problems.find((p) => p.path === path);
    assert.ok(
      hit,
      `${JSON.stringify(value)}: wanted a problem at ${path}, got ${r.problems.map(formatProblem).join(' | ')}`,
    );
    assert.match(hit.message, message);
    assert.ok(hit.location, 'the problem points at a line in the file');
  }
});

test('the JSON Schema VS Code uses validates and completes the same residency input', () => {
  const schema = routingPolicyJsonSchema();
  const validate = new Ajv({ strict: false, allErrors: true }).compile(schema);
  assert.equal(validate(VALID), true, JSON.stringify(validate.errors));
  const bad: unknown[] = [
    { rules: { residency: [{ paths: ['src/**'] }] } },
    { rules: { residency: [{ paths: ['/abs/**'], allowRegions: ['eu'] }] } },
    { rules: { residency: [{ allowRegions: ['EU'] }] } },
    { rules: { residency: [{ stages: ['reviewer'], denyVendors: ['x'] }] } },
    { models: [{ ...DS, retention: '30 days' }] },
    // Switchyard's own tag is not something a file may set.
    { rules: { residency: [{ allowRegions: ['eu'], origin: { source: USER, index: 0 } }] } },
  ];
  for (const doc of bad) assert.equal(validate(doc), false, `should be invalid: ${JSON.stringify(doc)}`);
  // Completion: the rule's properties carry descriptions for the editor to show.
  const rules = (
    schema as {
      properties: {
        rules: { properties: { residency: { items: { properties: Record<string, { description?: string }> } } } };
      };
    }
  ).properties.rules.properties.residency.items.properties;
  assert.deepEqual(Object.keys(rules).sort(), [
    'allowRegions',
    'allowVendors',
    'denyRegions',
    'denyVendors',
    'paths',
    'requireRetention',
    'stages',
  ]);
  for (const [k, v] of Object.entries(rules)) assert.ok(v.description, `${k} has a description`);
});

test('layers: a workspace file adds residency rules but cannot remove or rewrite the user’s', () => {
  const user = { label: USER, value: { rules: { residency: [{ paths: ['src/payments/**'], allowRegions: ['eu'] }] } } };
  const workspace = {
    label: FILE,
    text: JSON.stringify({
      rules: {
        // An empty list, and a rule claiming to be the user's: neither loosens anything.
        residency: [{ stages: ['scout'], denyVendors: ['deepseek'], origin: { source: USER, index: 0 } }],
      },
    }),
  };
  const r = loadPolicy({ workspaceTrusted: true, user, workspace });
  assert.ok(r.ok, r.ok ? '' : r.problems.map(formatProblem).join('\n'));
  assert.deepEqual(
    r.policy.rules.residency.map((x) => x.origin),
    [
      { source: USER, index: 0 },
      { source: FILE, index: 0 },
    ],
  );
  const emptied = loadPolicy({
    workspaceTrusted: true,
    user,
    workspace: { label: FILE, text: '{"rules":{"residency":[]}}' },
  });
  assert.ok(emptied.ok);
  assert.equal(emptied.policy.rules.residency.length, 1, 'the user rule survives an empty workspace list');
  assert.deepEqual(emptied.policy.rules.residency[0]!.allowRegions, ['eu']);
});

test('layers: region and retention the user stated stand over what a workspace file says', () => {
  const user = {
    label: USER,
    value: { models: [{ ...DS, id: 'mine' }], vendors: { deepseek: { region: 'cn', retention: '30d' } } },
  };
  const workspace = {
    label: FILE,
    text: JSON.stringify({
      models: [
        { ...DS, id: 'mine', vendor: 'acme', region: 'eu', retention: 'none' }, // the user's own model, relabelled
        { ...DS, id: 'theirs', region: 'eu' }, // a new model of a vendor the user described
        {
          id: 'local',
          provider: 'openai-compatible',
          model: 'qwen',
          vendor: 'alibaba',
          baseUrl: 'http://127.0.0.1:11434/v1',
          region: 'local',
        },
      ],
      vendors: { deepseek: { region: 'eu' } },
    }),
  };
  const r = loadPolicy({ workspaceTrusted: true, user, workspace });
  assert.ok(r.ok, r.ok ? '' : r.problems.map(formatProblem).join('\n'));
  const byId = new Map(r.policy.models.map((m) => [m.id, m]));
  assert.equal(byId.get('mine')!.region, 'cn');
  assert.equal(byId.get('mine')!.retention, '30d');
  assert.equal(byId.get('mine')!.vendor, 'deepseek', 'nor can it rename who trains it');
  assert.equal(byId.get('theirs')!.region, undefined, 'falls back to the vendor fact the user stated');
  assert.equal(r.policy.vendors.deepseek!.region, 'cn');
  assert.equal(byId.get('local')!.region, 'local', 'facts about vendors the user said nothing of are the workspace’s');
  assert.ok(r.notes.some((n) => /model mine's region is "eu"; your settings say "cn", and that stands/.test(n)));
  assert.ok(r.notes.some((n) => /vendor deepseek's region is "eu"/.test(n)));
});
