// Codex as an implementer, through the Codex SDK (@openai/codex-sdk, which drives the `codex`
// binary from @openai/codex; both loaded from the user's install). Codex has a shell, so it runs
// in its own sandbox: workspace-write (writes only in the copy and its temp folder), no network, no
// web search, never asking for approval; a scratch CODEX_HOME (its sessions, for resuming, stay in
// the copy's container; no user config.toml, MCP servers or login). Its requests go to the policy's
// base URL as a provider of its own (Responses API), with only its own key. Switchyard cannot veto
// each of its commands, so the implementer screens residency against every file first, and every
// file it changed is checked to be inside the copy afterwards (a change elsewhere voids the pass).
import { existsSync } from 'node:fs';
import { mkdir, symlink } from 'node:fs/promises';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import type { AgentEngine, AgentPassInput, AgentPassOutcome, AgentStep } from './agentTypes';
import { killProcessesUnder } from './agentProcesses';
import { loadSdk, resolveSdk } from './sdkLoader';
import { killCodexGroup, writeCodexLauncher, type CodexLauncher } from './codexLauncher';

export const CODEX_SDK_PACKAGE = '@openai/codex-sdk';
export const CODEX_SDK_HINT =
  'Install it (npm install -g @openai/codex-sdk, which brings @openai/codex and its binary) and set switchyard.agents.sdkDir (or SWITCHYARD_CODEX_SDK_DIR for the CLI) to the folder that holds it, e.g. the output of `npm root -g`.';

type Loose = Record<string, unknown>;
interface CodexThread {
  readonly id: string | null;
  runStreamed(input: string, opts: { signal: AbortSignal }): Promise<{ events: AsyncIterable<Loose> }>;
}
interface CodexSdk {
  Codex: new (opts: Loose) => {
    startThread(opts: Loose): CodexThread;
    resumeThread(id: string, opts: Loose): CodexThread;
  };
}

const TRIPLES: Record<string, string> = {
  'linux-x64': 'x86_64-unknown-linux-musl',
  'linux-arm64': 'aarch64-unknown-linux-musl',
  'darwin-x64': 'x86_64-apple-darwin',
  'darwin-arm64': 'aarch64-apple-darwin',
};

export class CodexEngine implements AgentEngine {
  readonly name = 'Codex';
  readonly screensEachTool = false;
  readonly defaultBaseUrl = 'https://api.openai.com/v1';
  private sweep: { dir: string; marker: string } | undefined;
  private launcher: CodexLauncher | undefined;

  constructor(private readonly sdkDir: string | undefined) {}

  credentialEnv(creds: { apiKey: string }): Record<string, string> {
    return { CODEX_API_KEY: creds.apiKey };
  }

  async run(input: AgentPassInput): Promise<AgentPassOutcome> {
    const sdk = await loadSdk<CodexSdk>(CODEX_SDK_PACKAGE, this.sdkDir, CODEX_SDK_HINT);
    const codexHome = path.join(input.scratch, 'codex-home');
    await mkdir(codexHome, { recursive: true });
    const marker = `CODEX_HOME=${codexHome}`;
    this.sweep = { dir: input.cwd, marker };
    const bin = await this.sandboxShim(input.scratch);
    const exe = codexBinary(this.sdkDir);
    this.launcher = exe ? await writeCodexLauncher(input.scratch, exe) : undefined;
    // The folders the SDK would put on PATH itself (tools packaged with codex), which it skips for a launcher.
    const extra = [bin, exe && path.join(path.dirname(path.dirname(exe)), 'codex-path')].filter(
      (d): d is string => !!d && existsSync(d),
    );
    const env = {
      ...input.env,
      CODEX_HOME: codexHome,
      ...(extra.length ? { PATH: [...extra, input.env['PATH'] ?? ''].join(path.delimiter) } : {}),
    };
    const codex = new sdk.Codex({
      env,
      config: providerConfig(input.baseUrl),
      ...(this.launcher ? { codexPathOverride: this.launcher.exe } : {}),
    });
    const opts = {
      model: input.spec.model,
      workingDirectory: input.cwd,
      skipGitRepoCheck: true,
      sandboxMode: 'workspace-write',
      approvalPolicy: 'never',
      networkAccessEnabled: false,
      webSearchMode: 'disabled',
    };
    const thread = input.resume ? codex.resumeThread(input.resume, opts) : codex.startThread(opts);
    const out: AgentPassOutcome = { usage: { inputTokens: 0, outputTokens: 0 }, turns: 0, stop: 'done', errors: [] };
    const local = new AbortController();
    // Cancel and the limits end codex through the SDK's abort (its launcher then ends codex's process
    // group) and kill the group at once: waiting for codex to honour a SIGTERM costs seconds.
    const onAbort = () => {
      local.abort();
      void this.stop();
    };
    if (input.signal.aborted) local.abort();
    input.signal.addEventListener('abort', onAbort, { once: true });
    const prompt = `${input.instructions}\n\n${input.prompt}`;
    try {
      const { events } = await thread.runStreamed(prompt, { signal: local.signal });
      for await (const e of events) this.take(e, input, out);
    } catch (e) {
      if (!input.signal.aborted && out.stop === 'done') {
        out.stop = 'error';
        out.errors.push((e as Error).message.split('\n').slice(0, 3).join(' '));
      }
    } finally {
      input.signal.removeEventListener('abort', onAbort);
    }
    out.sessionId = thread.id ?? out.sessionId;
    return out;
  }

  /** Ends codex's process group; on Linux also any process still working in the copy or carrying its CODEX_HOME (one that left the group). */
  async stop(): Promise<void> {
    await killCodexGroup(this.launcher);
    if (this.sweep) await killProcessesUnder(this.sweep.dir, this.sweep.marker);
  }

  /** Reads one event: its steps to the output, the task's usage when it ends (the gateway meters each request). */
  private take(e: Loose, input: AgentPassInput, out: AgentPassOutcome): void {
    if (e['type'] === 'thread.started' && typeof e['thread_id'] === 'string') out.sessionId = e['thread_id'];
    if (e['type'] === 'turn.completed') {
      const u = (e['usage'] ?? {}) as Record<string, number>;
      const cached = u['cached_input_tokens'] ?? 0;
      out.usage = {
        inputTokens: out.usage.inputTokens + (u['input_tokens'] ?? 0),
        outputTokens: out.usage.outputTokens + (u['output_tokens'] ?? 0),
        ...(cached ? { cachedInputTokens: (out.usage.cachedInputTokens ?? 0) + cached } : {}),
      };
    }
    if (e['type'] === 'turn.failed') {
      out.stop = 'error';
      out.errors.push(String((e['error'] as Loose | undefined)?.['message'] ?? 'the turn failed'));
    }
    const item = e['item'] as Loose | undefined;
    if (!item) return;
    for (const step of stepsOfItem(String(e['type']), item)) input.onStep(step);
    if (e['type'] === 'item.completed' && item['type'] === 'file_change') void this.checkChanges(item, input);
  }

  /** A file Codex changed outside its copy voids the pass (its sandbox should have stopped it). */
  private async checkChanges(item: Loose, input: AgentPassInput): Promise<void> {
    const changes = Array.isArray(item['changes']) ? (item['changes'] as Loose[]) : [];
    for (const c of changes) await input.guard.check('Write', { file_path: String(c['path'] ?? '') });
  }

  /**
   * Codex starts its Linux sandbox helper as `codex-linux-sandbox` from PATH inside bubblewrap: a
   * link to its own binary in a folder on PATH, or every command fails with "execvp
   * codex-linux-sandbox". Returns that folder (undefined off Linux, or when the binary is not found).
   */
  private async sandboxShim(scratch: string): Promise<string | undefined> {
    const exe = codexBinary(this.sdkDir);
    if (!exe || process.platform !== 'linux') return undefined;
    const bin = path.join(scratch, 'codex-bin');
    await mkdir(bin, { recursive: true });
    await symlink(exe, path.join(bin, 'codex-linux-sandbox')).catch(() => undefined);
    return bin;
  }
}

/** The metering gateway as a Codex model provider of its own (the Responses API, its own key variable). */
function providerConfig(baseUrl: string): Loose {
  return {
    mcp_servers: {},
    web_search: 'disabled',
    // workspace-write would also let commands write anywhere under /tmp, where a workspace may be:
    // only the copy (its working directory) and its own TMPDIR (the copy's container) stay writable.
    sandbox_workspace_write: { exclude_slash_tmp: true, exclude_tmpdir_env_var: false, network_access: false },
    model_provider: 'switchyard',
    model_providers: {
      switchyard: { name: 'Switchyard', base_url: baseUrl, env_key: 'CODEX_API_KEY', wire_api: 'responses' },
    },
  };
}

/** The native codex binary that the SDK next to `sdkDir` (or next to Switchyard) will run. */
function codexBinary(sdkDir: string | undefined): string | undefined {
  const sdk = resolveSdk(CODEX_SDK_PACKAGE, sdkDir);
  const triple = TRIPLES[`${process.platform}-${process.arch}`];
  if (!sdk || !triple) return undefined;
  try {
    const fromCodex = createRequire(createRequire(sdk).resolve('@openai/codex/package.json'));
    const platformPkg = fromCodex.resolve(`@openai/codex-${process.platform}-${process.arch}/package.json`);
    return path.join(path.dirname(platformPkg), 'vendor', triple, 'bin', 'codex');
  } catch {
    return undefined;
  }
}

function stepsOfItem(event: string, item: Loose): AgentStep[] {
  const id = String(item['id'] ?? '');
  switch (item['type']) {
    case 'agent_message':
      return event === 'item.completed' ? [{ kind: 'text', text: String(item['text'] ?? '') }] : [];
    case 'command_execution':
      if (event === 'item.started') return [{ kind: 'tool', id, tool: 'shell', args: String(item['command'] ?? '') }];
      if (event !== 'item.completed') return [];
      return [
        {
          kind: 'tool-result',
          id,
          tool: 'shell',
          ok: item['exit_code'] === 0,
          summary: firstLine(String(item['aggregated_output'] ?? '')) || `exit ${String(item['exit_code'] ?? '?')}`,
        },
      ];
    case 'file_change': {
      if (event !== 'item.completed') return [];
      const changes = Array.isArray(item['changes']) ? (item['changes'] as Loose[]) : [];
      const list = changes.map((c) => `${String(c['kind'])} ${String(c['path'])}`).join(', ');
      return [
        { kind: 'tool', id, tool: 'apply_patch', args: list },
        { kind: 'tool-result', id, tool: 'apply_patch', ok: item['status'] === 'completed', summary: list },
      ];
    }
    default:
      return [];
  }
}

function firstLine(s: string): string {
  const l = s.trim().split('\n')[0] ?? '';
  return l.length > 160 ? `${l.slice(0, 160)}…` : l;
}
