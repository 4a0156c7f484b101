// The editor's selection is context for the roles, not part of the task: it is not classified (code
// saying "error" or "new" is not a bug symptom), not searched for file names (`options.long` is a
// property, not a file), and not recorded (records hold no file contents beyond the diff); the roles
// read it after the task.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { approve, messagesText, searchReplace, startHarness } from './harness';
import { mentionedPaths } from '../../../src/core/routing/stagePlan';
import { classify } from '../../../src/core/routing/classifier';

const INDEX = 'function parse(str) {\n  if (str.length > 100) return;\n  throw new Error(options.long);\n}\n';
const SELECTION = 'Selected in index.js (lines 1-4):\n```\n' + INDEX + '```';

test('a selection reaches the roles but is never classified, searched for files or recorded', async () => {
  const h = await startHarness({ 'index.js': INDEX });
  try {
    h.queues.implementer.push(
      searchReplace('index.js', '  if (str.length > 100) return;', '  if (str.length > 99) return;'),
    );
    h.queues.critic.push(approve());
    const task = 'Fix the length limit in index.js';
    const r = await h.run(task, { attachedContext: SELECTION });
    assert.equal(r.outcome, 'applied', r.message);
    assert.equal(r.decision.task, task);
    // Classified exactly as the task alone: no signal from the selected code ("error", "new").
    const alone = classify(task, { filePaths: mentionedPaths(task) });
    assert.deepEqual(r.decision.classification.details, alone.details, 'no signal from the selected code');
    assert.deepEqual(r.decision.classification.reasons, alone.reasons);
    assert.equal(r.record.task, task, 'the record keeps the task, not the selected code');
    assert.ok(!JSON.stringify(r.record).includes('Selected in index.js'), 'nor anywhere else in the record');
    const sent = h.events
      .filter((e) => e.type === 'context-sent')
      .flatMap((e) => (e.type === 'context-sent' ? e.artifacts : []));
    assert.ok(!sent.some((a) => /options\.long|str\.length/.test(a)), `artifacts: ${sent.join(' ')}`);
    const implSaw = messagesText(h.requestsOf('implementer')[0]!);
    assert.ok(
      implSaw.includes('Selected in index.js (lines 1-4)') && implSaw.includes('throw new Error(options.long)'),
      implSaw,
    );
  } finally {
    await h.close();
  }
});

test('code quoted in a task is not a list of files', () => {
  assert.deepEqual(mentionedPaths(`Fix index.js\n\n${SELECTION}\nthen README.md`), ['index.js', 'README.md']);
});
