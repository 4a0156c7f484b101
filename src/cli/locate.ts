// `switchyard locate "TASK" [--root DIR] [--json] [--limit N] [--file PATH] [--cache-dir DIR] [--no-cache]`:
// ranks the workspace's files (and the symbols in them) for a task, with the reasons, using the
// local index (cached per workspace, revalidated by HEAD and file mtimes). Offline; calls no model.
import { resolve } from 'node:path';
import { defaultCacheDir } from '../core/context/indexCache';
import { mark } from '../core/context/phaseMarks';
import { locateInRoot, NotAFolderError } from '../core/context/locateInRoot';
import type { Located } from '../core/context/locate';
import { looksSecret } from '../core/paths/secretPaths';
import { filesUnderRoot } from './filesUnderRoot';
import { verbArgs, verbTask } from './verbArgs';
import { EXIT, type VerbIo } from './verbIo';

export const LOCATE_HELP = `usage: switchyard locate "TASK" [--root DIR] [--json] [--limit N] [--file PATH] [--cache-dir DIR] [--no-cache]
  Ranks the files a task most likely touches, most likely first, each with why and the matching symbols.
  --root DIR       the workspace (default: current directory)
  --json           print {"files":[{"path","score","why":[…],"symbols":[…]}]}
  --limit N        how many files (default 10, at most 200)
  --file PATH      the file you are working in (weighs it and its neighbours)
  --cache-dir DIR  where the index cache lives (default: $XDG_CACHE_HOME/switchyard/index)
  --no-cache       index from scratch and write no cache
exit codes: 0 ranked, 2 usage error`;

export async function runLocate(args: string[], io: VerbIo): Promise<number> {
  const verb = { name: 'locate', help: LOCATE_HELP, io };
  const parsed = verbArgs(verb, {
    args,
    allowPositionals: true,
    options: {
      json: { type: 'boolean', default: false },
      root: { type: 'string' },
      limit: { type: 'string' },
      file: { type: 'string' },
      'cache-dir': { type: 'string' },
      'no-cache': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (typeof parsed === 'number') return parsed;
  const task = verbTask(verb, parsed.positionals);
  if (typeof task === 'number') return task;
  const limit = parsed.values.limit === undefined ? 10 : Number(parsed.values.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 200) {
    io.err(
      `switchyard locate: --limit must be a whole number from 1 to 200, not "${parsed.values.limit}"\n${LOCATE_HELP}`,
    );
    return EXIT.usage;
  }
  const root = resolve(io.cwd, parsed.values.root ?? '.');
  const active = parsed.values.file ? filesUnderRoot([parsed.values.file], root, io.cwd) : undefined;
  if (active?.outside.length) {
    io.err(`switchyard locate: --file must name a file inside the workspace ${root}: ${active.outside.join(', ')}`);
    return EXIT.usage;
  }
  let result;
  try {
    result = await locateInRoot(root, task, {
      isSecret: looksSecret,
      limit,
      editor: active ? { activeFile: active.paths[0] } : undefined,
      cacheDir: parsed.values['no-cache']
        ? null
        : parsed.values['cache-dir']
          ? resolve(io.cwd, parsed.values['cache-dir'])
          : defaultCacheDir(io.env),
    });
  } catch (e) {
    if (!(e instanceof NotAFolderError)) throw e;
    io.err(`switchyard locate: ${e.message}`);
    return EXIT.usage;
  }
  if (parsed.values.json) io.out(JSON.stringify({ files: result.files }, null, 2));
  else
    io.out(
      renderLocated(
        result.files,
        `${result.stats.files} files indexed${result.fromCache ? ' (from cache)' : ''} in ${Math.round(result.ms)} ms`,
      ),
    );
  mark('printed');
  return EXIT.ok;
}

/** The ranked files as a person reads them: rank, path, why, symbols. */
export function renderLocated(files: readonly Located[], footer?: string): string {
  if (!files.length) return `No file matches the task.${footer ? `\n${footer}` : ''}`;
  const rows = files.flatMap((f, i) => [
    `${String(i + 1).padStart(2)}. ${f.path}  (${f.score})`,
    `    why: ${f.why.join('; ')}`,
    ...(f.symbols.length ? [`    symbols: ${f.symbols.join(', ')}`] : []),
  ]);
  return [...rows, ...(footer ? ['', footer] : [])].join('\n');
}
