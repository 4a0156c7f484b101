// The CLI's index cache: one JSON file per workspace (named by a hash of its real path) under the
// user's cache folder, holding each file's size, mtime, terms, imports and parsed definitions, and
// the history read at HEAD. On the next run the index starts from it and re-reads only files whose
// size or mtime moved (history only when HEAD moved). A cache from another version, or unreadable,
// is ignored; it is written to a temporary file and renamed, so a crash never leaves half a cache.
import { createHash } from 'node:crypto';
import { mkdir, readFile, realpath, rename, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { z } from 'zod';
import type { Definition } from './definitions';
import { derivedFromPath, type FileEntry } from './fileEntry';
import type { History } from './gitHistory';
import { RepoIndex, type IndexOptions } from './repoIndex';

const CACHE_VERSION = 2;

const CachedFileSchema = z.object({
  p: z.string(),
  s: z.number(),
  m: z.number(),
  /** Terms as "term count term count …". */
  t: z.string(),
  i: z.array(z.string()),
  d: z.array(z.tuple([z.string(), z.string(), z.number(), z.number(), z.string().optional()])).optional(),
});

const CacheSchema = z.object({
  version: z.literal(CACHE_VERSION),
  root: z.string(),
  head: z.string().optional(),
  newest: z.number(),
  history: z.array(z.tuple([z.string(), z.number(), z.number()])),
  commits: z.array(z.array(z.string())),
  files: z.array(CachedFileSchema),
});

export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'switchyard', 'index');
}

async function cacheFile(root: string, dir: string): Promise<string> {
  const real = await realpath(root).catch(() => path.resolve(root));
  return path.join(dir, `${createHash('sha256').update(real).digest('hex').slice(0, 16)}.json`);
}

/** An index for `root`, from the cache when there is one, brought up to date (save it with saveIndex). */
export async function loadIndexWithCache(
  root: string,
  options: IndexOptions,
  cacheDir = defaultCacheDir(),
): Promise<{ index: RepoIndex; fromCache: boolean; restored: number }> {
  const file = await cacheFile(root, cacheDir);
  const index = new RepoIndex(path.resolve(root), options);
  const fromCache = await restore(index, file);
  const restored = index.generation;
  await index.refresh();
  return { index, fromCache, restored };
}

async function restore(index: RepoIndex, file: string): Promise<boolean> {
  let parsed;
  try {
    parsed = CacheSchema.safeParse(JSON.parse(await readFile(file, 'utf8')));
  } catch {
    return false;
  }
  if (!parsed.success || parsed.data.root !== index.root) return false;
  const c = parsed.data;
  for (const f of c.files) index.add(entryOf(f));
  const history: History = {
    head: c.head,
    newest: c.newest,
    files: new Map(c.history.map(([p, commits, lastChange]) => [p, { commits, lastChange }])),
    commits: c.commits,
  };
  index.history = history;
  return true;
}

function entryOf(f: z.infer<typeof CachedFileSchema>): FileEntry {
  const terms = new Map<string, number>();
  let length = 0;
  const parts = f.t ? f.t.split(' ') : [];
  for (let i = 0; i + 1 < parts.length; i += 2) {
    const n = Number(parts[i + 1]);
    terms.set(parts[i]!, n);
    length += n;
  }
  // Everything else is derived from the path again, so a change to those rules needs no new cache version.
  const fresh = { path: f.p, size: f.s, mtimeMs: f.m, terms, length, specs: f.i };
  const defs: Definition[] | undefined = f.d?.map(([name, kind, line, endLine, container]) => ({
    name,
    kind: kind as Definition['kind'],
    line,
    endLine,
    ...(container ? { container } : {}),
  }));
  return { ...derivedFromPath(fresh.path), ...fresh, ...(defs ? { defs } : {}) };
}

export async function saveIndex(index: RepoIndex, cacheDir = defaultCacheDir()): Promise<void> {
  const file = await cacheFile(index.root, cacheDir);
  const data: z.infer<typeof CacheSchema> = {
    version: CACHE_VERSION,
    root: index.root,
    head: index.history.head,
    newest: index.history.newest,
    history: [...index.history.files].map(([p, h]) => [p, h.commits, h.lastChange]),
    commits: index.history.commits,
    files: [...index.files.values()].map((e) => ({
      p: e.path,
      s: e.size,
      m: e.mtimeMs,
      t: [...e.terms].map(([t, n]) => `${t} ${n}`).join(' '),
      i: e.specs,
      ...(e.defs
        ? {
            d: e.defs.map((d) =>
              d.container ? [d.name, d.kind, d.line, d.endLine, d.container] : [d.name, d.kind, d.line, d.endLine],
            ),
          }
        : {}),
    })) as z.infer<typeof CacheSchema>['files'],
  };
  await mkdir(cacheDir, { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(data), { mode: 0o600 });
  await rename(tmp, file);
}
