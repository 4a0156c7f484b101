// Where a ripgrep binary is. The extension uses the one VS Code ships under its app root (desktop
// builds unpack it from the asar; the server build keeps it in node_modules); the CLI uses `rg` on
// the PATH. `@vscode/ripgrep` is not a dependency: its install step downloads from the network.
import { accessSync, constants } from 'node:fs';
import * as path from 'node:path';

const RG = process.platform === 'win32' ? 'rg.exe' : 'rg';

function executable(p: string): boolean {
  try {
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The rg VS Code ships, given `vscode.env.appRoot`. */
export function vscodeRipgrep(appRoot: string): string | undefined {
  const candidates = [
    path.join(appRoot, 'node_modules', '@vscode', 'ripgrep', 'bin', RG),
    path.join(appRoot, 'node_modules.asar.unpacked', '@vscode', 'ripgrep', 'bin', RG),
    path.join(appRoot, 'node_modules', 'vscode-ripgrep', 'bin', RG),
    path.join(appRoot, 'node_modules.asar.unpacked', 'vscode-ripgrep', 'bin', RG),
  ];
  return candidates.find(executable);
}

/** `rg` on the PATH, if there is one. */
export function ripgrepOnPath(env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const p = path.join(dir, RG);
    if (executable(p)) return p;
  }
  return undefined;
}
