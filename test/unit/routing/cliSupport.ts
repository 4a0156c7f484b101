// What the CLI tests share: a fake terminal (stdout/stderr captured, an environment, an optional
// "ask"), a temporary workspace, and the loopback model server answering each role from its queue,
// with keys and base URLs in the environment exactly as a user would set them.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { VerbIo } from '../../../src/cli/verbIo';
import { startLoopbackServer, type LoopbackServer } from '../../support/loopbackServer';
import { answerByRole } from '../pipeline/harness';

export function io(cwd: string, env: Record<string, string | undefined> = {}, ask?: VerbIo['ask']) {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t), env, cwd, ask } satisfies VerbIo,
  };
}

export function workspace(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'switchyard-cli-'));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(join(root, rel, '..'), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
  return root;
}

export async function modelServer(): Promise<{
  server: LoopbackServer;
  queues: ReturnType<typeof answerByRole>;
  env: Record<string, string>;
}> {
  const server = await startLoopbackServer();
  const queues = answerByRole(server);
  const env = {
    OPENAI_API_KEY: 'sk-openai-test-123456',
    ANTHROPIC_API_KEY: 'sk-ant-test-123456',
    OPENAI_BASE_URL: server.openaiBaseUrl,
    ANTHROPIC_BASE_URL: server.anthropicBaseUrl,
  };
  return { server, queues, env };
}
