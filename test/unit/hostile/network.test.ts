// A model server that redirects (issue 15, the redirect Low item): a 307 to another host would re-send
// the prompt — the user's code — there (fetch drops only the auth header). Through the pipeline with
// the real SDKs: the other host must receive nothing, and the run must say what happened.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startLoopbackServer } from '../../support/loopbackServer';
import { searchReplace } from '../pipeline/harness';
import { hashTree, runError, startHostileRun, treeDiff } from './support';

const README = '# Demo\n\nThis projcet routes tasks.\n';

test('Low: a 307 to another host is not followed: the other host sees no request (no prompt, no code)', async () => {
  const attacker = await startLoopbackServer();
  const h = await startHostileRun({ 'README.md': README });
  try {
    attacker.setHandler(() => ({ text: 'thanks for the code' }));
    h.replies.implementer = (req) => ({
      fault: { kind: 'http', status: 307, body: '', headers: { location: `${attacker.url}${req.path}` } },
    });
    const before = hashTree(h.root);
    const r = await h.run('Fix typo in README.md');
    assert.equal(r.outcome, 'failed', r.message);
    assert.equal(attacker.requests.length, 0, 'the prompt was re-sent to the other host');
    const err = runError(h.events);
    assert.match(err?.message ?? '', /redirect.*another host/i);
    assert.equal(treeDiff(before, hashTree(h.root)), '');
  } finally {
    await attacker.close();
    await h.close();
  }
});

test('Low: a redirect within the same server is still followed (a gateway moving a path)', async () => {
  const h = await startHostileRun({ 'README.md': README });
  try {
    const fix = searchReplace('README.md', 'This projcet routes tasks.', 'This project routes tasks.');
    h.replies.implementer = (req) =>
      req.path.includes('moved=1')
        ? fix
        : {
            fault: {
              kind: 'http',
              status: 307,
              body: '',
              headers: { location: `${req.path}${req.path.includes('?') ? '&' : '?'}moved=1` },
            },
          };
    h.gateAnswer = true;
    const r = await h.run('Fix typo in README.md');
    assert.equal(r.outcome, 'applied', r.message);
  } finally {
    await h.close();
  }
});
