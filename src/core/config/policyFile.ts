// Reads the layers of the policy from disk for the CLI (the extension reads through VS Code). The
// file comes from the repository: it must be a regular file of a sensible size (a FIFO would hang the
// read, a link to /dev/zero or a 50 MB file would exhaust memory before any check ran).
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { MAX_POLICY_BYTES, type PolicyLayerSource } from './loadPolicy';
import { WORKSPACE_POLICY_PATH } from './settingsKeys';

/** The policy file exists but cannot be used as one; the message names the file. */
export class PolicyFileError extends Error {}

/** The workspace policy file as a layer, or undefined when the workspace has none. */
export async function readWorkspacePolicy(root: string): Promise<PolicyLayerSource | undefined> {
  const file = join(root, WORKSPACE_POLICY_PATH);
  let handle;
  try {
    // O_NONBLOCK: opening a FIFO planted in place of the file must not wait for a writer.
    handle = await open(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0)).catch(
      async (err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT') return undefined;
        throw err;
      },
    );
    if (!handle) return undefined;
    const st = await handle.stat();
    if (!st.isFile()) throw new PolicyFileError(`${file} is not a regular file; a routing policy must be one.`);
    if (st.size > MAX_POLICY_BYTES) {
      throw new PolicyFileError(
        `${file}:1:1: the file is ${st.size} bytes, larger than ${MAX_POLICY_BYTES}; a routing policy is a few kilobytes, so it was not read.`,
      );
    }
    return { label: file, text: await handle.readFile('utf8') };
  } catch (err) {
    if (err instanceof PolicyFileError) throw err;
    throw new PolicyFileError(`Could not read the routing policy ${file}: ${(err as Error).message}`);
  } finally {
    await handle?.close();
  }
}
