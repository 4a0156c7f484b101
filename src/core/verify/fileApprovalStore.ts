// The CLI's ApprovalStore: approved-command hashes in a JSON file under the user's config folder
// ($XDG_CONFIG_HOME/switchyard/approvals.json, else ~/.config/switchyard/approvals.json). Only
// hashes are stored, never the commands (a command line can carry a token). A file that does not
// parse counts as empty, which errs on the side of asking again, and is replaced on the next add.
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import * as path from 'node:path';
import { z } from 'zod';
import type { ApprovalStore } from './verifyApproval';

const ApprovalsFileSchema = z.object({
  version: z.literal(1),
  approvals: z.array(z.object({ hash: z.string().regex(/^[0-9a-f]{64}$/), at: z.string() })),
});
type ApprovalsFile = z.infer<typeof ApprovalsFileSchema>;

export function defaultApprovalsPath(env: NodeJS.ProcessEnv = process.env, home = homedir()): string {
  const xdg = env.XDG_CONFIG_HOME;
  const base = xdg && path.isAbsolute(xdg) ? xdg : path.join(home, '.config');
  return path.join(base, 'switchyard', 'approvals.json');
}

export class FileApprovalStore implements ApprovalStore {
  constructor(readonly file: string = defaultApprovalsPath()) {}

  async has(hash: string): Promise<boolean> {
    return (await this.read()).approvals.some((a) => a.hash === hash);
  }

  /** Adds run one after another, so two approvals given at once are both kept. */
  private queue: Promise<void> = Promise.resolve();

  add(hash: string): Promise<void> {
    const next = this.queue.then(() => this.write(hash));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async write(hash: string): Promise<void> {
    const data = await this.read();
    if (data.approvals.some((a) => a.hash === hash)) return;
    data.approvals.push({ hash, at: new Date().toISOString() });
    await mkdir(path.dirname(this.file), { recursive: true, mode: 0o700 });
    // Write then rename, so a crash never leaves half a file that would forget every approval.
    const tmp = `${this.file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      await writeFile(tmp, JSON.stringify(data, null, 2) + '\n', { mode: 0o600 });
      await rename(tmp, this.file);
    } catch (e) {
      await rm(tmp, { force: true }).catch(() => undefined);
      throw new Error(`Could not save the approval to ${this.file}: ${(e as Error).message}`);
    }
  }

  private async read(): Promise<ApprovalsFile> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, approvals: [] };
      throw new Error(`Could not read the approvals file ${this.file}: ${(e as Error).message}`);
    }
    try {
      const parsed = ApprovalsFileSchema.safeParse(JSON.parse(text));
      if (parsed.success) return parsed.data;
    } catch {
      // Falls through: unreadable JSON is treated like an empty file.
    }
    return { version: 1, approvals: [] };
  }
}
