// The vscode.lm provider's conversions as plain data: turns (no system role; neighbours of one role
// joined), tool options (a forced tool is the only one offered, and required), tool calls as events,
// and a stop reason the core knows ('stop' / 'tool-calls', never the API's silence or 'end').
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lmStopReason, toLmToolOptions, toLmTurns, toolCallEvent } from '../../../src/vscode/lm/lmConversion';

test('the system prompt leads as a user turn, joined with the first user message', () => {
  assert.deepEqual(
    toLmTurns({
      system: 'You are the critic.',
      messages: [
        { role: 'user', content: 'Review this diff.' },
        { role: 'assistant', content: 'It looks right.' },
        { role: 'user', content: 'And the tests?' },
        { role: 'user', content: '(they pass)' },
      ],
    }),
    [
      { role: 'user', text: 'You are the critic.\n\nReview this diff.' },
      { role: 'assistant', text: 'It looks right.' },
      { role: 'user', text: 'And the tests?\n\n(they pass)' },
    ],
  );
  assert.deepEqual(toLmTurns({ system: ' ', messages: [{ role: 'assistant', content: 'a' }] }), [
    { role: 'assistant', text: 'a' },
  ]);
});

test('a forced tool is the only tool offered and is required; otherwise the model chooses', () => {
  const tools = [
    { name: 'review', description: 'a review', parameters: { type: 'object' } },
    { name: 'search', description: 'search', parameters: { type: 'object', properties: {} } },
  ];
  assert.deepEqual(toLmToolOptions({ tools, toolChoice: { name: 'review' } }), {
    tools: [{ name: 'review', description: 'a review', inputSchema: { type: 'object' } }],
    toolMode: 'required',
  });
  assert.deepEqual(toLmToolOptions({ tools, toolChoice: 'auto' }).tools?.length, 2);
  assert.equal(toLmToolOptions({ tools }).toolMode, undefined);
  assert.deepEqual(toLmToolOptions({}), {});
});

test('tool calls become events with their arguments as JSON; the stop reason is the core’s', () => {
  assert.deepEqual(toolCallEvent({ callId: 'c1', name: 'review', input: { verdict: 'approve' } }, 1), {
    type: 'tool-call',
    id: 'c1',
    name: 'review',
    argumentsJson: '{"verdict":"approve"}',
  });
  assert.deepEqual(toolCallEvent({ callId: '', name: 'x', input: undefined }, 3), {
    type: 'tool-call',
    id: 'call_3',
    name: 'x',
    argumentsJson: '{}',
  });
  assert.equal(lmStopReason(false), 'stop');
  assert.equal(lmStopReason(true), 'tool-calls');
});
