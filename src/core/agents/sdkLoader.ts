// Loads an agent SDK from the user's install, on first use only. The SDKs carry their agent's
// native binary (Claude Code's is ~400 MB per platform), so Switchyard does not ship them: the
// user installs the one they use (`npm install -g @anthropic-ai/claude-agent-sdk`) and, when it is
// not where Node finds it from Switchyard, names the folder (a setting, or an environment
// variable for the CLI). Never from the workspace: a repository's node_modules is untrusted code.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { AgentUnavailable } from './agentTypes';

/** Where to look, in order: the folder the user named, then next to Switchyard itself. */
function candidates(dir: string | undefined): string[] {
  const out: string[] = [];
  if (dir) out.push(path.join(path.resolve(dir), 'noop.js'));
  out.push(__filename);
  return out;
}

/** The package's entry file, or undefined when it is not installed where we look. */
export function resolveSdk(pkg: string, dir: string | undefined): string | undefined {
  for (const from of candidates(dir)) {
    try {
      // A folder named by the user may be a global node_modules or a project that has it installed.
      const req = createRequire(from);
      const paths =
        dir && from.startsWith(path.resolve(dir)) ? [path.resolve(dir), path.dirname(path.resolve(dir))] : undefined;
      return req.resolve(pkg, paths ? { paths } : undefined);
    } catch {
      // try the next place
    }
  }
  return undefined;
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
