// The files the index covers: `git ls-files` (tracked plus untracked-but-not-ignored, so .gitignore
// is respected) inside a repository, else a walk that skips the usual dependency and build folders.
// Then a cheap first cut by name: vendored, generated, lock and binary-looking files are out, and so
// is anything the caller's secret rule matches (decided on the path; contents are checked later).
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { extOf } from './languages';

/** Folders never indexed when walking (git already leaves out what .gitignore names). */
const WALK_SKIP = new Set([
  '.git',
  'node_modules',
  'dist',
  'out',
  'build',
  '.next',
  'coverage',
  '.vscode-test',
  '.venv',
  'venv',
  '__pycache__',
  'target',
  '.mypy_cache',
  '.pytest_cache',
  '.tox',
  '.gradle',
  '.idea',
]);

/** Vendored or generated trees that git may still track. */
const GENERATED_DIR = /(^|\/)(node_modules|vendor|third_party|bower_components|dist|\.yarn)\//;

const BINARY_EXT = new Set(
  (
    'png jpg jpeg gif bmp ico icns webp avif tif tiff psd svgz pdf zip gz tgz bz2 xz 7z rar jar war ear class ' +
    'so dylib dll exe bin o a lib obj wasm pyc pyo whl egg mp3 mp4 m4a wav ogg flac mov avi mkv webm ttf otf ' +
    'woff woff2 eot db sqlite sqlite3 dat pkl npy npz parquet onnx pt ckpt snap'
  ).split(' '),
);

const GENERATED_NAME =
  /(\.min\.(js|css)|\.map|\.bundle\.js|\.pb\.go|_pb2\.py|\.generated\.[a-z]+|\.g\.dart|\.designer\.cs)$|(^|\/)(package-lock\.json|yarn\.lock|pnpm-lock\.yaml|Cargo\.lock|poetry\.lock|Gemfile\.lock|composer\.lock|go\.sum|uv\.lock|bun\.lockb)$/;

/** Why a path is left out of the index by its name alone, or undefined to keep it. */
export function skipByName(rel: string, isSecret: (p: string) => boolean): string | undefined {
  if (isSecret(rel)) return 'looks like it holds secrets';
  if (GENERATED_DIR.test(rel)) return 'vendored or build output';
  if (BINARY_EXT.has(extOf(rel))) return 'binary';
  if (GENERATED_NAME.test(rel)) return 'generated or a lock file';
  return undefined;
}

export interface FileListing {
  files: string[];
  /** 'git' when `git ls-files` answered, else 'walk'. */
  source: 'git' | 'walk';
}

export async function listWorkspaceFiles(root: string, limit = 50_000): Promise<FileListing> {
  // Loaded when first needed: a warm `locate` answers from its cache without starting git at all.
  const { runGit, splitNul } = require('../sandbox/git') as typeof import('../sandbox/git');
  const git = await runGit(['ls-files', '-z', '--cached', '--others', '--exclude-standard'], root);
  if (git.code === 0) {
    const files = [...new Set(splitNul(git.stdout))].slice(0, limit);
    return { files, source: 'git' };
  }
  return { files: await walk(root, limit), source: 'walk' };
}

async function walk(root: string, limit: number): Promise<string[]> {
  const out: string[] = [];
  const queue = [''];
  while (queue.length && out.length < limit) {
    const dir = queue.shift()!;
    let entries;
    try {
      entries = await fsp.readdir(path.join(root, dir), { withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of entries) {
      const rel = dir ? `${dir}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if (!WALK_SKIP.has(e.name) && !e.name.startsWith('.')) queue.push(rel);
      } else if (e.isFile() || e.isSymbolicLink()) {
        out.push(rel);
        if (out.length >= limit) break;
      }
    }
  }
  return out;
}
