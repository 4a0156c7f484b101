// The panel header shows how sure the classifier was, the features behind each call and, for an
// unsure call, which way it leaned — from a real decision, through the protocol's validator, into
// the panel's renderer (a recording DOM: what a person would read is the text asserted here).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RoutingPolicySchema } from '../../../src/core/config/policySchema';
import { classify } from '../../../src/core/routing/classifier';
import { decide } from '../../../src/core/routing/decide';
import { RunViewSchema } from '../../../src/protocol/panelProtocol';
import { withPersonCalls } from '../../../src/core/routing/personCalls';
import { callsView } from '../../../src/vscode/runs/callsView';
import { renderCalls } from '../../../webview/renderCalls';
import { FakeElement, installFakeDom } from '../hostile/fakeDom';

const policy = RoutingPolicySchema.parse({});

function shown(task: string): Map<string, string> {
  const d = decide(classify(task), policy, undefined, { task, knownFiles: 1 });
  const view = RunViewSchema.parse({ runId: 'r1', task, state: 'running', stages: [], calls: callsView(d) });
  const restore = installFakeDom();
  try {
    const els = renderCalls(view) as unknown as FakeElement[];
    return new Map(els.map((e) => [e.attributes.get('data-testid') ?? '', e.textContent]));
  } finally {
    restore();
  }
}

test('a confident call: kind and risk with their confidence or rule, and the features behind them', () => {
  const text = shown('Customer is charged twice when the webhook retries');
  const calls = text.get('classifier-calls') ?? '';
  assert.match(calls, /^kind bugfix \d+% — .*‘twice’/);
  assert.match(calls, /risk high by rule \(payments \/ billing\) — .*‘charged’ \(payments \/ billing\)/);
  assert.equal([...text.keys()].filter((k) => k.startsWith('classifier-uncertain')).length, 0);
});

test('an unsure call says which way it leaned and that no model refined it', () => {
  const text = shown('Slow execution');
  assert.match(
    text.get('classifier-uncertain-kind') ?? '',
    /^Uncertain kind: leaned \w+ \(\d+%\) over \w+ \(\d+%\)\. No classifier model is set to refine it/,
  );
});

test('the person’s calls read as set by them, and the header offers to route again as something else', () => {
  const task = 'Add a retry to the upload client';
  const local = classify(task);
  const d = decide(withPersonCalls(local, { kind: 'bugfix', risk: 'high' }), policy, undefined, {
    task,
    knownFiles: 1,
  });
  const view = RunViewSchema.parse({ runId: 'r1', task, state: 'running', stages: [], calls: callsView(d) });
  const restore = installFakeDom();
  try {
    let asked = 0;
    const els = renderCalls(view, () => asked++) as unknown as FakeElement[];
    const calls = els.find((e) => e.attributes.get('data-testid') === 'classifier-calls')!;
    assert.match(calls.textContent, /^kind bugfix \(set by you\) · risk high \(set by you\)/);
    const button = calls.childNodes.find(
      (c): c is FakeElement => c instanceof FakeElement && c.attributes.get('data-testid') === 'reroute',
    );
    assert.ok(button, 'a Route again as… button');
    assert.equal(button.tagName, 'vscode-button');
    assert.equal(button.textContent, 'Route again as…');
    assert.deepEqual(button.listeners, ['click']);
    assert.equal(asked, 0, 'nothing happens until it is pressed');
    // No call is unsure once the person made it.
    assert.equal(els.length, 1);
  } finally {
    restore();
  }
  // Without a handler (a view that cannot act), no button.
  const restore2 = installFakeDom();
  try {
    const els = renderCalls(view) as unknown as FakeElement[];
    assert.doesNotMatch(els[0]!.textContent, /Route again/);
  } finally {
    restore2();
  }
});
