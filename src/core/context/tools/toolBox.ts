// The read-only tools a role may call — search, read_file, list_dir, find_symbol, repo_map — as one
// box: their specs (JSON Schema from zod, for native tool calling or the text protocol) and one
// `run(name, argumentsJson)` that validates the arguments and never throws: a bad call comes back as
// an error result the model can read and correct. Nothing here writes to the workspace.
import { z } from 'zod';
import type { ToolSpec } from '../../providers/types';
import type { RepoIndex } from '../repoIndex';
import type { PathRules } from './pathGuard';
import { listDir, readFileRange, type ToolText } from './readTools';
import { search } from './searchTool';
import { findSymbol, repoMap } from './symbolTools';

const relPath = z.string().max(1000);

export const TOOL_ARGS = {
  search: z.object({
    pattern: z.string().min(1).max(500).describe('Text to look for (or a regular expression when regex is true).'),
    path: relPath.optional().describe('Only under this folder or file (workspace-relative).'),
    glob: z.string().max(200).optional().describe('Only files whose name matches, e.g. "*.py".'),
    regex: z.boolean().optional().describe('Treat pattern as a regular expression.'),
    maxResults: z.number().int().min(1).max(200).optional(),
  }),
  read_file: z.object({
    path: relPath.describe('Workspace-relative path.'),
    startLine: z.number().int().min(1).optional().describe('First line (1-based).'),
    endLine: z.number().int().min(1).optional().describe('Last line; at most 400 lines are returned per call.'),
  }),
  list_dir: z.object({ path: relPath.optional().describe('Workspace-relative folder; empty for the root.') }),
  find_symbol: z.object({
    name: z.string().min(1).max(200).describe('A function, class, method or type name; "Class.method" narrows it.'),
  }),
  repo_map: z.object({
    focus: z.string().min(1).max(2000).describe('What you are looking for, in words or identifiers.'),
    budgetTokens: z.number().int().min(200).max(8000).optional(),
  }),
} as const;

export type ToolName = keyof typeof TOOL_ARGS;
type ToolArgs = { [K in ToolName]: z.infer<(typeof TOOL_ARGS)[K]> };
export const TOOL_NAMES = Object.keys(TOOL_ARGS) as ToolName[];

const DESCRIPTIONS: Record<ToolName, string> = {
  search: 'Search file contents in the workspace (ripgrep). Returns path:line: text for each match.',
  read_file: 'Read a range of lines of one workspace file, numbered.',
  list_dir: "List one folder's entries.",
  find_symbol: 'Find where a function, class, method or type is defined (and which files use it).',
  repo_map: 'The files most relevant to a focus, ranked, each with an outline of its definitions.',
};

export interface ToolResult {
  ok: boolean;
  /** What the model is shown (the caller fences it as data). */
  text: string;
  /** One line for the panel and the sidebar. */
  summary: string;
  /** Files whose contents (or a part) the result showed. */
  paths: string[];
}

export interface ToolEnv {
  root: string;
  index: () => Promise<RepoIndex>;
  rules: PathRules;
  /** ripgrep to use; without one, search scans the indexed files in JavaScript. */
  rgPath?: string;
}

export class ToolBox {
  constructor(private readonly env: ToolEnv) {}

  specs(names: readonly ToolName[] = TOOL_NAMES): ToolSpec[] {
    return names.map((name) => ({
      name,
      description: DESCRIPTIONS[name],
      parameters: z.toJSONSchema(TOOL_ARGS[name], { io: 'input' }) as Record<string, unknown>,
    }));
  }

  async run(name: string, argumentsJson: string): Promise<ToolResult> {
    if (!Object.hasOwn(TOOL_ARGS, name)) {
      return fail(name, `there is no tool "${name}"; the tools are ${TOOL_NAMES.join(', ')}`);
    }
    const tool = name as ToolName;
    let raw: unknown;
    try {
      raw = JSON.parse(argumentsJson || '{}');
    } catch {
      return fail(tool, 'the arguments are not valid JSON');
    }
    const parsed = TOOL_ARGS[tool].safeParse(raw);
    if (!parsed.success) {
      return fail(
        tool,
        `bad arguments: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'arguments'}: ${i.message}`).join('; ')}`,
      );
    }
    try {
      return await this.dispatch(tool, parsed.data);
    } catch (e) {
      return fail(tool, (e as Error).message);
    }
  }

  private async dispatch(tool: ToolName, args: unknown): Promise<ToolResult> {
    const { root, rules } = this.env;
    switch (tool) {
      case 'search': {
        const a = args as ToolArgs['search'];
        const index = await this.env.index();
        const out = await search(root, a, rules, {
          rgPath: this.env.rgPath,
          files: async () => [...index.files.keys()],
        });
        const files = [...new Set(out.hits.map((h) => h.path))];
        const lines = out.hits.map((h) => `${h.path}:${h.line}: ${h.text}`);
        const note = [
          out.truncated ? 'more matches exist: narrow the pattern or the path' : '',
          out.withheld ? `${out.withheld} match(es) in secret-looking or protected files withheld` : '',
        ].filter(Boolean);
        const text = lines.length ? [...lines, ...note].join('\n') : ['no matches', ...note].join('\n');
        return {
          ok: true,
          text,
          summary: `"${a.pattern}": ${out.hits.length} hit(s) in ${files.length} file(s)`,
          // The matching lines reach the model: the files they come from count as read (residency).
          paths: files,
        };
      }
      case 'read_file': {
        const a = args as ToolArgs['read_file'];
        return done(tool, await readFileRange(root, a, rules), (t) => t.text.split('\n')[0]!);
      }
      case 'list_dir': {
        const a = args as ToolArgs['list_dir'];
        return done(tool, await listDir(root, a, rules), (t) => t.text.split('\n')[0]!);
      }
      case 'find_symbol': {
        const a = args as ToolArgs['find_symbol'];
        return done(
          tool,
          await findSymbol(await this.env.index(), a, rules),
          (t) => `${a.name}: ${t.paths.length ? t.paths.join(', ') : 'no definition'}`,
        );
      }
      case 'repo_map': {
        const a = args as ToolArgs['repo_map'];
        return done(tool, await repoMap(await this.env.index(), a, rules), (t) => `${t.paths.length} file(s) mapped`);
      }
    }
  }
}

function done(tool: ToolName, r: ToolText, summary: (t: Extract<ToolText, { ok: true }>) => string): ToolResult {
  return r.ok ? { ok: true, text: r.text, summary: summary(r), paths: r.paths } : fail(tool, r.error);
}

function fail(tool: string, error: string): ToolResult {
  return { ok: false, text: `error: ${error}`, summary: `${tool} failed: ${error}`, paths: [] };
}
