// Edits one stage's chain in the text of `.switchyard/routing.json` without disturbing anything
// else: the array's text is found from the JSONC parser's value locations and replaced in place,
// so the team's comments and layout survive. When the file has no such array (or no file exists)
// the stage is added and the result re-serialised; the caller shows the diff before writing.
import type { Stage } from '../config/policySchema';
import { parseJsonc, pathKey } from '../config/jsonc';

export interface PolicyTextEdit {
  before: string;
  after: string;
  /** How the edit was made, for the diff's caption. */
  how: 'in-place' | 'rewritten' | 'created';
}

function offsetOf(text: string, line: number, column: number): number {
  let at = 0;
  for (let l = 1; l < line; l++) at = text.indexOf('\n', at) + 1;
  return at + column - 1;
}

/** End (exclusive) of the JSON array starting at `start` ('['), skipping strings and comments. */
function arrayEnd(text: string, start: number): number {
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
    } else if (c === '/' && text[i + 1] === '/') {
      i = text.indexOf('\n', i);
      if (i < 0) break;
    } else if (c === '/' && text[i + 1] === '*') {
      i = text.indexOf('*/', i + 2) + 1;
      if (i <= 0) break;
    } else if (c === '[') depth++;
    else if (c === ']' && --depth === 0) return i + 1;
  }
  throw new Error('the stage chain array is not closed');
}

export function editStageChain(text: string | undefined, stage: Stage, chain: readonly string[]): PolicyTextEdit {
  const chainText = JSON.stringify(chain).replace(/,/g, ', ');
  if (text === undefined || text.trim() === '') {
    const after = `${JSON.stringify({ version: 1, stages: { [stage]: chain } }, null, 2)}\n`;
    return { before: text ?? '', after, how: 'created' };
  }
  const parsed = parseJsonc(text); // throws JsoncSyntaxError with line/column: the caller reports it
  const loc = parsed.locations.get(pathKey(['stages', stage]));
  const root = parsed.value as Record<string, unknown> | null;
  const stages = root && typeof root === 'object' ? (root['stages'] as Record<string, unknown> | undefined) : undefined;
  if (loc && Array.isArray(stages?.[stage])) {
    const start = offsetOf(text, loc.line, loc.column);
    const end = arrayEnd(text, start);
    return { before: text, after: text.slice(0, start) + chainText + text.slice(end), how: 'in-place' };
  }
  if (!root || typeof root !== 'object' || Array.isArray(root))
    throw new Error('the routing policy file is not a JSON object');
  const value = { ...root, stages: { ...(stages ?? {}), [stage]: [...chain] } };
  return { before: text, after: `${JSON.stringify(value, null, 2)}\n`, how: 'rewritten' };
}
