// Hands a scratch folder to the user the sandbox runs as, and back. Only needed when the host is
// root: the sandbox then runs as nobody, who must be able to write its scratch copy, and the host
// takes the folder back afterwards so its own git (which refuses repositories owned by someone
// else) can read it. Symlinks are changed themselves, never followed.
import { lchown, lstat, readdir } from 'node:fs/promises';
import * as path from 'node:path';

export async function chownTree(dir: string, uid: number, gid: number): Promise<void> {
  const st = await lstat(dir).catch(() => undefined);
  if (!st) return;
  await lchown(dir, uid, gid).catch(() => undefined);
  if (!st.isDirectory()) return;
  // Stay on this file system: a mount point inside (a test that mounted something) is not ours.
  const walk = async (d: string) => {
    const names = await readdir(d).catch(() => [] as string[]);
    for (const n of names) {
      const p = path.join(d, n);
      const s = await lstat(p).catch(() => undefined);
      if (!s || s.dev !== st.dev) continue;
      await lchown(p, uid, gid).catch(() => undefined);
      if (s.isDirectory()) await walk(p);
    }
  };
  await walk(dir);
}
