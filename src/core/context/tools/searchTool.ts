// `search`: text or regex search over the workspace, with ripgrep when there is one (VS Code ships
// one under its app root, which the extension passes in; the CLI uses `rg` on the PATH) and a plain
// JavaScript scan of the indexed files otherwise. ripgrep respects .gitignore, skips hidden and
// binary files and does not follow symlinks; every hit still goes through the path rules, so a
// secret-looking or protected file never shows up in results.
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { refusal, type PathRules } from './pathGuard';

export interface SearchArgs {
  pattern: string;
  /** A folder (or file) to search in, workspace-relative. */
  path?: string;
  /** Only files matching this glob, e.g. "*.ts". */
  glob?: string;
  regex?: boolean;
  maxResults?: number;
}

export interface SearchHit {
  path: string;
  line: number;
  text: string;
}

export interface SearchOutcome {
  hits: SearchHit[];
  /** More matches existed than were returned. */
  truncated: boolean;
  engine: 'ripgrep' | 'javascript';
  /** Hits dropped because the file looks secret or is protected. */
  withheld: number;
}

const LINE_CHARS = 200;
const TIMEOUT_MS = 10_000;

export async function search(
  root: string,
  args: SearchArgs,
  rules: PathRules,
  opts: { rgPath?: string; files: () => Promise<string[]> },
): Promise<SearchOutcome> {
  const max = Math.min(200, Math.max(1, args.maxResults ?? 50));
  let raw: { hits: SearchHit[]; truncated: boolean; engine: SearchOutcome['engine'] } | undefined;
  if (opts.rgPath) raw = await ripgrep(opts.rgPath, root, args, max * 3).catch(() => undefined);
  raw ??= await scan(root, args, max * 3, await opts.files());
  let withheld = 0;
  const hits: SearchHit[] = [];
  for (const h of raw.hits) {
    if (refusal(h.path, rules)) {
      withheld++;
      continue;
    }
    if (hits.length < max) hits.push({ ...h, text: h.text.trim().slice(0, LINE_CHARS) });
  }
  return { hits, truncated: raw.truncated || hits.length < raw.hits.length - withheld, engine: raw.engine, withheld };
}

function ripgrep(rg: string, root: string, args: SearchArgs, limit: number) {
  const argv = ['--json', '--smart-case', '--max-count', '20', '--max-filesize', '1M', '--max-columns', '400'];
  if (!args.regex) argv.push('--fixed-strings');
  if (args.glob) argv.push('--glob', args.glob);
  argv.push('--regexp', args.pattern, '--', args.path ? args.path : '.');
  return new Promise<{ hits: SearchHit[]; truncated: boolean; engine: 'ripgrep' }>((resolve, reject) => {
    const child = spawn(rg, argv, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    const hits: SearchHit[] = [];
    let buf = '';
    let truncated = false;
    const timer = setTimeout(() => child.kill('SIGKILL'), TIMEOUT_MS);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      buf += chunk;
      let nl;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        const hit = parseRgLine(line);
        if (!hit) continue;
        if (hits.length >= limit) {
          truncated = true;
          child.kill();
          return;
        }
        hits.push(hit);
      }
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      // 0: matches, 1: none, 2: an error (e.g. a bad regex) — which the caller reports.
      if (code === 2 && hits.length === 0) reject(new Error('ripgrep failed'));
      else resolve({ hits, truncated, engine: 'ripgrep' });
    });
  });
}

function parseRgLine(line: string): SearchHit | undefined {
  if (!line.startsWith('{"type":"match"')) return undefined;
  try {
    const d = JSON.parse(line).data;
    const file = String(d.path?.text ?? '').replace(/^\.\//, '');
    return { path: file, line: d.line_number, text: String(d.lines?.text ?? '').replace(/\r?\n$/, '') };
  } catch {
    return undefined;
  }
}

async function scan(root: string, args: SearchArgs, limit: number, files: string[]) {
  const re = patternRegExp(args);
  const under = args.path ? args.path.replace(/^\.\//, '').replace(/\/$/, '') : '';
  const glob = args.glob ? globRegExp(args.glob) : undefined;
  const hits: SearchHit[] = [];
  for (const f of files) {
    if (under && f !== under && !f.startsWith(under + '/')) continue;
    if (glob && !glob.test(f.slice(f.lastIndexOf('/') + 1)) && !glob.test(f)) continue;
    const text = await readFile(path.join(root, f), 'utf8').catch(() => '');
    const lines = text.split('\n');
    let perFile = 0;
    for (let i = 0; i < lines.length && perFile < 20; i++) {
      re.lastIndex = 0;
      if (!re.test(lines[i]!)) continue;
      perFile++;
      if (hits.length >= limit) return { hits, truncated: true, engine: 'javascript' as const };
      hits.push({ path: f, line: i + 1, text: lines[i]!.replace(/\r$/, '') });
    }
  }
  return { hits, truncated: false, engine: 'javascript' as const };
}

/** Like ripgrep's smart case: case-insensitive unless the pattern has an upper-case letter. */
export function patternRegExp(args: Pick<SearchArgs, 'pattern' | 'regex'>): RegExp {
  const flags = /[A-Z]/.test(args.pattern) ? '' : 'i';
  const source = args.regex ? args.pattern : args.pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(source, flags);
}

function globRegExp(glob: string): RegExp {
  const re = glob
    .split('**/')
    .map((part) =>
      part
        .replace(/[.+^${}()|[\]\\]/g, '\\$&')
        .replace(/\*/g, '[^/]*')
        .replace(/\?/g, '[^/]'),
    )
    .join('(?:.*/)?');
  return new RegExp(`^${re}$`);
}
