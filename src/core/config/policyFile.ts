// Reads the layers of the policy from disk for the CLI (the extension reads through VS Code).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PolicyLayerSource } from './loadPolicy';
import { WORKSPACE_POLICY_PATH } from './settingsKeys';

/** The workspace policy file as a layer, or undefined when the workspace has none. */
export async function readWorkspacePolicy(root: string): Promise<PolicyLayerSource | undefined> {
  const file = join(root, WORKSPACE_POLICY_PATH);
  try {
    return { label: file, text: await readFile(file, 'utf8') };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`Could not read the routing policy ${file}: ${(err as Error).message}`);
  }
}
