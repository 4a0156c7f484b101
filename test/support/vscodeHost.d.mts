// Types for vscodeHost.mjs (plain ESM so node runs it without a build; TypeScript tests import it).
import type { ChildProcess } from 'node:child_process';
import type { Browser, Page } from 'playwright-core';

export declare const repoRoot: string;
export declare const sampleWorkspace: string;
export declare const serverMain: string;
export declare const chromiumPath: string;
export declare const CHROMIUM_ARGS: string[];

export interface ServerOptions {
  port?: number;
  trust?: boolean;
  extensionsDir?: string;
  extraArgs?: string[];
  timeoutMs?: number;
  echo?: boolean;
  gallery?: boolean;
  smokeTestDriver?: boolean;
  dataRoot?: string;
  env?: Record<string, string>;
}

export interface VscodeServer {
  port: number;
  origin: string;
  dataRoot: string;
  /** TMPDIR / XDG_RUNTIME_DIR of the server and its extension hosts (their IPC sockets); removed at close. */
  tmpDir: string;
  dirs: { server: string; user: string; extensions: string };
  pid: number;
  process: ChildProcess;
  args: string[];
  output(): string;
  isClosing(): boolean;
  remoteUri(absPath: string): string;
  close(): Promise<void>;
}

export interface WorkbenchOptions {
  folder?: string;
  extensionDevelopmentPath?: string;
  extensionTestsPath?: string;
  skipWelcome?: boolean;
}

export interface OpenWorkbenchOptions extends WorkbenchOptions {
  onLog?: (type: string, args: unknown[]) => void;
  onExit?: (code: number) => void;
  viewport?: { width: number; height: number };
  waitForWorkbench?: boolean;
}

export interface Host {
  server: VscodeServer;
  browser: Browser;
  folder: string;
  openWorkbench(options?: OpenWorkbenchOptions): Promise<Page>;
  close(): Promise<void>;
}

export declare function closeEverything(): Promise<void>;
export declare function freePort(): Promise<number>;
export declare function copyWorkspace(source?: string, into?: string): string;
export declare function startServer(options?: ServerOptions): Promise<VscodeServer>;
export declare function launchBrowser(options?: {
  headless?: boolean;
}): Promise<{ browser: Browser; close(): Promise<void> }>;
export declare function workbenchUrl(
  server: Pick<VscodeServer, 'origin' | 'remoteUri'>,
  options?: WorkbenchOptions,
): string;
export declare function openWorkbench(
  browser: Browser,
  server: VscodeServer,
  options?: OpenWorkbenchOptions,
): Promise<Page>;
export declare function startHost(
  options?: ServerOptions & { workspace?: string; extensionDevelopmentPath?: string; headless?: boolean },
): Promise<Host>;
