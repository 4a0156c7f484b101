// The one owner of a run's decision, in plain Node: the pipeline's gate waits on it, and what a
// person does (apply, reject, send back, apply a suggestion, dismiss) answers the gate or is said
// as an event. The answer to apply carries the plan with the accepted suggestions in it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ResolvedPlan } from '../../../src/core/edits/editPlan';
import { RunDecision, withSuggestion, type DecisionEvent } from '../../../src/vscode/runs/runDecision';
import type { FindingView } from '../../../src/protocol/panelProtocol';

const plan = (): ResolvedPlan => ({
  format: 'search-replace',
  files: [
    {
      path: 'src/cart.ts',
      op: 'update',
      baseHash: 'abc',
      before: 'a\nb\nc\n',
      after: 'a\nB\nc\n',
      tolerances: [],
    },
  ],
});

const finding = (over: Partial<FindingView> = {}): FindingView => ({
  id: 'r1f1',
  file: 'src/cart.ts',
  startLine: 2,
  endLine: 2,
  severity: 'minor',
  message: 'say why',
  suggestion: 'B // why',
  status: 'open',
  ...over,
});

function owner() {
  const events: DecisionEvent[] = [];
  return { d: new RunDecision((e) => events.push(e)), events };
}

test('Apply answers the gate with the plan as it stands: an applied suggestion is in what gets written', async () => {
  const { d, events } = owner();
  const reviewed = plan();
  const answer = d.awaitDecision(reviewed, new AbortController().signal);
  assert.ok(d.isOpen);
  assert.deepEqual(events, [{ type: 'change-ready', files: ['src/cart.ts'], codes: [], reasons: [] }]);
  d.applySuggestion(finding());
  assert.equal(reviewed.files[0]!.after, 'a\nB\nc\n', "the pipeline's own plan is not edited behind its back");
  assert.equal(d.plan!.files[0]!.after, 'a\nB // why\nc\n');
  const applied = d.apply();
  assert.deepEqual(await answer, { apply: d.plan });
  assert.equal(((await answer) as { apply: ResolvedPlan }).apply.files[0]!.after, 'a\nB // why\nc\n');
  assert.ok(!d.isOpen && d.isAnswered);
  d.reportApply({ applied: true, message: 'Applied to src/cart.ts.' });
  assert.deepEqual(await applied, { applied: true, message: 'Applied to src/cart.ts.' });
  assert.deepEqual(
    events.map((e) => e.type),
    ['change-ready', 'suggestion-applied', 'decided'],
  );
  // Nothing more can be decided on a closed gate.
  assert.equal(d.reject('too late'), false);
  assert.match((await d.apply()).message, /already decided/);
  assert.throws(() => d.applySuggestion(finding({ id: 'x' })), /already decided/);
});

test('Reject says why; Send back carries the note and the findings; a cancelled run answers no', async () => {
  const a = owner();
  const rejected = a.d.awaitDecision(plan(), new AbortController().signal);
  assert.equal(a.d.reject('you rejected the change'), true);
  assert.deepEqual(await rejected, { reject: 'you rejected the change' });

  const b = owner();
  const sent = b.d.awaitDecision(plan(), new AbortController().signal);
  assert.equal(b.d.sendBack('keep it on one line', [finding()]), true);
  const answer = (await sent) as { sendBack: string; findings: unknown[] };
  assert.equal(answer.sendBack, 'keep it on one line');
  assert.equal(answer.findings.length, 1);
  assert.ok(!b.d.isAnswered, 'a send-back keeps the run going: the revision comes back to the gate');
  assert.deepEqual(b.events.at(-1), { type: 'sent-back', findingIds: ['r1f1'], note: 'keep it on one line' });

  const c = owner();
  const ac = new AbortController();
  const cancelled = c.d.awaitDecision(plan(), ac.signal);
  ac.abort();
  assert.equal(await cancelled, false);
  assert.deepEqual(c.events.at(-1), { type: 'decided', how: 'cancel' });
});

test('an Apply still waiting when the run ends hears the run’s outcome', async () => {
  const { d } = owner();
  void d.awaitDecision(plan(), new AbortController().signal);
  const applied = d.apply();
  d.finish({ applied: false, message: 'failed: src/cart.ts changed since the edit was made' });
  assert.deepEqual(await applied, { applied: false, message: 'failed: src/cart.ts changed since the edit was made' });
});

test('a suggestion replaces exactly the finding’s lines, in the file’s own line endings', () => {
  assert.equal(withSuggestion('a\r\nb\r\nc\r\n', finding({ suggestion: 'x\ny\n' })), 'a\r\nx\r\ny\r\nc\r\n');
  assert.equal(withSuggestion('a\nb', finding({ startLine: 1, endLine: 2, suggestion: 'z' })), 'z');
  assert.throws(
    () => withSuggestion('a\nb\n', finding({ startLine: 3, endLine: 3 })),
    /outside the proposed file \(2 lines\)/,
  );
  const { d } = owner();
  void d.awaitDecision(plan(), new AbortController().signal);
  assert.throws(() => d.applySuggestion(finding({ suggestion: undefined })), /send it back to the implementer/);
  assert.throws(() => d.applySuggestion(finding({ file: 'other.ts' })), /not part of this change/);
});
