// Loads an agent SDK from the user's install, on first use only. The SDKs carry their agent's
// native binary (Claude Code's is ~400 MB per platform), so Switchyard does not ship them: the
// user installs the one they use (`npm install -g @anthropic-ai/claude-agent-sdk`) and, when it is
// not where Node finds it from Switchyard, names the folder (a setting, or an environment
// variable for the CLI). Never from the workspace: a repository's node_modules is untrusted code.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { AgentUnavailable } from './agentTypes';

/** Folders that may hold `node_modules/<pkg>` or `<pkg>` itself: the user's folder first, then Switchyard's own lookup path. */
function searchDirs(pkg: string, dir: string | undefined): string[] {
  const out: string[] = [];
  if (dir) out.push(path.resolve(dir), path.join(path.resolve(dir), 'node_modules'));
  out.push(...(createRequire(__filename).resolve.paths(pkg) ?? []));
  return out;
}

/** The package's ES module entry, or undefined when it is not installed where we look. */
export function resolveSdk(pkg: string, dir: string | undefined): string | undefined {
  for (const base of searchDirs(pkg, dir)) {
    const root = path.join(base, pkg);
    const manifest = path.join(root, 'package.json');
    if (!existsSync(manifest)) continue;
    try {
      const json = JSON.parse(readFileSync(manifest, 'utf8')) as { exports?: unknown; main?: string };
      return path.join(root, entryOf(json));
    } catch {
      // an unreadable manifest: look further
    }
  }
  return undefined;
}

/** The "." export for `import` (the SDKs are ES modules), else `main`. */
function entryOf(json: { exports?: unknown; main?: string }): string {
  const dot =
    typeof json.exports === 'object' && json.exports ? (json.exports as Record<string, unknown>)['.'] : json.exports;
  if (typeof dot === 'string') return dot;
  if (dot && typeof dot === 'object') {
    const d = dot as Record<string, unknown>;
    for (const k of ['import', 'node', 'default']) if (typeof d[k] === 'string') return d[k];
  }
  return json.main ?? 'index.js';
}

// A real dynamic import: the bundler would turn `import()` into `require()`, which cannot load an
// ES module on the Node versions VS Code ships.
const importEsm = new Function('specifier', 'return import(specifier)') as (s: string) => Promise<unknown>;

/** Imports the SDK, or throws AgentUnavailable saying what to install and which setting names the folder. */
export async function loadSdk<T>(pkg: string, dir: string | undefined, how: string): Promise<T> {
  const entry = resolveSdk(pkg, dir);
  if (!entry || !existsSync(entry)) {
    const where = dir ? ` (looked in ${dir} and next to Switchyard)` : '';
    throw new AgentUnavailable(`${pkg} is not installed${where}. ${how}`);
  }
  try {
    return (await importEsm(pathToFileURL(entry).href)) as T;
  } catch (e) {
    throw new AgentUnavailable(`${pkg} at ${entry} could not be loaded: ${(e as Error).message}`);
  }
}
