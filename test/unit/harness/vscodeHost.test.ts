// The real-VS-Code harness's own guarantees: the workbench URL carries the smoke-test payload the
// workbench expects, runs get fresh data folders, and teardown leaves no process and no folder.
// The server tests need the host (node scripts/installHost.mjs); without it they are skipped.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

// vscodeHost.mjs is an ES module and this file is CommonJS, so it is loaded with import().
const load = () => import('../../support/vscodeHost.mjs');
const serverMain = join(
  __dirname,
  '..',
  '..',
  '..',
  '.vscode-test',
  'host',
  'node_modules',
  'code-server',
  'lib',
  'vscode',
  'out',
  'server-main.js',
);

const noHost = existsSync(serverMain) ? false : 'VS Code host not installed (run node scripts/installHost.mjs)';

function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

test('workbenchUrl puts the folder and the smoke-test payload in the query', async () => {
  const { workbenchUrl } = await load();
  const server = {
    origin: 'http://127.0.0.1:4321',
    remoteUri: (p: string) => `vscode-remote://127.0.0.1:4321${p}`,
  };
  const url = new URL(
    workbenchUrl(server, {
      folder: '/tmp/ws',
      extensionDevelopmentPath: '/work/ext',
      extensionTestsPath: '/work/ext/out/test/integration/index.js',
    }),
  );
  assert.equal(url.origin, 'http://127.0.0.1:4321');
  assert.equal(url.searchParams.get('folder'), '/tmp/ws');
  assert.deepEqual(JSON.parse(url.searchParams.get('payload') ?? 'null'), [
    ['extensionDevelopmentPath', 'vscode-remote://127.0.0.1:4321/work/ext'],
    ['extensionTestsPath', 'vscode-remote://127.0.0.1:4321/work/ext/out/test/integration/index.js'],
    ['skipWelcome', 'true'],
  ]);
});

test('workbenchUrl leaves out what was not asked for', async () => {
  const { workbenchUrl } = await load();
  const server = { origin: 'http://127.0.0.1:1', remoteUri: (p: string) => p };
  const url = new URL(workbenchUrl(server, { skipWelcome: false }));
  assert.equal(url.searchParams.has('folder'), false);
  assert.equal(url.searchParams.has('payload'), false);
});

test('copyWorkspace makes an independent copy of the sample workspace', async () => {
  const { copyWorkspace, sampleWorkspace } = await load();
  const copy = copyWorkspace();
  try {
    assert.notEqual(copy, sampleWorkspace);
    for (const f of ['package.json', 'README.md', 'src/cart.ts', 'src/format.ts']) {
      assert.equal(readFileSync(join(copy, f), 'utf8'), readFileSync(join(sampleWorkspace, f), 'utf8'), f);
    }
  } finally {
    // copyWorkspace's parent is a fresh temp folder of its own
    rmSync(join(copy, '..'), { recursive: true, force: true });
  }
});

test('freePort returns a port nothing listens on', async () => {
  const { freePort } = await load();
  const port = await freePort();
  assert.ok(port > 1024 && port < 65536);
  const { createServer } = await import('node:net');
  await new Promise<void>((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve()));
  });
});

test(
  'startServer serves the workbench; close() stops its whole process group and removes its folders',
  { skip: noHost, timeout: 90_000 },
  async () => {
    const { startServer } = await load();
    const server = await startServer();
    let closed = false;
    try {
      assert.ok(server.args.includes('--disable-workspace-trust'), 'trust is off unless asked for');
      assert.ok(server.args.includes('--enable-smoke-test-driver'));
      assert.equal(server.args[server.args.indexOf('--host') + 1], '127.0.0.1');
      const res = await fetch(server.origin + '/');
      assert.equal(res.status, 200);
      assert.match(await res.text(), /workbench/);
      assert.ok(existsSync(server.dirs.user));
      assert.ok(groupAlive(server.pid));
      await server.close();
      closed = true;
      assert.equal(groupAlive(server.pid), false, 'a process of the server group is still running');
      assert.equal(existsSync(server.dataRoot), false, 'the data folders were not removed');
      assert.equal(existsSync(server.tmpDir), false, "the server's temp folder (IPC sockets) was not removed");
      await assert.rejects(fetch(server.origin + '/'), 'the port still answers');
    } finally {
      if (!closed) await server.close();
    }
  },
);

test(
  'startServer with trust keeps Workspace Trust on and a kept dataRoot survives close()',
  { skip: noHost, timeout: 90_000 },
  async () => {
    const { startServer } = await load();
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const kept = mkdtempSync(join(tmpdir(), 'switchyard-kept-'));
    try {
      const server = await startServer({ trust: true, dataRoot: kept, smokeTestDriver: false });
      assert.equal(server.args.includes('--disable-workspace-trust'), false);
      assert.equal(server.args.includes('--enable-smoke-test-driver'), false);
      await server.close();
      assert.equal(groupAlive(server.pid), false);
      assert.ok(existsSync(join(kept, 'user-data')), 'a caller-owned dataRoot must be kept');
      assert.equal(existsSync(server.tmpDir), false, 'the temp folder goes even when dataRoot is kept');
    } finally {
      rmSync(kept, { recursive: true, force: true });
    }
  },
);

test('startServer fails fast, naming the port, when the port is taken', { skip: noHost, timeout: 90_000 }, async () => {
  const { startServer } = await load();
  const { createServer } = await import('node:net');
  const blocker = createServer();
  const port = await new Promise<number>((resolve) =>
    blocker.listen(0, '127.0.0.1', () => resolve((blocker.address() as { port: number }).port)),
  );
  try {
    // Our blocker holds the port; the server logs EADDRINUSE (and would keep running without a port).
    const started = Date.now();
    await assert.rejects(startServer({ port, timeoutMs: 30_000 }), (err: Error) => {
      assert.match(err.message, new RegExp(`127\\.0\\.0\\.1:${port}`));
      assert.match(err.message, /already in use/);
      return true;
    });
    assert.ok(Date.now() - started < 15_000, 'a taken port should fail fast, not wait for the timeout');
  } finally {
    blocker.close();
  }
});

test(
  'startServer keeps model keys from the environment out of the server, but passes env it is given',
  { skip: noHost, timeout: 90_000 },
  async () => {
    const { startServer } = await load();
    const saved = { OPENAI_API_KEY: process.env.OPENAI_API_KEY, ANTHROPIC_BASE_URL: process.env.ANTHROPIC_BASE_URL };
    process.env.OPENAI_API_KEY = 'sk-test-not-a-real-key';
    process.env.ANTHROPIC_BASE_URL = 'http://127.0.0.1:9/';
    try {
      const server = await startServer({ env: { SWITCHYARD_TEST_GREP: 'x', GEMINI_API_KEY: 'given-on-purpose' } });
      try {
        const environ = readFileSync(`/proc/${server.pid}/environ`, 'utf8').split('\0');
        assert.equal(
          environ.some((e) => e.startsWith('OPENAI_API_KEY=')),
          false,
          'a developer key reached the server',
        );
        assert.equal(
          environ.some((e) => e.startsWith('ANTHROPIC_BASE_URL=')),
          false,
        );
        assert.ok(environ.includes('SWITCHYARD_TEST_GREP=x'));
        assert.ok(environ.includes('GEMINI_API_KEY=given-on-purpose'), 'env passed on purpose must arrive');
        assert.ok(environ.includes(`TMPDIR=${server.tmpDir}`));
      } finally {
        await server.close();
      }
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  },
);
