// `read_file` (a line range of one file, numbered, capped) and `list_dir` (one folder's entries).
// Both go through the path rules first; read_file refuses binary and huge files and says so.
import { readdir, readFile, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { MAX_INDEX_BYTES } from '../fileEntry';
import { guardPath, refusal, type PathRules } from './pathGuard';

export const READ_MAX_LINES = 400;
export const READ_MAX_CHARS = 24_000;

export type ToolText = { ok: true; text: string; paths: string[] } | { ok: false; error: string };

export async function readFileRange(
  root: string,
  args: { path: string; startLine?: number; endLine?: number },
  rules: PathRules,
): Promise<ToolText> {
  const g = await guardPath(root, args.path, rules);
  if (!g.ok) return { ok: false, error: g.reason };
  if (!g.exists) return { ok: false, error: `${args.path} does not exist` };
  const st = await stat(g.abs);
  if (st.isDirectory()) return { ok: false, error: `${args.path} is a folder; use list_dir` };
  if (st.size > MAX_INDEX_BYTES * 4)
    return { ok: false, error: `${args.path} is ${st.size} bytes, too large to read; search in it instead` };
  const bytes = await readFile(g.abs);
  if (bytes.subarray(0, 8192).includes(0)) return { ok: false, error: `${args.path} is a binary file` };
  const lines = bytes.toString('utf8').split('\n');
  const total = lines.length;
  const start = Math.max(1, Math.min(total, Math.floor(args.startLine ?? 1)));
  let end = Math.min(total, Math.floor(args.endLine ?? start + READ_MAX_LINES - 1), start + READ_MAX_LINES - 1);
  const out: string[] = [];
  let chars = 0;
  for (let i = start; i <= end; i++) {
    const line = `${i}: ${lines[i - 1]!.replace(/\r$/, '')}`;
    if (chars + line.length > READ_MAX_CHARS) {
      end = i - 1;
      break;
    }
    out.push(line);
    chars += line.length + 1;
  }
  const more = end < total ? ` — more follows: read from line ${end + 1}` : '';
  return { ok: true, text: `${g.rel} lines ${start}-${end} of ${total}${more}\n${out.join('\n')}`, paths: [g.rel] };
}

const LIST_MAX = 300;

export async function listDir(root: string, args: { path?: string }, rules: PathRules): Promise<ToolText> {
  const rel = args.path ?? '';
  const g = await guardPath(root, rel, rules);
  if (!g.ok) return { ok: false, error: g.reason };
  if (!g.exists) return { ok: false, error: `${rel} does not exist` };
  let entries;
  try {
    entries = await readdir(g.abs, { withFileTypes: true });
  } catch {
    return { ok: false, error: `${rel || 'the workspace root'} is not a folder` };
  }
  const rows: string[] = [];
  let hidden = 0;
  entries.sort((a, b) => Number(b.isDirectory()) - Number(a.isDirectory()) || a.name.localeCompare(b.name));
  for (const e of entries) {
    const child = g.rel ? `${g.rel}/${e.name}` : e.name;
    if (e.name === '.git' || refusal(child, rules)) {
      hidden++;
      continue;
    }
    if (rows.length >= LIST_MAX) break;
    rows.push(e.isDirectory() ? `${e.name}/` : e.isSymbolicLink() ? `${e.name} (symlink)` : e.name);
  }
  const head = `${g.rel || '.'}: ${entries.length - hidden} entries${rows.length < entries.length - hidden ? ` (first ${rows.length})` : ''}`;
  return { ok: true, text: [head, ...rows].join('\n'), paths: [] };
}

/** path.posix.join that keeps a workspace-relative path relative. */
export function joinRel(a: string, b: string): string {
  return path.posix.join(a || '.', b).replace(/^\.\//, '');
}
