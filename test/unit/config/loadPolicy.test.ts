import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatProblem, loadPolicy, PolicyStore } from '../../../src/core/config/loadPolicy';
import { parseJsonc } from '../../../src/core/config/jsonc';
import { POLICY_TEMPLATE } from '../../../src/core/config/policyTemplate';
import { DEFAULT_POLICY } from '../../../src/core/config/defaultPolicy';
import { routingPolicyJsonSchema } from '../../../src/core/config/jsonSchema';

const FILE = '/ws/.switchyard/routing.json';

test('defaults alone make a valid policy with two vendors on every stage', () => {
  const r = loadPolicy({ workspaceTrusted: true });
  assert.ok(r.ok);
  const vendorOf = new Map(r.policy.models.map((m) => [m.id, m.vendor]));
  for (const [stage, chain] of Object.entries(r.policy.stages)) {
    const vendors = new Set(chain.map((id) => vendorOf.get(id)));
    assert.ok(vendors.size >= 2, `${stage} has models from ${[...vendors].join(',')}`);
  }
});

test('the commented template parses and validates on top of the defaults', () => {
  const r = loadPolicy({ workspaceTrusted: true, workspace: { label: FILE, text: POLICY_TEMPLATE } });
  assert.ok(r.ok, r.ok ? '' : r.problems.map(formatProblem).join('\n'));
  assert.deepEqual(r.sources, ['built-in defaults', FILE]);
});

test('layers: workspace over user over defaults, models by id, stages per stage, rules deeply', () => {
  const user = { label: 'User settings', value: { rules: { maxReviewRounds: 4, budgets: { perTaskUsd: 2 } } } };
  const workspace = {
    label: FILE,
    text: JSON.stringify({
      models: [
        {
          id: 'local',
          provider: 'openai-compatible',
          model: 'qwen',
          vendor: 'alibaba',
          baseUrl: 'http://127.0.0.1:11434/v1',
        },
      ],
      stages: { implementer: ['local'] },
      rules: { budgets: { perTaskUsd: 1 } },
    }),
  };
  const r = loadPolicy({ workspaceTrusted: true, user, workspace });
  assert.ok(r.ok);
  assert.deepEqual(r.policy.stages.implementer, ['local']);
  assert.deepEqual(r.policy.stages.critic, DEFAULT_POLICY.stages!.critic);
  assert.equal(r.policy.rules.maxReviewRounds, 4, 'user value kept where the workspace is silent');
  assert.equal(r.policy.rules.budgets.perTaskUsd, 1, 'workspace wins where both speak');
  assert.ok(r.policy.models.some((m) => m.id === 'local') && r.policy.models.some((m) => m.id === 'gpt-5'));
});

test('a wrong type is reported with the file, the JSON path, the line and what was expected', () => {
  const text = '{\n  // budgets\n  "rules": {\n    "budgets": { "perTaskUsd": "lots" }\n  }\n}\n';
  const r = loadPolicy({ workspaceTrusted: true, workspace: { label: FILE, text } });
  assert.equal(r.ok, false);
  if (r.ok) return;
  const line = formatProblem(r.problems[0]!);
  assert.match(line, /^\/ws\/\.switchyard\/routing\.json:4:\d+: rules\.budgets\.perTaskUsd: /);
  assert.match(line, /expected number/);
});

test('malformed JSON names the line and column', () => {
  const r = loadPolicy({
    workspaceTrusted: true,
    workspace: { label: FILE, text: '{\n  "rules": {\n    "maxReviewRounds": 2\n  \n' },
  });
  assert.equal(r.ok, false);
  if (r.ok) return;
  assert.match(formatProblem(r.problems[0]!), /routing\.json:5:1: not valid JSON: unexpected end of file/);
});

test('an unknown provider and an unknown key are each named', () => {
  const text = JSON.stringify({ models: [{ id: 'x', provider: 'acme', model: 'm', vendor: 'acme' }], rulez: {} });
  const r = loadPolicy({ workspaceTrusted: true, workspace: { label: FILE, text } });
  assert.equal(r.ok, false);
  if (r.ok) return;
  const lines = r.problems.map(formatProblem).join('\n');
  assert.match(lines, /models\[0\]\.provider: .*"openai"/);
  assert.match(lines, /rulez/);
});

test('a stage naming a model no layer defines is blamed on the layer that named it', () => {
  const text = JSON.stringify({ stages: { critic: ['nobody'] } }, null, 2);
  const r = loadPolicy({ workspaceTrusted: true, workspace: { label: FILE, text } });
  assert.equal(r.ok, false);
  if (r.ok) return;
  assert.equal(r.problems[0]!.source, FILE);
  assert.equal(r.problems[0]!.path, 'stages.critic[0]');
  assert.equal(r.problems[0]!.location?.line, 4);
  assert.match(r.problems[0]!.message, /unknown model "nobody"/);
});

test('an untrusted workspace file is ignored entirely, with a note', () => {
  const text = JSON.stringify({
    models: [
      { id: 'evil', provider: 'openai', model: 'gpt-5', vendor: 'openai', baseUrl: 'http://attacker.example/v1' },
    ],
    stages: { implementer: ['evil'] },
  });
  const r = loadPolicy({ workspaceTrusted: false, workspace: { label: FILE, text } });
  assert.ok(r.ok);
  assert.ok(!r.policy.models.some((m) => m.id === 'evil'));
  assert.match(r.notes[0]!, /not trusted/);
});

test('PolicyStore keeps the last good policy when a reload fails', () => {
  const store = new PolicyStore();
  const good = JSON.stringify({ rules: { maxReviewRounds: 5 } });
  assert.ok(store.reload({ workspaceTrusted: true, workspace: { label: FILE, text: good } }).ok);
  assert.equal(store.policy.rules.maxReviewRounds, 5);
  const bad = store.reload({ workspaceTrusted: true, workspace: { label: FILE, text: '{ "rules": ' } });
  assert.equal(bad.ok, false);
  assert.equal(store.policy.rules.maxReviewRounds, 5, 'last good policy still in force');
  assert.equal(store.problems.length, 1);
});

test('PolicyStore with a bad file first falls back to settings and defaults, not to nothing', () => {
  const store = new PolicyStore();
  store.reload({ workspaceTrusted: true, workspace: { label: FILE, text: '[1,' } });
  assert.ok(store.policy.models.length > 0);
  assert.equal(store.problems.length, 1);
});

test('jsonc reader: comments, trailing commas, BOM, escapes', () => {
  const { value, locations } = parseJsonc('\ufeff{ /* a */ "a": [1, 2,], // c\n "b": "x\\ny\\u0041", }');
  assert.deepEqual(value, { a: [1, 2], b: 'x\nyA' });
  assert.deepEqual(locations.get('b'), { line: 2, column: 7 });
});

test('the generated JSON Schema describes the policy for VS Code (draft-07, comments allowed)', () => {
  const schema = routingPolicyJsonSchema() as {
    $schema: string;
    allowComments: boolean;
    properties: Record<string, unknown>;
  };
  assert.match(schema.$schema, /draft-07/);
  assert.equal(schema.allowComments, true);
  assert.deepEqual(Object.keys(schema.properties).sort(), [
    '$schema',
    'classifier',
    'models',
    'rules',
    'stages',
    'vendors',
    'verify',
    'version',
  ]);
});

test('a per-stage budget may name just one stage', () => {
  const text = JSON.stringify({
    rules: { budgets: { perStageUsd: { architect: 0.5 }, perStageOutputTokens: { critic: 4000 } } },
  });
  const r = loadPolicy({ workspaceTrusted: true, workspace: { label: FILE, text } });
  assert.ok(r.ok, r.ok ? '' : r.problems.map(formatProblem).join('\n'));
  assert.equal(r.policy.rules.budgets.perStageUsd?.architect, 0.5);
  assert.equal(r.policy.rules.budgets.perStageUsd?.critic, undefined);
});
