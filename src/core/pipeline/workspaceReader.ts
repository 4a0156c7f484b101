// Read-only access to the workspace for building role context: a file listing for the scout and
// file contents for the other roles, every path kept inside the root (symlinks too). The pipeline
// never writes: applying goes through the host's apply function.
import { readdir, readFile, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { normalizeEditPath, resolveInsideRoot } from '../edits/safePath';
import type { FileContext } from '../sessions/prompts';

export interface WorkspaceReader {
  listFiles(limit: number): Promise<string[]>;
  /** undefined when the file does not exist; throws when the path is outside the root. */
  readText(relPath: string): Promise<string | undefined>;
}

const SKIP_DIRS = new Set([
  '.git',
  'node_modules',
  'dist',
  'out',
  'build',
  '.next',
  'coverage',
  '.vscode-test',
  '.venv',
  '__pycache__',
  'target',
]);

export function fsWorkspaceReader(root: string): WorkspaceReader {
  return {
    async listFiles(limit) {
      const out: string[] = [];
      const queue: string[] = [''];
      while (queue.length && out.length < limit) {
        const dir = queue.shift()!;
        let entries;
        try {
          entries = await readdir(path.join(root, dir), { withFileTypes: true });
        } catch {
          continue;
        }
        entries.sort((a, b) => a.name.localeCompare(b.name));
        for (const e of entries) {
          const rel = dir ? `${dir}/${e.name}` : e.name;
          if (e.isDirectory()) {
            if (!SKIP_DIRS.has(e.name)) queue.push(rel);
          } else if (e.isFile()) {
            out.push(rel);
            if (out.length >= limit) break;
          }
        }
      }
      return out;
    },
    async readText(relPath) {
      const where = await resolveInsideRoot(root, relPath);
      if (!where.ok) throw new Error(`${relPath}: ${where.reason}`);
      if (!where.exists) return undefined;
      const st = await stat(where.abs);
      if (!st.isFile()) return undefined;
      return readFile(where.abs, 'utf8');
    },
  };
}

export const MAX_FILE_CHARS = 60_000;
export const MAX_CONTEXT_CHARS = 240_000;
export const MAX_CONTEXT_FILES = 20;

/** Reads the named files for a role's context, capped per file and in total; unreadable paths are skipped with a note. */
export async function readContextFiles(
  reader: WorkspaceReader,
  paths: readonly string[],
): Promise<{ files: FileContext[]; notes: string[] }> {
  const files: FileContext[] = [];
  const notes: string[] = [];
  const seen = new Set<string>();
  let total = 0;
  for (const raw of paths) {
    const norm = normalizeEditPath(raw);
    if (!norm.ok) {
      notes.push(`skipped ${raw}: ${norm.reason}`);
      continue;
    }
    if (seen.has(norm.path)) continue;
    seen.add(norm.path);
    if (files.length >= MAX_CONTEXT_FILES) {
      notes.push(`skipped ${norm.path}: more than ${MAX_CONTEXT_FILES} files`);
      continue;
    }
    let text: string | undefined;
    try {
      text = await reader.readText(norm.path);
    } catch (err) {
      notes.push(`skipped ${norm.path}: ${(err as Error).message}`);
      continue;
    }
    if (text !== undefined && total + Math.min(text.length, MAX_FILE_CHARS) > MAX_CONTEXT_CHARS) {
      notes.push(`skipped ${norm.path}: context is full (${MAX_CONTEXT_CHARS} characters)`);
      continue;
    }
    const truncated = text !== undefined && text.length > MAX_FILE_CHARS;
    const shown = truncated ? text!.slice(0, MAX_FILE_CHARS) : text;
    total += shown?.length ?? 0;
    files.push({ path: norm.path, text: shown, truncated });
  }
  return { files, notes };
}
