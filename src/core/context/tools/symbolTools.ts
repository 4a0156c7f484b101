// `find_symbol` (where a name is defined — tree-sitter definitions — and which files use it) and
// `repo_map` (the files the locator ranks for a focus, each with its outline of definitions, within
// a token budget: a map of the repository shaped by the task, as Aider's repo map is).
import type { Definition } from '../definitions';
import { locate } from '../locate';
import type { RepoIndex } from '../repoIndex';
import { identTerm, subwords } from '../tokenize';
import { refusal, type PathRules } from './pathGuard';
import type { ToolText } from './readTools';

const MAX_CANDIDATES = 80;

export async function findSymbol(index: RepoIndex, args: { name: string }, rules: PathRules): Promise<ToolText> {
  const wanted = args.name.trim();
  const last = wanted.split(/\.|::/).pop()!;
  const container = wanted.includes('.') || wanted.includes('::') ? wanted.split(/\.|::/).slice(-2)[0] : undefined;
  const terms = subwords(last);
  const whole = terms.length > 1 ? identTerm(last) : terms[0];
  if (!whole) return { ok: false, error: `"${args.name}" is not an identifier to look for` };
  const uses = new Map<string, number>();
  for (const e of index.files.values()) {
    const n = index.termCount(e, whole);
    if (n > 0 && !refusal(e.path, rules)) uses.set(e.path, n);
  }
  const users = [...uses.keys()].map((p) => index.files.get(p)!);
  users.sort((a, b) => uses.get(b.path)! - uses.get(a.path)!);
  const defs: string[] = [];
  const definers = new Set<string>();
  for (const e of users.slice(0, MAX_CANDIDATES)) {
    for (const d of await index.definitions(e.path)) {
      if (d.name.toLowerCase() !== last.toLowerCase()) continue;
      if (container && d.container && d.container.toLowerCase() !== container.toLowerCase()) continue;
      defs.push(`${e.path}:${d.line}-${d.endLine} ${d.kind} ${label(d)}`);
      definers.add(e.path);
    }
  }
  const used = users.filter((e) => !definers.has(e.path)).map((e) => e.path);
  const lines = [
    defs.length ? `Definitions of ${args.name}:` : `No definition of ${args.name} found in the parsed languages.`,
    ...defs.slice(0, 40),
    used.length
      ? `Used in ${used.length} other file(s): ${used.slice(0, 25).join(', ')}${used.length > 25 ? ', …' : ''}`
      : '',
  ].filter(Boolean);
  return { ok: true, text: lines.join('\n'), paths: [...definers] };
}

function label(d: Definition): string {
  return d.container ? `${d.container}.${d.name}` : d.name;
}

/** Outline of one file: its definitions, methods indented under their class. */
export function outline(path: string, defs: readonly Definition[], maxLines = 30): string {
  const rows = defs
    .filter((d) => d.kind !== 'constant' || !d.container)
    .slice(0, maxLines)
    .map((d) => `${d.container ? '    ' : '  '}${d.kind} ${d.name} (line ${d.line})`);
  const more = defs.length > maxLines ? [`  … ${defs.length - maxLines} more`] : [];
  return [path, ...rows, ...more].join('\n');
}

export async function repoMap(
  index: RepoIndex,
  args: { focus: string; budgetTokens?: number },
  rules: PathRules,
): Promise<ToolText> {
  const budget = Math.min(8000, Math.max(200, args.budgetTokens ?? 2000));
  const ranked = (await locate(index, args.focus, { limit: 40 })).filter((f) => !refusal(f.path, rules));
  const parts: string[] = [];
  const shown: string[] = [];
  let tokens = 0;
  for (const f of ranked) {
    const block = outline(f.path, await index.definitions(f.path));
    const cost = Math.ceil(block.length / 4);
    if (tokens + cost > budget) {
      if (tokens + Math.ceil(f.path.length / 4) <= budget) parts.push(f.path);
      continue;
    }
    parts.push(block);
    shown.push(f.path);
    tokens += cost;
  }
  if (!parts.length) return { ok: true, text: `No files match "${args.focus}".`, paths: [] };
  return {
    ok: true,
    text: `Files ranked for "${args.focus}", with their definitions:\n${parts.join('\n')}`,
    paths: shown,
  };
}
